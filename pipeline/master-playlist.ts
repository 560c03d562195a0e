/**
 * The master playlist, computed from the produced files rather than assumed:
 * - BANDWIDTH: peak segment bit rate (RFC 8216bis: the largest bit rate of any contiguous set
 *   of segments whose total duration is between 0.5 and 1.5 x the target duration), measured
 *   from segment sizes on disk;
 * - AVERAGE-BANDWIDTH: all segment bytes over the total duration;
 * - CODECS: avc1.PPCCLL from the init segment's avcC box and mp4a.40.N from its esds box;
 * - RESOLUTION and FRAME-RATE: ffprobe of the rendition itself.
 * The pure parts (box parsing, peak computation, rendering) are separate from the I/O.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { orderStartFirst, parseMediaPlaylist, sessionDataLines, type LessonImages, type MediaPlaylist } from './hls/index.ts';
import { runProcess } from './run.ts';
import { boxes, find, type Box } from './mp4-boxes.ts';

// ---------- MP4 init segment -> RFC 6381 codec strings (pure) ----------

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function readDescriptorLength(buf: Uint8Array, pos: number): { length: number; next: number } {
  let length = 0;
  let p = pos;
  for (let i = 0; i < 4; i++) {
    const b = buf[p++]!;
    length = (length << 7) | (b & 0x7f);
    if ((b & 0x80) === 0) break;
  }
  return { length, next: p };
}

function esdsCodec(buf: Uint8Array, box: Box): string | null {
  let p = box.start + 4; // version + flags
  if (buf[p] !== 0x03) return null;
  let d = readDescriptorLength(buf, p + 1);
  p = d.next + 2; // ES_ID
  const flags = buf[p++]!;
  if (flags & 0x80) p += 2;
  if (flags & 0x40) p += 1 + buf[p]!;
  if (flags & 0x20) p += 2;
  if (buf[p] !== 0x04) return null;
  d = readDescriptorLength(buf, p + 1);
  p = d.next;
  const oti = buf[p]!;
  p += 13;
  if (buf[p] !== 0x05) return `mp4a.${hex2(oti)}`;
  d = readDescriptorLength(buf, p + 1);
  p = d.next;
  let aot = buf[p]! >> 3;
  if (aot === 31) aot = 32 + (((buf[p]! & 0x07) << 3) | (buf[p + 1]! >> 5));
  return `mp4a.${oti.toString(16)}.${aot}`;
}

export interface InitCodecs {
  readonly video: string | null;
  readonly audio: string | null;
}

/** Pure: codec strings (RFC 6381) from an fMP4 init segment. */
export function codecsFromInitSegment(buf: Uint8Array): InitCodecs {
  let video: string | null = null;
  let audio: string | null = null;
  for (const stsd of find(buf, 0, buf.length, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd'])) {
    for (const entry of boxes(buf, stsd.start + 8, stsd.end)) {
      if ((entry.type === 'avc1' || entry.type === 'avc3') && !video) {
        for (const child of boxes(buf, entry.start + 78, entry.end)) {
          if (child.type === 'avcC') {
            video = `${entry.type}.${hex2(buf[child.start + 1]!)}${hex2(buf[child.start + 2]!)}${hex2(buf[child.start + 3]!)}`;
          }
        }
      } else if (entry.type === 'mp4a' && !audio) {
        for (const child of boxes(buf, entry.start + 28, entry.end)) {
          if (child.type === 'esds') audio = esdsCodec(buf, child);
        }
      }
    }
  }
  return { video, audio };
}

// ---------- bitrates (pure) ----------

export interface SizedSegment {
  readonly duration: number;
  readonly bytes: number;
}

/** Peak segment bit rate per RFC 8216bis, bit/s, rounded up. */
export function peakBitrate(segments: readonly SizedSegment[], targetDuration: number): number {
  let peak = 0;
  const lo = 0.5 * targetDuration;
  const hi = 1.5 * targetDuration;
  for (let i = 0; i < segments.length; i++) {
    let bytes = 0;
    let duration = 0;
    for (let j = i; j < segments.length; j++) {
      duration += segments[j]!.duration;
      bytes += segments[j]!.bytes;
      if (duration > hi + 1e-9) break;
      if (duration >= lo - 1e-9) peak = Math.max(peak, (bytes * 8) / duration);
    }
  }
  // A whole stream shorter than half a target duration: its average is its peak.
  if (peak === 0) return averageBitrate(segments);
  return Math.ceil(peak);
}

export function averageBitrate(segments: readonly SizedSegment[]): number {
  const bytes = segments.reduce((s, x) => s + x.bytes, 0);
  const duration = segments.reduce((s, x) => s + x.duration, 0);
  return duration > 0 ? Math.ceil((bytes * 8) / duration) : 0;
}

// ---------- rendering (pure) ----------

export interface Variant {
  /** Folder name of the rendition, e.g. `720p`. */
  readonly name: string;
  /** URI of the media playlist relative to the master, e.g. `v1/720p/index.m3u8`. */
  readonly uri: string;
  readonly bandwidth: number;
  readonly averageBandwidth: number;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly codecs: string;
  readonly durationSeconds: number;
}

/**
 * Pure: the master playlist text, start variant first (hls/start-variant.ts: the best
 * rendition of at most START_SHORT_SIDE lines, for a fast first frame), then the rest from
 * the top down.
 */
export function renderMasterPlaylist(variants: readonly Variant[], images: LessonImages = {}): string {
  const ordered = orderStartFirst(variants);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS', ...sessionDataLines(images)];
  for (const v of ordered) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},` +
        `RESOLUTION=${v.width}x${v.height},FRAME-RATE=${v.frameRate.toFixed(3)},CODECS="${v.codecs}"`,
      v.uri,
    );
  }
  return `${lines.join('\n')}\n`;
}

// ---------- measurement (I/O) ----------

export interface MeasuredRendition extends Variant {
  readonly playlist: MediaPlaylist;
  readonly totalBytes: number;
}

async function ffprobeVideo(
  ffprobePath: string,
  file: string,
): Promise<{ width: number; height: number; frameRate: number }> {
  const r = await runProcess(ffprobePath, [
    '-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'stream=width,height,r_frame_rate,avg_frame_rate', '-of', 'json', file,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe could not read ${file}: ${r.stderr.trim()}`);
  const s = (JSON.parse(r.stdout) as { streams?: Record<string, unknown>[] }).streams?.[0];
  if (!s) throw new Error(`${file} has no video stream`);
  const rate = (v: unknown) => {
    const [n, d] = String(v ?? '0/0').split('/').map(Number);
    return n && d ? n / d : 0;
  };
  return { width: Number(s.width), height: Number(s.height), frameRate: rate(s.r_frame_rate) || rate(s.avg_frame_rate) };
}

/**
 * Measures one rendition folder (`<root>/<uriPrefix><name>/index.m3u8`): sizes of every segment,
 * codecs from the init segment, resolution and frame rate from ffprobe.
 */
export async function measureRendition(
  root: string,
  name: string,
  options: { ffprobePath: string; uriPrefix?: string; playlistName?: string },
): Promise<MeasuredRendition> {
  const playlistName = options.playlistName ?? 'index.m3u8';
  const dir = join(root, name);
  const playlistPath = join(dir, playlistName);
  const playlist = parseMediaPlaylist(await readFile(playlistPath, 'utf8'));
  const sized: SizedSegment[] = [];
  for (const seg of playlist.segments) {
    sized.push({ duration: seg.duration, bytes: (await stat(join(dir, seg.uri))).size });
  }
  if (!playlist.mapUri) throw new Error(`${playlistPath} has no EXT-X-MAP (init segment)`);
  const codecs = codecsFromInitSegment(await readFile(join(dir, playlist.mapUri)));
  if (!codecs.video) throw new Error(`${name}: no avc1/avcC in the init segment`);
  const video = await ffprobeVideo(options.ffprobePath, playlistPath);
  return {
    name,
    uri: posix.join(options.uriPrefix ?? '', name, playlistName),
    bandwidth: peakBitrate(sized, playlist.targetDuration),
    averageBandwidth: averageBitrate(sized),
    width: video.width,
    height: video.height,
    frameRate: video.frameRate,
    codecs: [codecs.video, codecs.audio].filter((c): c is string => c !== null).join(','),
    durationSeconds: Math.round(playlist.segments.reduce((s, x) => s + x.duration, 0) * 1000) / 1000,
    playlist,
    totalBytes: sized.reduce((s, x) => s + x.bytes, 0),
  };
}

/** Writes a file atomically: a temp file in the same folder, then rename over the target. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
