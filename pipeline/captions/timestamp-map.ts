/**
 * The X-TIMESTAMP-MAP value of every subtitle segment: which media timestamp the captions'
 * time zero stands for.
 *
 * RFC 8216 section 3.5 (WebVTT): "each WebVTT Segment MUST contain all subtitle cues that are
 * intended to be displayed during the period indicated by the segment EXTINF duration", and
 * to synchronize the cue timestamps with the other renditions' media the header carries
 * `X-TIMESTAMP-MAP=MPEGTS:<MPEG-2 time>,LOCAL:<cue time>`, the MPEG-2 90 kHz timestamp at
 * which the cue time LOCAL falls; without it cue time 0 means media timestamp 0. The RFC
 * speaks of MPEG-2 TS; for fMP4 media (ours, `-hls_segment_type fmp4`) players use the
 * fragments' decode times on the same 90 kHz clock: hls.js takes its initPTS from the first
 * fragment's `tfdt` baseMediaDecodeTime over the track's `mdhd` timescale (the earliest track
 * when audio starts first; passthrough-remuxer.ts) and places a cue at
 * `cue time + (MPEGTS - initPTS * 90000) / 90000` (utils/webvtt-parser.ts).
 *
 * Our cue times are source times, and source time 0 is where the encode's first fragment
 * starts. So LOCAL is 00:00:00.000 and MPEGTS is that first fragment's earliest decode time,
 * read from the produced files rather than assumed: the ffmpeg builds this project runs write
 * `tfdt` 0 (measured: both tracks of every rendition), giving `MPEGTS:0`, and a build or
 * encoder that starts elsewhere still lines up. (x264's B-frame delay puts the first frame's
 * presentation 2 frames, ~67 ms at 30 fps, after its decode time; that is within what a
 * caption can be off without anyone seeing it, and the same for every cue.)
 */
import { find } from '../mp4-boxes.ts';

/** The 33-bit wrap of MPEG-2 presentation timestamps. */
const PTS_WRAP = 2 ** 33;

function u32(buf: Uint8Array, at: number): number {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(at);
}

function u64(buf: Uint8Array, at: number): number {
  return u32(buf, at) * 2 ** 32 + u32(buf, at + 4);
}

/** Pure: track id -> timescale, from an init segment's `moov/trak/{tkhd,mdia/mdhd}`. */
export function trackTimescales(init: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  for (const trak of find(init, 0, init.length, ['moov', 'trak'])) {
    const tkhd = find(init, trak.start, trak.end, ['tkhd'])[0];
    const mdhd = find(init, trak.start, trak.end, ['mdia', 'mdhd'])[0];
    if (!tkhd || !mdhd) continue;
    const id = u32(init, tkhd.start + (init[tkhd.start] === 1 ? 20 : 12));
    out.set(id, u32(init, mdhd.start + (init[mdhd.start] === 1 ? 20 : 12)));
  }
  return out;
}

/** Pure: the earliest `tfdt` of a media segment, in seconds (null: no fragment we can time). */
export function firstDecodeSeconds(init: Uint8Array, segment: Uint8Array): number | null {
  const timescales = trackTimescales(init);
  let earliest: number | null = null;
  for (const traf of find(segment, 0, segment.length, ['moof', 'traf'])) {
    const tfhd = find(segment, traf.start, traf.end, ['tfhd'])[0];
    const tfdt = find(segment, traf.start, traf.end, ['tfdt'])[0];
    if (!tfhd || !tfdt) continue;
    const timescale = timescales.get(u32(segment, tfhd.start + 4));
    if (!timescale) continue;
    const decode = segment[tfdt.start] === 1 ? u64(segment, tfdt.start + 4) : u32(segment, tfdt.start + 4);
    const seconds = decode / timescale;
    if (earliest === null || seconds < earliest) earliest = seconds;
  }
  return earliest;
}

/** Pure: the MPEGTS of a rendition from its init segment and first media segment (`where` names them in the error). */
export function mpegTsOfFragments(init: Uint8Array, first: Uint8Array, where: string): number {
  const seconds = firstDecodeSeconds(init, first);
  if (seconds === null) throw new Error(`${where}: no timed fragment to align captions to`);
  return mpegTsFor(seconds);
}

export function mpegTsFor(seconds: number): number {
  return Math.round(seconds * 90_000) % PTS_WRAP;
}

export function timestampMapLine(mpegTs: number): string {
  return `X-TIMESTAMP-MAP=MPEGTS:${mpegTs},LOCAL:00:00:00.000`;
}
