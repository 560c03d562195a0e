/**
 * What the pipeline needs to know about a source, from `ffprobe -show_streams -show_format
 * -of json`. `parseProbe` is pure (tests feed it JSON shapes from real files); `probeFile` is
 * the thin runner.
 */
import { access, constants } from 'node:fs/promises';
import { PipelineError } from './errors.ts';
import { runProcess } from './run.ts';

export interface Rational {
  readonly num: number;
  readonly den: number;
}

export type QuarterTurn = 0 | 90 | 180 | 270;

export interface VideoProbe {
  readonly index: number;
  readonly codec: string;
  /** Stored (coded-for-display) size, before SAR and rotation. */
  readonly width: number;
  readonly height: number;
  /** Sample (pixel) aspect ratio; 1:1 when absent or unknown. */
  readonly sar: Rational;
  /**
   * Rotation from the display matrix side data or the legacy `rotate` tag, as a quarter turn.
   * Only whether it is 90/270 matters to the plan (width and height swap): ffmpeg applies the
   * rotation itself when it decodes (autorotate), and the sign convention of the side data
   * differs between ffmpeg versions.
   */
  readonly rotation: QuarterTurn;
  /** Size as displayed: SAR applied to the width, then rotation. */
  readonly displayWidth: number;
  readonly displayHeight: number;
  /** ffprobe's r_frame_rate: the base rate all timestamps fit on. */
  readonly frameRate: Rational;
  /** ffprobe's avg_frame_rate: frames / duration. */
  readonly avgFrameRate: Rational | null;
  /** Variable frame rate: r_frame_rate and avg_frame_rate disagree by more than 1 %. */
  readonly vfr: boolean;
  readonly pixFmt: string | null;
  readonly interlaced: boolean;
  readonly bitRateKbps: number | null;
  readonly durationSeconds: number | null;
}

export interface AudioProbe {
  readonly index: number;
  readonly codec: string;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitRateKbps: number | null;
}

export interface Probe {
  readonly path: string;
  readonly formatName: string;
  readonly durationSeconds: number;
  readonly bitRateKbps: number | null;
  /** The first real video stream (cover art / attached pictures are not video). */
  readonly video: VideoProbe | null;
  /** The first audio stream with at least one channel. */
  readonly audio: AudioProbe | null;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && v !== 'N/A') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' && v !== 'N/A' ? v : null;
}

export function parseRational(v: unknown, sep: '/' | ':' = '/'): Rational | null {
  const s = str(v);
  if (!s) return null;
  const parts = s.split(sep);
  if (parts.length !== 2) {
    const n = num(s);
    return n !== null && n > 0 ? { num: n, den: 1 } : null;
  }
  const n = num(parts[0]);
  const d = num(parts[1]);
  if (n === null || d === null || n <= 0 || d <= 0) return null;
  return { num: n, den: d };
}

export function rationalValue(r: Rational): number {
  return r.num / r.den;
}

/** "00:01:02.500000000" (Matroska DURATION tag) -> 62.5 */
function clockSeconds(v: unknown): number | null {
  const s = str(v);
  if (!s) return null;
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function quarterTurn(degrees: number): QuarterTurn {
  const q = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return q as QuarterTurn;
}

function rotationOf(stream: Json): QuarterTurn {
  const sideData = Array.isArray(stream.side_data_list) ? stream.side_data_list : [];
  for (const sd of sideData) {
    const entry = obj(sd);
    const r = num(entry.rotation);
    if (r !== null && (entry.side_data_type === undefined || /display matrix/i.test(String(entry.side_data_type)))) {
      return quarterTurn(r);
    }
  }
  const tag = num(obj(stream.tags).rotate);
  return tag === null ? 0 : quarterTurn(tag);
}

function kbps(v: unknown): number | null {
  const n = num(v);
  return n !== null && n > 0 ? Math.round(n / 1000) : null;
}

function parseVideo(stream: Json): VideoProbe | null {
  const width = num(stream.width);
  const height = num(stream.height);
  if (!width || !height || width <= 0 || height <= 0) return null;
  const sar = parseRational(stream.sample_aspect_ratio, ':') ?? { num: 1, den: 1 };
  const rotation = rotationOf(stream);
  const sarWidth = Math.round((width * sar.num) / sar.den);
  const turned = rotation === 90 || rotation === 270;
  const rFrame = parseRational(stream.r_frame_rate);
  const avg = parseRational(stream.avg_frame_rate);
  const frameRate = rFrame ?? avg ?? { num: 25, den: 1 };
  const vfr =
    rFrame !== null && avg !== null && Math.abs(rationalValue(rFrame) - rationalValue(avg)) / rationalValue(rFrame) > 0.01;
  const fieldOrder = str(stream.field_order);
  const tags = obj(stream.tags);
  return {
    index: num(stream.index) ?? 0,
    codec: str(stream.codec_name) ?? 'unknown',
    width,
    height,
    sar,
    rotation,
    displayWidth: turned ? height : sarWidth,
    displayHeight: turned ? sarWidth : height,
    frameRate,
    avgFrameRate: avg,
    vfr,
    pixFmt: str(stream.pix_fmt),
    interlaced: fieldOrder !== null && ['tt', 'bb', 'tb', 'bt'].includes(fieldOrder),
    bitRateKbps: kbps(stream.bit_rate) ?? kbps(tags.BPS) ?? kbps(tags['BPS-eng']),
    durationSeconds: num(stream.duration) ?? clockSeconds(tags.DURATION),
  };
}

/** Pure: ffprobe JSON (`-show_streams -show_format -of json`) -> Probe. */
export function parseProbe(json: unknown, path?: string): Probe {
  const root = obj(json);
  const format = obj(root.format);
  const streams = (Array.isArray(root.streams) ? root.streams : []).map(obj);
  let video: VideoProbe | null = null;
  let audio: AudioProbe | null = null;
  for (const s of streams) {
    const type = s.codec_type;
    if (type === 'video' && !video) {
      if (obj(s.disposition).attached_pic === 1) continue;
      video = parseVideo(s);
    } else if (type === 'audio' && !audio) {
      const channels = num(s.channels) ?? 0;
      if (channels <= 0) continue;
      audio = {
        index: num(s.index) ?? 0,
        codec: str(s.codec_name) ?? 'unknown',
        channels,
        sampleRate: num(s.sample_rate) ?? 48_000,
        bitRateKbps: kbps(s.bit_rate),
      };
    }
  }
  const duration =
    num(format.duration) ?? video?.durationSeconds ?? clockSeconds(obj(format.tags).DURATION) ?? 0;
  return {
    path: path ?? str(format.filename) ?? '',
    formatName: str(format.format_name) ?? 'unknown',
    durationSeconds: duration,
    bitRateKbps: kbps(format.bit_rate),
    video,
    audio,
  };
}

/** Runs ffprobe on a file; clear errors for a missing/unreadable file or a non-media file. */
export async function probeFile(path: string, ffprobePath: string): Promise<Probe> {
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new PipelineError('input', `cannot read input ${path}: ${why}`, { cause: err });
  }
  const result = await runProcess(ffprobePath, [
    '-v', 'error', '-hide_banner', '-show_streams', '-show_format', '-of', 'json', path,
  ]);
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n').pop() ?? '';
    throw new PipelineError('input', `${path} is not a readable video file (ffprobe: ${detail || `exit ${result.code}`})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch (err) {
    throw new PipelineError('input', `${path}: ffprobe printed output that is not JSON`, { cause: err });
  }
  return parseProbe(json, path);
}
