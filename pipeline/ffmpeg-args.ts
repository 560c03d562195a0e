/**
 * Pure builder: plan -> the arguments of ONE ffmpeg process that decodes the source once and
 * writes every rendition, the poster and the scrub-thumbnail sprites.
 *
 * Graph: decode -> [deinterlace] -> fps (constant frame rate, shared by all renditions) ->
 * yuv420p -> split into one branch per rendition (scale + setsar=1) plus two cheap branches:
 * one frame every N seconds tiled into sprites, and one frame for the poster. Audio is
 * resampled once and asplit per rendition (muxed into each rendition's segments: one playlist,
 * one init segment and one segment stream per quality, which is the quickest path to the first
 * frame), or generated as silence when the source has none.
 *
 * Why the poster and sprites ride in the same process: decoding is the expensive part of a
 * 1080p+ source; the thumbnail branches see one frame in N and scale it to 160 px, so they cost
 * next to nothing, and a second pass would decode the whole source again. The one side effect
 * (the sprite output's timestamps run ahead, which skews ffmpeg's `out_time`) is handled by
 * progress.ts counting frames of the first rendition instead.
 *
 * Keyframes: `fps` before `split` means every rendition encodes the very same frames;
 * `-force_key_frames expr:gte(t,n_forced*GOP)` + `-g`/`-keyint_min` of one GOP + `-sc_threshold 0`
 * put IDR frames on the same timestamps in every rendition, and the HLS muxer cuts 2 s segments (one GOP)
 * on them: segments are aligned across renditions and each starts with a keyframe.
 */
import { join } from 'node:path';
import type { Ladder } from './ladder.ts';
import { planEncode, type EncodePlan, type PlanOptions } from './plan.ts';
import type { Probe } from './probe.ts';

/** File names inside an encode's output folder. */
export const OUTPUT_NAMES = {
  variantPlaylist: 'index.m3u8',
  segmentPattern: 'seg-%05d.m4s',
  initSegment: 'init.mp4',
  /** ffmpeg's own master; replaced by the measured one (master-playlist.ts) and never published. */
  ffmpegMaster: 'ffmpeg-master.m3u8',
  poster: 'poster.jpg',
  spritePattern: 'thumbs-%03d.jpg',
  thumbnailsVtt: 'thumbs.vtt',
} as const;

export function spriteName(index: number): string {
  return `thumbs-${String(index).padStart(3, '0')}.jpg`;
}

function fmtSeconds(s: number): string {
  return String(Math.round(s * 1000) / 1000);
}

/** The -filter_complex graph for a plan. */
export function filterGraph(plan: EncodePlan): string {
  const n = plan.renditions.length;
  const pre = [
    plan.deinterlace ? 'bwdif=mode=send_frame' : null,
    `fps=${plan.frameRate.num}/${plan.frameRate.den}`,
    'format=yuv420p',
  ].filter((x): x is string => x !== null);
  const splitOuts = plan.renditions.map((_, i) => `[s${i}]`).join('') + '[th][po]';
  const parts: string[] = [`[0:${plan.videoStreamIndex}]${pre.join(',')},split=${n + 2}${splitOuts}`];
  plan.renditions.forEach((r, i) => {
    parts.push(`[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1[v${i}]`);
  });
  const t = plan.thumbnails;
  parts.push(
    `[th]fps=1/${t.intervalSeconds},scale=${t.width}:${t.height}:flags=bicubic,setsar=1,tile=${t.columns}x${t.rows}[thumbs]`,
  );
  parts.push(
    // trim ends the branch after one second, so only a handful of frames are ever scaled.
    `[po]trim=start=${fmtSeconds(t.posterAtSeconds)}:duration=1,scale=${t.posterWidth}:${t.posterHeight}:flags=bicubic,setsar=1[poster]`,
  );
  const audioOuts = plan.renditions.map((_, i) => `[a${i}]`).join('');
  const layout = plan.audio.channels === 1 ? 'mono' : 'stereo';
  const fmt = `aformat=sample_fmts=fltp:sample_rates=${plan.audio.sampleRate}:channel_layouts=${layout}`;
  if (plan.audio.source === 'stream') {
    parts.push(`[0:${plan.audio.streamIndex}]aresample=async=1,${fmt},asplit=${n}${audioOuts}`);
  } else {
    parts.push(
      `anullsrc=r=${plan.audio.sampleRate}:cl=${layout},atrim=duration=${fmtSeconds(plan.durationSeconds)},${fmt},asplit=${n}${audioOuts}`,
    );
  }
  return parts.join(';');
}

export interface FfmpegArgOptions {
  /**
   * For old ffmpeg builds (the static 4.1 in @ffmpeg-installer crashes on `-master_pl_name`
   * and has no `name:` in -var_stream_map): variant folders are numbered (`0`, `1`, ...) and
   * renamed after the run (see variantDirName), and ffmpeg writes no master playlist. Ours,
   * measured from the files, replaces ffmpeg's in either case.
   */
  readonly legacyHls?: boolean;
}

/** The folder ffmpeg writes rendition `index` into. */
export function variantDirName(plan: EncodePlan, index: number, options: FfmpegArgOptions = {}): string {
  return options.legacyHls ? String(index) : plan.renditions[index]!.name;
}

/** Pure: plan -> ffmpeg argv (without the ffmpeg binary itself). */
export function ffmpegArgsForPlan(plan: EncodePlan, outDir: string, options: FfmpegArgOptions = {}): string[] {
  const args: string[] = ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-nostats', '-progress', 'pipe:1'];
  args.push('-i', plan.input);
  args.push('-filter_complex', filterGraph(plan));

  // Output 1: the HLS ladder. First output, first video stream = the top rendition, whose frame
  // counter drives the progress bar.
  plan.renditions.forEach((_, i) => args.push('-map', `[v${i}]`, '-map', `[a${i}]`));
  args.push(
    // The fps filter already made the frame rate constant: the muxer must not add or drop
    // frames. (With its default, vsync cfr, the 2018 static build npm ships duplicates a frame
    // at the end of a variable-frame-rate source: a one-frame trailing segment.)
    '-vsync', 'passthrough',
    '-c:v', 'libx264',
    '-preset', plan.x264Preset,
    '-pix_fmt', 'yuv420p',
    '-g', String(plan.gopFrames),
    '-keyint_min', String(plan.gopFrames),
    '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${plan.gopSeconds})`,
  );
  plan.renditions.forEach((r, i) => {
    args.push(
      `-profile:v:${i}`, r.profile,
      `-level:v:${i}`, r.level,
      `-crf:v:${i}`, String(r.crf),
      `-maxrate:v:${i}`, `${r.maxrateKbps}k`,
      `-bufsize:v:${i}`, `${r.bufsizeKbps}k`,
    );
  });
  args.push('-c:a', 'aac', '-ar', String(plan.audio.sampleRate));
  plan.renditions.forEach((r, i) => {
    args.push(`-b:a:${i}`, `${r.audioKbps}k`, `-ac:a:${i}`, String(plan.audio.channels));
  });
  args.push(
    // Phones put GPS positions and device names in metadata: none of it is published.
    '-map_metadata', '-1',
    '-map_chapters', '-1',
    '-max_muxing_queue_size', '4096',
    '-f', 'hls',
    '-hls_time', String(plan.segmentSeconds),
    '-hls_playlist_type', 'vod',
    '-hls_segment_type', 'fmp4',
    '-hls_flags', 'independent_segments',
    '-hls_fmp4_init_filename', OUTPUT_NAMES.initSegment,
    '-hls_segment_filename', join(outDir, '%v', OUTPUT_NAMES.segmentPattern),
    ...(options.legacyHls ? [] : ['-master_pl_name', OUTPUT_NAMES.ffmpegMaster]),
    '-var_stream_map',
    plan.renditions.map((r, i) => (options.legacyHls ? `v:${i},a:${i}` : `v:${i},a:${i},name:${r.name}`)).join(' '),
    join(outDir, '%v', OUTPUT_NAMES.variantPlaylist),
  );

  // Output 2: scrub-thumbnail sprites (columns x rows thumbnails each).
  args.push(
    '-map', '[thumbs]',
    '-c:v', 'mjpeg', '-q:v', '5',
    '-start_number', '0',
    '-f', 'image2',
    join(outDir, OUTPUT_NAMES.spritePattern),
  );

  // Output 3: the poster, one frame.
  args.push(
    '-map', '[poster]',
    '-frames:v', '1',
    '-c:v', 'mjpeg', '-q:v', '3',
    '-f', 'image2', '-update', '1',
    join(outDir, OUTPUT_NAMES.poster),
  );
  return args;
}

/** Pure: ladder + probe -> ffmpeg argv. See planEncode for the choices made on the way. */
export function toFfmpegArgs(
  ladder: Ladder,
  probe: Probe,
  outDir: string,
  options: PlanOptions & FfmpegArgOptions = {},
): string[] {
  const plan = planEncode(ladder, probe, options);
  return ffmpegArgsForPlan(plan, outDir, options);
}
