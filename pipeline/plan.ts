/**
 * Pure planning: ladder + probe -> what to encode. Never upscales, keeps dimensions even,
 * treats portrait as portrait, picks the output frame rate, the audio layout, the content kind
 * and the poster/scrub-thumbnail geometry. Both encoders' builders start from this.
 */
import {
  h264LevelFor,
  validateLadder,
  type ContentKind,
  type H264Profile,
  type Ladder,
  type Rung,
} from './ladder.ts';
import { PipelineError } from './errors.ts';
import { outputFrameRate } from './frame-rate.ts';
import { rationalValue, type Probe, type Rational, type VideoProbe } from './probe.ts';


export interface PlannedRendition {
  /** `${shortSide}p`: unique in a plan, used as the folder name. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly shortSide: number;
  /** The ladder rung this came from (its rates, possibly scaled down). */
  readonly rung: string;
  /** True when the rung was capped to the source size (never upscale). */
  readonly capped: boolean;
  readonly profile: H264Profile;
  readonly level: string;
  readonly crf: number;
  readonly maxrateKbps: number;
  readonly bufsizeKbps: number;
  readonly qvbrQuality: number;
  readonly audioKbps: number;
}

export interface AudioPlan {
  /** `silence`: the source has no audio; a silent track keeps every lesson's layout identical. */
  readonly source: 'stream' | 'silence';
  readonly streamIndex: number | null;
  readonly channels: 1 | 2;
  readonly sampleRate: number;
}

export interface ThumbnailPlan {
  readonly intervalSeconds: number;
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  readonly rows: number;
  /** Number of thumbnails (cues in the WebVTT index). */
  readonly count: number;
  /** Number of sprite images (`thumbs-000.jpg`, ...). */
  readonly sprites: number;
  readonly posterAtSeconds: number;
  readonly posterWidth: number;
  readonly posterHeight: number;
}

export interface PlanOptions {
  /** Force the content kind; when absent it is detected (see detectContentKind). */
  readonly contentKind?: ContentKind;
  /** Include optional rungs (240p). */
  readonly includeOptional?: boolean;
}

export interface EncodePlan {
  readonly input: string;
  readonly videoStreamIndex: number;
  readonly durationSeconds: number;
  readonly contentKind: ContentKind;
  readonly contentKindReason: string;
  readonly frameRate: Rational;
  readonly vfrInput: boolean;
  readonly deinterlace: boolean;
  readonly segmentSeconds: number;
  readonly gopSeconds: number;
  readonly gopFrames: number;
  readonly x264Preset: string;
  readonly renditions: readonly PlannedRendition[];
  readonly audio: AudioPlan;
  readonly thumbnails: ThumbnailPlan;
}

const MIN_SHORT_SIDE = 32;

function evenFloor(x: number): number {
  return Math.max(2, Math.floor(x / 2) * 2);
}

function evenRound(x: number): number {
  return Math.max(2, Math.round(x / 2) * 2);
}

export function requireVideo(probe: Probe): VideoProbe {
  if (!probe.video) {
    throw new PipelineError('no-video', `${probe.path || 'the input'} has no video stream (is it an audio-only file?)`);
  }
  return probe.video;
}

interface Geometry {
  readonly rung: Rung;
  readonly width: number;
  readonly height: number;
  readonly shortSide: number;
  readonly capped: boolean;
}

/**
 * Rendition sizes: each rung's short side capped at the source's display short side (after SAR
 * and rotation), even, aspect kept; a rendition within `minRungStep` of the one above it is
 * dropped (a 740p source gives 740p, 480p, 360p — not 740p and 720p).
 */
export function planGeometry(ladder: Ladder, video: VideoProbe, includeOptional = false): Geometry[] {
  const dw = video.displayWidth;
  const dh = video.displayHeight;
  const portrait = dh > dw;
  const srcShort = Math.min(dw, dh);
  const srcLong = Math.max(dw, dh);
  if (srcShort < MIN_SHORT_SIDE) {
    throw new PipelineError('input', `the video is ${dw}x${dh}: too small to encode (short side under ${MIN_SHORT_SIDE} px)`);
  }
  const ratio = srcLong / srcShort;
  const maxShort = evenFloor(srcShort);
  const maxLong = evenFloor(srcLong);
  const out: Geometry[] = [];
  for (const rung of ladder.rungs) {
    if (rung.optional && !includeOptional) continue;
    let capped = rung.shortSide > maxShort;
    const shortSide = capped ? maxShort : rung.shortSide;
    const previous = out[out.length - 1];
    if (previous && shortSide > previous.shortSide * ladder.minRungStep) continue;
    // A source exactly at a lower rung's size gets that rung as it is (its profile, level, rates).
    const own = capped ? ladder.rungs.find((r) => r.shortSide === shortSide) : undefined;
    if (own) capped = false;
    const long = Math.min(evenRound(shortSide * ratio), maxLong);
    out.push({
      rung: own ?? rung,
      shortSide,
      capped,
      width: portrait ? shortSide : long,
      height: portrait ? long : shortSide,
    });
  }
  return out;
}

/** Video bitrate of the source: the stream's own, else the container's minus the audio. */
export function sourceVideoKbps(probe: Probe): number | null {
  if (probe.video?.bitRateKbps) return probe.video.bitRateKbps;
  if (probe.bitRateKbps === null) return null;
  const audio = probe.audio ? (probe.audio.bitRateKbps ?? 128) : 0;
  const v = probe.bitRateKbps - audio;
  return v > 0 ? v : null;
}

/**
 * VBV cap for a rendition whose size is not the rung's own (a rung capped to the source size):
 * interpolated by pixel count between the ladder rungs just below and above it; below the
 * smallest rung, scaled down by (pixel ratio)^0.75 (bits grow slower than pixels).
 */
export function maxrateAt(ladder: Ladder, kind: ContentKind, shortSide: number): number {
  const rungs = ladder.rungs;
  const upper = [...rungs].reverse().find((r) => r.shortSide >= shortSide);
  const lower = rungs.find((r) => r.shortSide <= shortSide);
  if (upper && upper.shortSide === shortSide) return upper.rates[kind].maxrateKbps;
  if (upper && lower) {
    const t = (shortSide ** 2 - lower.shortSide ** 2) / (upper.shortSide ** 2 - lower.shortSide ** 2);
    const v = lower.rates[kind].maxrateKbps + t * (upper.rates[kind].maxrateKbps - lower.rates[kind].maxrateKbps);
    return Math.round(v / 10) * 10;
  }
  if (lower) return lower.rates[kind].maxrateKbps; // above the top rung (not reachable: capped)
  const smallest = rungs[rungs.length - 1]!;
  const v = smallest.rates[kind].maxrateKbps * (shortSide / smallest.shortSide) ** 1.5;
  return Math.max(50, Math.round(v / 10) * 10);
}

/**
 * Content kind, when nobody said. Cheap and probe-only (no extra decode pass): a source that
 * already spends no more bits than the lecture cap of the top rendition is treated as a lecture.
 * Screen recordings (Zoom, OBS, QuickTime) land far below that cap; camera masters land far
 * above it. A misclassified camera source is by construction one whose own bit budget fits the
 * lecture cap, so the cap costs it little. Unknown bitrate -> camera, the safe side. The CLI
 * flag (`contentKind`) overrides it.
 */
export function detectContentKind(probe: Probe, ladder: Ladder, top: Geometry): { kind: ContentKind; reason: string } {
  const kbps = sourceVideoKbps(probe);
  const cap = maxrateAt(ladder, 'lecture', top.shortSide);
  if (kbps === null) return { kind: 'camera', reason: 'source bitrate unknown; camera is the safe choice' };
  if (kbps <= cap) {
    return { kind: 'lecture', reason: `source video is ${kbps} kbit/s, within the lecture cap of ${cap} kbit/s at ${top.shortSide}p` };
  }
  return { kind: 'camera', reason: `source video is ${kbps} kbit/s, above the lecture cap of ${cap} kbit/s at ${top.shortSide}p` };
}

function planAudio(probe: Probe, ladder: Ladder): AudioPlan {
  if (!probe.audio) return { source: 'silence', streamIndex: null, channels: 1, sampleRate: ladder.audioSampleRate };
  return {
    source: 'stream',
    streamIndex: probe.audio.index,
    channels: probe.audio.channels === 1 ? 1 : 2,
    sampleRate: ladder.audioSampleRate,
  };
}

export const SILENCE_AUDIO_KBPS = 32;

function audioKbps(rung: Rung, audio: AudioPlan): number {
  if (audio.source === 'silence') return SILENCE_AUDIO_KBPS;
  return audio.channels === 1 ? Math.max(48, Math.round(rung.audioKbps / 2)) : rung.audioKbps;
}

/** Pure: the renditions to encode for this source. */
export function planRenditions(ladder: Ladder, probe: Probe, options: PlanOptions = {}): PlannedRendition[] {
  return planEncode(ladder, probe, options).renditions.slice();
}

function planThumbnails(ladder: Ladder, duration: number, renditions: readonly PlannedRendition[]): ThumbnailPlan {
  const t = ladder.thumbnails;
  const top = renditions[0]!;
  const interval = Math.min(t.maxIntervalSeconds, Math.max(t.minIntervalSeconds, Math.round(duration / 120)));
  const count = Math.max(1, Math.ceil(duration / interval - 1e-6));
  const landscape = top.width >= top.height;
  const ratio = top.width / top.height;
  const poster = renditions.find((r) => r.shortSide <= t.posterShortSide) ?? renditions[renditions.length - 1]!;
  return {
    intervalSeconds: interval,
    width: landscape ? t.longSide : evenRound(t.longSide * ratio),
    height: landscape ? evenRound(t.longSide / ratio) : t.longSide,
    columns: t.columns,
    rows: t.rows,
    count,
    sprites: Math.ceil(count / (t.columns * t.rows)),
    posterAtSeconds: Math.round(Math.min(duration * 0.1, t.posterMaxSeconds) * 1000) / 1000,
    posterWidth: poster.width,
    posterHeight: poster.height,
  };
}

/** Pure: everything the builders need, from the ladder and the probe. */
export function planEncode(ladder: Ladder, probe: Probe, options: PlanOptions = {}): EncodePlan {
  validateLadder(ladder);
  const video = requireVideo(probe);
  const duration = video.durationSeconds && video.durationSeconds > 0 ? video.durationSeconds : probe.durationSeconds;
  if (!(duration > 0)) throw new PipelineError('input', `${probe.path || 'the input'}: duration unknown or zero`);
  const geometry = planGeometry(ladder, video, options.includeOptional ?? false);
  const top = geometry[0];
  if (!top) throw new PipelineError('input', 'no rendition fits this source with this ladder');
  const detected = options.contentKind
    ? { kind: options.contentKind, reason: 'chosen by the caller' }
    : detectContentKind(probe, ladder, top);
  const frameRate = outputFrameRate(video, ladder.maxFrameRate);
  const fps = rationalValue(frameRate);
  const audio = planAudio(probe, ladder);
  const renditions: PlannedRendition[] = geometry.map((g) => {
    const rc = g.rung.rates[detected.kind];
    const maxrateKbps = g.capped ? maxrateAt(ladder, detected.kind, g.shortSide) : rc.maxrateKbps;
    return {
      name: `${g.shortSide}p`,
      width: g.width,
      height: g.height,
      shortSide: g.shortSide,
      rung: g.rung.name,
      capped: g.capped,
      profile: g.rung.profile,
      // A capped rendition is smaller than its rung: its level is worked out from its own size.
      level: h264LevelFor(g.width, g.height, fps, maxrateKbps, g.rung.profile, g.capped ? '1.0' : g.rung.level),
      crf: rc.crf,
      maxrateKbps,
      bufsizeKbps: maxrateKbps * 2,
      qvbrQuality: rc.qvbrQuality,
      audioKbps: audioKbps(g.rung, audio),
    };
  });
  return {
    input: probe.path,
    videoStreamIndex: video.index,
    durationSeconds: duration,
    contentKind: detected.kind,
    contentKindReason: detected.reason,
    frameRate,
    vfrInput: video.vfr,
    deinterlace: video.interlaced,
    segmentSeconds: ladder.segmentSeconds,
    gopSeconds: ladder.gopSeconds,
    gopFrames: Math.max(1, Math.round(ladder.gopSeconds * fps)),
    x264Preset: ladder.x264Preset[detected.kind],
    renditions,
    audio,
    thumbnails: planThumbnails(ladder, duration, renditions),
  };
}
