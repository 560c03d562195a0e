/**
 * The encoding ladder as data. Both encoders read it: the local ffmpeg path
 * (ffmpeg-args.ts, one process per lesson) and the MediaConvert job builder
 * (mediaconvert-job.ts). Nothing else in the pipeline hard-codes a size, a rate or a
 * segment length.
 *
 * Conventions:
 * - `shortSide` is the smaller frame dimension: the height of a landscape frame, the width of
 *   a portrait one. A "720p" rung is 1280x720 for 16:9 and 720x1280 for 9:16, so portrait
 *   video gets the same pixel budget as landscape.
 * - Rates are per content kind. `lecture` (slides, screen recordings) costs far fewer bits
 *   than `camera` footage at the same perceived quality: its VBV cap (maxrate/bufsize) is
 *   roughly 40 % of the camera cap. CRF keeps quality constant where the cap is not reached;
 *   the cap bounds the peaks that drive BANDWIDTH and rebuffering.
 * - The x264 preset is per content kind too. Camera footage: `faster` (about 2x the speed of
 *   x264's default `medium` for a few % more bits). Lectures: `medium`, at the camera CRFs
 *   (one notch higher at 1080p): on near-static pictures motion search costs next to nothing,
 *   so `medium` runs as fast as `faster` there, and `npm run bench:encode` measured `faster` at
 *   CRF +2 losing 1.5-3.5 dB SSIM against the seed 001 baseline on slides, while `medium` at
 *   these CRFs beats it on every rendition at about half the bytes.
 * - bufsize is 2 x maxrate: a 2-second VBV window, one GOP, so a 2-second segment (one GOP) never
 *   exceeds ~2 x maxrate x 2 s even at a scene cut.
 */

export type ContentKind = 'lecture' | 'camera';
export const CONTENT_KINDS: readonly ContentKind[] = ['lecture', 'camera'];

export type H264Profile = 'baseline' | 'main' | 'high';

export interface RateControl {
  /** x264 CRF (local) — lower is better quality. */
  readonly crf: number;
  /** VBV cap, kbit/s. Also the MediaConvert QVBR MaxBitrate. */
  readonly maxrateKbps: number;
  /** VBV buffer, kbit. */
  readonly bufsizeKbps: number;
  /** MediaConvert QVBR quality level (1-10) for this rung and kind. */
  readonly qvbrQuality: number;
}

export interface Rung {
  /** Nominal name; a rendition capped below the rung is renamed after its real size. */
  readonly name: string;
  /** Short side in pixels (see the conventions above). */
  readonly shortSide: number;
  readonly profile: H264Profile;
  /** Nominal H.264 level for <= 30 fps; the plan raises it when size x rate needs more. */
  readonly level: string;
  /** AAC-LC bitrate for stereo; mono gets half, never under 48 kbit/s. */
  readonly audioKbps: number;
  readonly rates: Readonly<Record<ContentKind, RateControl>>;
  /** Optional rungs (240p) are only encoded when the plan asks for them. */
  readonly optional?: boolean;
}

export interface ThumbnailSettings {
  /** Long side of one scrub thumbnail, px. */
  readonly longSide: number;
  readonly columns: number;
  readonly rows: number;
  /** Bounds of the interval between thumbnails, seconds (interval ~ duration / 120). */
  readonly minIntervalSeconds: number;
  readonly maxIntervalSeconds: number;
  /** Poster: 10 % into the lesson, at most this many seconds in (skips fade-ins). */
  readonly posterMaxSeconds: number;
  /** Poster short side cap, px. */
  readonly posterShortSide: number;
}

export interface Ladder {
  readonly videoCodec: 'h264';
  readonly audioCodec: 'aac-lc';
  /** HLS segment duration, seconds (EXT-X-TARGETDURATION). */
  readonly segmentSeconds: number;
  /** Keyframe interval, seconds; segments are cut on these keyframes. */
  readonly gopSeconds: number;
  /** Container: fMP4 (CMAF-style) segments. */
  readonly segmentType: 'fmp4';
  /** x264 preset for the local encoder, per content kind. */
  readonly x264Preset: Readonly<Record<ContentKind, string>>;
  /** Output frame rates above this are divided down (120 -> 60, 100 -> 50). */
  readonly maxFrameRate: number;
  readonly audioSampleRate: number;
  /** Renditions closer than this ratio (short side) to the one above are dropped. */
  readonly minRungStep: number;
  readonly rungs: readonly Rung[];
  readonly thumbnails: ThumbnailSettings;
}

function rates(
  camera: [crf: number, maxrateKbps: number, qvbr: number],
  lecture: [crf: number, maxrateKbps: number, qvbr: number],
): Record<ContentKind, RateControl> {
  return {
    camera: { crf: camera[0], maxrateKbps: camera[1], bufsizeKbps: camera[1] * 2, qvbrQuality: camera[2] },
    lecture: { crf: lecture[0], maxrateKbps: lecture[1], bufsizeKbps: lecture[1] * 2, qvbrQuality: lecture[2] },
  };
}

export const LADDER: Ladder = {
  videoCodec: 'h264',
  audioCodec: 'aac-lc',
  // One GOP per segment: the first frame waits for the whole first segment (it is appended
  // whole), so at 2 s it costs half the bytes of 4 s at the same bit rate, and an abandoned or
  // refetched segment costs half as much. `npm run bench:startup`, same machine and runs, cold
  // p50 from 4 s to 2 s: 1174 -> 944 ms at 1.6 Mbps / 150 ms, 321 -> 193 ms at 5 Mbps / 40 ms,
  // 179 -> 142 ms at 20 Mbps / 20 ms. The price: twice the segment requests (CloudFront bills
  // per 10,000) and playlists twice as long; the GOP, so the bit rate, is unchanged.
  segmentSeconds: 2,
  gopSeconds: 2,
  segmentType: 'fmp4',
  // See the conventions above: 'faster' for camera footage, 'medium' for near-static lectures.
  x264Preset: { camera: 'faster', lecture: 'medium' },
  maxFrameRate: 60,
  audioSampleRate: 48_000,
  minRungStep: 0.85,
  rungs: [
    { name: '1080p', shortSide: 1080, profile: 'high', level: '4.0', audioKbps: 128, rates: rates([21, 6000, 8], [22, 2500, 7]) },
    { name: '720p', shortSide: 720, profile: 'high', level: '3.1', audioKbps: 128, rates: rates([22, 3500, 8], [22, 1500, 7]) },
    { name: '480p', shortSide: 480, profile: 'main', level: '3.1', audioKbps: 96, rates: rates([23, 1800, 7], [23, 800, 7]) },
    { name: '360p', shortSide: 360, profile: 'main', level: '3.0', audioKbps: 96, rates: rates([24, 1000, 7], [24, 450, 6]) },
    { name: '240p', shortSide: 240, profile: 'main', level: '2.1', audioKbps: 64, rates: rates([25, 500, 6], [25, 250, 6]), optional: true },
  ],
  thumbnails: {
    longSide: 160,
    columns: 10,
    rows: 10,
    minIntervalSeconds: 1,
    maxIntervalSeconds: 10,
    posterMaxSeconds: 10,
    posterShortSide: 720,
  },
};

/**
 * H.264 levels (ITU-T H.264 Table A-1): max macroblocks per second, max frame size in
 * macroblocks, max video bitrate (kbit/s, Baseline/Main; High allows 1.25x).
 */
export const H264_LEVELS: readonly { level: string; maxMbps: number; maxFs: number; maxBrKbps: number }[] = [
  { level: '1.0', maxMbps: 1485, maxFs: 99, maxBrKbps: 64 },
  { level: '1.1', maxMbps: 3000, maxFs: 396, maxBrKbps: 192 },
  { level: '1.2', maxMbps: 6000, maxFs: 396, maxBrKbps: 384 },
  { level: '1.3', maxMbps: 11880, maxFs: 396, maxBrKbps: 768 },
  { level: '2.0', maxMbps: 11880, maxFs: 396, maxBrKbps: 2000 },
  { level: '2.1', maxMbps: 19800, maxFs: 792, maxBrKbps: 4000 },
  { level: '2.2', maxMbps: 20250, maxFs: 1620, maxBrKbps: 4000 },
  { level: '3.0', maxMbps: 40500, maxFs: 1620, maxBrKbps: 10000 },
  { level: '3.1', maxMbps: 108000, maxFs: 3600, maxBrKbps: 14000 },
  { level: '3.2', maxMbps: 216000, maxFs: 5120, maxBrKbps: 20000 },
  { level: '4.0', maxMbps: 245760, maxFs: 8192, maxBrKbps: 20000 },
  { level: '4.1', maxMbps: 245760, maxFs: 8192, maxBrKbps: 50000 },
  { level: '4.2', maxMbps: 522240, maxFs: 8704, maxBrKbps: 50000 },
  { level: '5.0', maxMbps: 589824, maxFs: 22080, maxBrKbps: 135000 },
  { level: '5.1', maxMbps: 983040, maxFs: 36864, maxBrKbps: 240000 },
  { level: '5.2', maxMbps: 2073600, maxFs: 36864, maxBrKbps: 240000 },
];

/**
 * The smallest level at or above `nominal` that fits the frame size, frame rate and VBV
 * cap. Throws when nothing fits (a > 8K source would need H.265 anyway).
 */
export function h264LevelFor(
  width: number,
  height: number,
  fps: number,
  maxrateKbps: number,
  profile: H264Profile,
  nominal = '1.0',
): string {
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const brFactor = profile === 'high' ? 1.25 : 1;
  const start = H264_LEVELS.findIndex((l) => l.level === nominal);
  for (const l of H264_LEVELS.slice(Math.max(0, start))) {
    if (mbs <= l.maxFs && mbs * fps <= l.maxMbps && maxrateKbps <= l.maxBrKbps * brFactor) return l.level;
  }
  throw new Error(`no H.264 level fits ${width}x${height} at ${fps} fps and ${maxrateKbps} kbit/s`);
}

/** Sanity checks on a ladder (custom ladders in tests and benches go through this too). */
export function validateLadder(ladder: Ladder): void {
  if (ladder.rungs.length === 0) throw new Error('ladder has no rungs');
  if (ladder.segmentSeconds % ladder.gopSeconds !== 0) {
    throw new Error(`segment duration ${ladder.segmentSeconds}s is not a multiple of the GOP ${ladder.gopSeconds}s`);
  }
  const names = new Set<string>();
  let previous = Infinity;
  for (const rung of ladder.rungs) {
    if (rung.shortSide % 2 !== 0) throw new Error(`rung ${rung.name}: short side must be even`);
    if (rung.shortSide >= previous) throw new Error(`rungs must be sorted from the largest down (${rung.name})`);
    if (names.has(rung.name)) throw new Error(`duplicate rung name ${rung.name}`);
    names.add(rung.name);
    previous = rung.shortSide;
  }
}
