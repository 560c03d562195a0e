/**
 * Pure: an encode plan -> the arguments of the ONE ffmpeg process that encodes it (decode once,
 * split per output). Every video output is a fragmented MP4 with a fragment per GOP and
 * keyframes on fixed times, so package-cmaf.ts can cut CMAF segments on fragment boundaries
 * that line up across renditions. Speed over compression: x264 `veryfast`, since the stand-in
 * serves tests and local runs.
 */
import { even, type CmafPlan, type EncodePlan, type FrameCapturePlan, type SourceInfo, type VideoTrack } from './encode-plan.ts';

/** Keyframe times: every GOP, plus every segment boundary when segments are EXACT. */
export function keyframeTimes(plan: CmafPlan, durationSeconds: number): number[] {
  const times = new Set<number>();
  for (let t = 0; t < durationSeconds; t += plan.gopSeconds) times.add(Math.round(t * 1000) / 1000);
  if (plan.exactSegments) for (let t = 0; t < durationSeconds; t += plan.segmentSeconds) times.add(t);
  return [...times].sort((a, b) => a - b);
}

function scaleFilter(v: VideoTrack, source: SourceInfo): string {
  const { width: w, height: h } = v;
  switch (v.scaling) {
    case 'STRETCH_TO_OUTPUT':
      return `scale=${w}:${h}`;
    case 'FILL':
      return `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`;
    case 'FIT_NO_UPSCALE':
      return w >= source.width && h >= source.height ? `scale=${even(source.width)}:${even(source.height)}` : `scale=${w}:${h}:force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2`;
    default:
      // DEFAULT and FIT: the picture fits inside the frame, the rest is black.
      return `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
  }
}

/** The whole ffmpeg argv (without the binary), writing every track into `workDir`. */
export function ffmpegArgs(plan: EncodePlan, inputPath: string, source: SourceInfo, workDir: string): string[] {
  const cmafs = plan.groups.filter((g): g is CmafPlan => g.kind === 'cmaf');
  const frames = plan.groups.filter((g): g is FrameCapturePlan => g.kind === 'frames');
  const videos = cmafs.flatMap((g) => g.videos.map((v) => ({ g, v })));
  const tricks = cmafs.flatMap((g) => (g.trickPlay ? [{ g, t: g.trickPlay }] : []));
  const audios = cmafs.flatMap((g) => g.audios.map((a) => ({ g, a })));
  const branches = videos.length + tricks.length + frames.length;
  const fps = `${plan.fps.num}/${plan.fps.den}`;
  const every = (seconds: number) => `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${seconds})'`;

  const parts: string[] = [`[0:${source.videoIndex}]fps=${fps},format=yuv420p,split=${branches}${Array.from({ length: branches }, (_, i) => `[s${i}]`).join('')}`];
  let s = 0;
  for (const { v } of videos) parts.push(`[s${s++}]${scaleFilter(v, source)},setsar=1[${v.id}]`);
  for (const { t } of tricks) parts.push(`[s${s++}]${every(t.intervalSeconds)},scale=${t.width}:${t.height},setsar=1,tile=${t.columns}x${t.rows}[${t.id}]`);
  for (const f of frames) parts.push(`[s${s++}]${every(f.everySeconds)},scale=${f.width}:${f.height},setsar=1[${f.id}]`);
  if (audios.length) {
    const outs = audios.map(({ a }) => `[${a.id}]`).join('');
    const src = source.audioIndex !== null ? `[0:${source.audioIndex}]aresample=async=1` : `anullsrc=r=48000:cl=stereo,atrim=duration=${source.durationSeconds}`;
    parts.push(`${src},asplit=${audios.length}${outs}`);
  }

  const args = ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-i', inputPath, '-filter_complex', parts.join(';')];
  const fragmented = ['-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof'];
  for (const { g, v } of videos) {
    const gopFrames = Math.max(1, Math.round(g.gopSeconds * (plan.fps.num / plan.fps.den)));
    args.push(
      '-map', `[${v.id}]`, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', v.profile,
      ...(v.level ? ['-level:v', v.level] : []),
      ...(v.crf !== undefined ? ['-crf', String(v.crf)] : ['-b:v', String(v.bitrate)]),
      '-maxrate', String(v.maxBitrate), '-bufsize', String(v.maxBitrate * 2),
      ...(v.bFrames !== undefined ? ['-bf', String(v.bFrames)] : []),
      '-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0',
      '-force_key_frames', keyframeTimes(g, plan.durationSeconds).join(','),
      '-video_track_timescale', '90000',
      ...fragmented, `${workDir}/${v.id}.mp4`,
    );
  }
  for (const { g, a } of audios) {
    args.push(
      '-map', `[${a.id}]`, '-vn', '-c:a', 'aac', '-b:a', String(a.bitrate), '-ar', String(a.sampleRate), '-ac', String(a.channels),
      '-frag_duration', String(Math.round(g.fragmentSeconds * 1e6)), '-f', 'mp4', '-movflags', '+empty_moov+default_base_moof',
      `${workDir}/${a.id}.mp4`,
    );
  }
  for (const { t } of tricks) args.push('-map', `[${t.id}]`, '-q:v', '3', '-f', 'image2', '-start_number', '1', `${workDir}/${t.id}_%09d.jpg`);
  for (const f of frames) {
    args.push('-map', `[${f.id}]`, '-frames:v', String(f.maxCaptures), '-q:v', String(f.qscale), '-f', 'image2', '-start_number', '1', `${workDir}/${f.id}.%07d.jpg`);
  }
  return args;
}
