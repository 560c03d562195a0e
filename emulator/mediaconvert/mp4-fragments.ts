/**
 * Cutting one fragmented MP4 (ffmpeg's `-movflags +frag_keyframe+empty_moov+default_base_moof`)
 * into CMAF files: the header (ftyp + moov) becomes the init segment, and runs of fragments
 * (moof + mdat pairs, one per GOP for video) become the segments. ISO/IEC 14496-12 box layout;
 * only the boxes needed for timing are read.
 */

interface Box {
  readonly type: string;
  readonly start: number;
  /** Start of the payload (after size and type). */
  readonly body: number;
  readonly end: number;
}

function readBoxes(buf: Buffer, start: number, end: number): Box[] {
  const out: Box[] = [];
  let p = start;
  while (p + 8 <= end) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(p + 8));
      header = 16;
    } else if (size === 0) {
      size = end - p;
    }
    if (size < header || p + size > end) throw new Error(`truncated ${type} box at ${p}`);
    out.push({ type, start: p, body: p + header, end: p + size });
    p += size;
  }
  return out;
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  return readBoxes(buf, parent.body, parent.end).find((b) => b.type === type);
}

function path(buf: Buffer, parent: Box, types: readonly string[]): Box | undefined {
  let box: Box | undefined = parent;
  for (const t of types) box = box && child(buf, box, t);
  return box;
}

export interface Fragment {
  /** Byte range of the moof + mdat pair. */
  readonly start: number;
  readonly end: number;
  /** Decode time and duration in the track's timescale. */
  readonly decodeTime: number;
  readonly duration: number;
}

export interface FragmentedTrack {
  readonly init: Buffer;
  readonly timescale: number;
  readonly fragments: readonly Fragment[];
}

function fragmentDuration(buf: Buffer, traf: Box, trexDefault: number): number {
  const tfhd = child(buf, traf, 'tfhd');
  let defaultDuration = trexDefault;
  if (tfhd) {
    const flags = buf.readUInt32BE(tfhd.body) & 0xffffff;
    let p = tfhd.body + 8; // version/flags, track_ID
    if (flags & 0x01) p += 8;
    if (flags & 0x02) p += 4;
    if (flags & 0x08) defaultDuration = buf.readUInt32BE(p);
  }
  let total = 0;
  for (const trun of readBoxes(buf, traf.body, traf.end).filter((b) => b.type === 'trun')) {
    const flags = buf.readUInt32BE(trun.body) & 0xffffff;
    const count = buf.readUInt32BE(trun.body + 4);
    let p = trun.body + 8;
    if (flags & 0x01) p += 4;
    if (flags & 0x04) p += 4;
    const perSample = [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length * 4;
    if (!(flags & 0x100)) {
      total += count * defaultDuration;
      continue;
    }
    for (let i = 0; i < count; i++, p += perSample) total += buf.readUInt32BE(p);
  }
  return total;
}

/** Pure: a fragmented single-track MP4 -> its init segment, timescale and fragments. */
export function splitFragmentedMp4(buf: Buffer): FragmentedTrack {
  const top = readBoxes(buf, 0, buf.length);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) throw new Error('no moov box: not an MP4 file');
  const ftyp = top.find((b) => b.type === 'ftyp');
  const trak = child(buf, moov, 'trak');
  const mdhd = trak && path(buf, trak, ['mdia', 'mdhd']);
  if (!mdhd) throw new Error('no mdhd box');
  const version = buf[mdhd.body]!;
  const timescale = buf.readUInt32BE(mdhd.body + (version === 1 ? 20 : 12));
  const trex = path(buf, moov, ['mvex', 'trex']);
  const trexDefault = trex ? buf.readUInt32BE(trex.body + 12) : 0;
  const init = Buffer.concat([...(ftyp ? [buf.subarray(ftyp.start, ftyp.end)] : []), buf.subarray(moov.start, moov.end)]);

  const fragments: Fragment[] = [];
  for (let i = 0; i < top.length; i++) {
    const moof = top[i]!;
    if (moof.type !== 'moof') continue;
    const mdat = top[i + 1];
    if (mdat?.type !== 'mdat') throw new Error(`moof at ${moof.start} is not followed by mdat`);
    const traf = child(buf, moof, 'traf');
    const tfdt = traf && child(buf, traf, 'tfdt');
    if (!traf || !tfdt) throw new Error(`moof at ${moof.start} has no traf/tfdt`);
    const decodeTime = buf[tfdt.body] === 1 ? Number(buf.readBigUInt64BE(tfdt.body + 4)) : buf.readUInt32BE(tfdt.body + 4);
    fragments.push({ start: moof.start, end: mdat.end, decodeTime, duration: fragmentDuration(buf, traf, trexDefault) });
  }
  return { init, timescale, fragments };
}

export interface Segment {
  readonly bytes: Buffer;
  /** Seconds. */
  readonly duration: number;
}

/**
 * Pure: fragments -> segments of at least `segmentSeconds` each, cut on fragment boundaries
 * (SegmentLengthControl GOP_MULTIPLE "round[s] up the segment lengths to match the next GOP
 * boundary"; with EXACT the encoder puts a keyframe on each boundary, so the same cut applies).
 * A final segment shorter than `minFinalSeconds` joins the one before it (MinFinalSegmentLength).
 * So does a final sliver under 100 ms whatever the setting: AAC's frame of encoder delay makes
 * audio run a few tens of milliseconds past the video, and a segment of one or two audio frames
 * is an artifact of the stand-in's cutting, not something MediaConvert is documented to write.
 */
export function groupSegments(buf: Buffer, track: FragmentedTrack, segmentSeconds: number, minFinalSeconds = 0): Segment[] {
  const groups: Fragment[][] = [];
  let current: Fragment[] = [];
  let seconds = 0;
  const epsilon = 1e-3;
  for (const f of track.fragments) {
    if (current.length > 0 && seconds >= segmentSeconds - epsilon) {
      groups.push(current);
      current = [];
      seconds = 0;
    }
    current.push(f);
    seconds += f.duration / track.timescale;
  }
  if (current.length) groups.push(current);
  const last = groups[groups.length - 1];
  const lastSeconds = last ? last.reduce((s, f) => s + f.duration, 0) / track.timescale : 0;
  if (groups.length > 1 && last && lastSeconds < Math.max(minFinalSeconds, 0.1)) {
    groups.pop();
    groups[groups.length - 1]!.push(...last);
  }
  return groups.map((g) => ({
    bytes: Buffer.concat(g.map((f) => buf.subarray(f.start, f.end))),
    duration: g.reduce((s, f) => s + f.duration, 0) / track.timescale,
  }));
}
