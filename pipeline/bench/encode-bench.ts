/**
 * `npm run bench:encode`: our one-process ladder vs the seed 001 command extended to the same
 * ladder, on the same synthetic inputs, in the same run, one ffmpeg at a time.
 *
 * Inputs (1280x720, 30 fps, with audio; `--seconds N`, default 24):
 * - lecture: slides: a plain background with shapes that change every 4 s, a small moving
 *   pointer, a tone;
 * - camera: testsrc2 (constant motion) with light temporal grain (noise alls=6), pink noise audio.
 *
 * Encoders:
 * - lectern: encodeLesson (one ffmpeg: decode once, split, every rendition + poster + sprites,
 *   capped CRF, fMP4, 2 s segments), content kind detected from the source as in production;
 * - seed 001: the command in ../shared/seeds/001 (`split` + `scale`, separate outputs, each
 *   `-f hls -hls_time 6 -hls_playlist_type vod`, ffmpeg's defaults: libx264 preset medium
 *   CRF 23, AAC), extended to the same renditions as ours for that input.
 *
 * Measures: speed (media seconds / wall seconds of the encoding ffmpeg process), total bytes of
 * the media (segments + init segments; playlists, poster and thumbnails excluded), and SSIM of
 * every rendition against the source scaled to that rendition's size (ffmpeg `ssim` filter,
 * bicubic, frames aligned with setpts=PTS-STARTPTS). Prints the ratios.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeLesson, originRoot } from '../encode-lesson.ts';
import { resolveFfmpegTools, type FfmpegTools } from '../ffmpeg-path.ts';
import { runProcess } from '../run.ts';
import { startLocalDynamo } from '../test-dynamo.ts';

interface Rendition {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

interface EncoderResult {
  readonly encoder: 'lectern' | 'seed-001';
  readonly seconds: number;
  readonly speed: number;
  readonly bytes: number;
  readonly ssim: Record<string, { all: number; db: number }>;
  readonly note?: string;
}

const SECONDS = (() => {
  const i = process.argv.indexOf('--seconds');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 24;
  if (!Number.isFinite(n) || n < 4 || n > 120) throw new Error('--seconds must be 4 to 120');
  return n;
})();
const KEEP = process.argv.includes('--keep');

async function run(cmd: string, args: string[], cwd?: string): Promise<{ stderr: string; seconds: number }> {
  const started = performance.now();
  const r = await runProcess(cmd, args, cwd ? { cwd } : {});
  const seconds = (performance.now() - started) / 1000;
  if (r.code !== 0) throw new Error(`${cmd} ${args.slice(0, 8).join(' ')} ... failed (${r.code}): ${r.stderr.slice(-800)}`);
  return { stderr: r.stderr, seconds };
}

function slidesFilter(seconds: number): string {
  const slide = 4;
  const colors = ['0x1f4e79', '0xc00000', '0x548235', '0x7030a0', '0xbf9000', '0x2e75b6'];
  const parts = ['color=c=0xf4f4f4:s=1280x720:r=30:d=' + seconds];
  const filters: string[] = [];
  for (let i = 0; i * slide < seconds; i++) {
    const from = i * slide;
    const to = from + slide;
    const c = colors[i % colors.length]!;
    const on = `enable='between(t,${from},${to - 0.001})'`;
    // Title bar, a few "bullet" rows of different lengths, a figure box: text-free slide shapes.
    filters.push(`drawbox=x=80:y=60:w=1120:h=90:color=${c}:t=fill:${on}`);
    for (let row = 0; row < 4; row++) {
      const w = 400 + ((i * 137 + row * 211) % 500);
      filters.push(`drawbox=x=120:y=${210 + row * 80}:w=${w}:h=28:color=0x404040:t=fill:${on}`);
    }
    filters.push(`drawbox=x=${820 - (i % 2) * 60}:y=220:w=340:h=300:color=${colors[(i + 2) % colors.length]}@0.8:t=fill:${on}`);
  }
  // A small pointer moving across the slide, as a presenter's cursor would.
  filters.push(`drawbox=x='200+mod(t*90\\,800)':y='560+40*sin(t)':w=14:h=14:color=red:t=fill`);
  return `${parts[0]},${filters.join(',')},format=yuv420p`;
}

async function makeInputs(tools: FfmpegTools, dir: string): Promise<{ kind: string; path: string }[]> {
  const lecture = join(dir, 'lecture.mp4');
  const camera = join(dir, 'camera.mp4');
  const common = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-shortest'];
  await run(tools.ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', slidesFilter(SECONDS),
    '-f', 'lavfi', '-i', `sine=frequency=180:sample_rate=48000:duration=${SECONDS}`,
    ...common, lecture,
  ]);
  await run(tools.ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${SECONDS},noise=alls=6:allf=t+u`,
    '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.2:sample_rate=48000:duration=${SECONDS}`,
    ...common, camera,
  ]);
  return [
    { kind: 'lecture', path: lecture },
    { kind: 'camera', path: camera },
  ];
}

async function mediaBytes(dir: string, keep: (name: string) => boolean): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await mediaBytes(path, keep);
    else if (keep(entry.name)) total += (await stat(path)).size;
  }
  return total;
}

/** SSIM of a rendition's video against the source scaled to its size. */
async function ssim(tools: FfmpegTools, rendition: string, source: string, r: Rendition): Promise<{ all: number; db: number }> {
  const { stderr } = await run(tools.ffmpeg, [
    '-hide_banner', '-nostats', '-v', 'info',
    '-i', rendition,
    '-i', source,
    '-lavfi', `[0:v]setpts=PTS-STARTPTS[d];[1:v]scale=${r.width}:${r.height}:flags=bicubic,setpts=PTS-STARTPTS[ref];[d][ref]ssim`,
    '-f', 'null', '-',
  ]);
  const m = /SSIM .*All:([\d.]+) \(([\d.]+|inf)\)/.exec(stderr);
  if (!m) throw new Error(`no SSIM line for ${rendition}: ${stderr.slice(-400)}`);
  return { all: Number(m[1]), db: m[2] === 'inf' ? Infinity : Number(m[2]) };
}

async function lectern(tools: FfmpegTools, input: string, dir: string): Promise<{ result: EncoderResult; renditions: Rendition[]; kind: string }> {
  const db = await startLocalDynamo('lectern-bench-');
  try {
    const dataDir = join(dir, 'data');
    const r = await encodeLesson({
      input,
      courseId: 'bench',
      lessonId: 'lesson',
      dataDir,
      dynamo: db.dynamo,
      tablePrefix: db.tablePrefix,
      ffmpegPath: tools.ffmpeg,
      ffprobePath: tools.ffprobe,
    });
    const versionDir = join(originRoot(dataDir), 'courses', 'bench', 'lesson', r.version);
    const renditions = r.renditions.map((x) => ({ name: x.name, width: x.width, height: x.height }));
    const bytes = await mediaBytes(versionDir, (n) => n.endsWith('.m4s') || n === 'init.mp4');
    const scores: EncoderResult['ssim'] = {};
    for (const x of renditions) scores[x.name] = await ssim(tools, join(versionDir, x.name, 'index.m3u8'), input, x);
    return {
      result: { encoder: 'lectern', seconds: r.encodeSeconds, speed: r.speed, bytes, ssim: scores, note: 'includes poster + scrub sprites' },
      renditions,
      kind: `${r.contentKind} (${r.contentKindReason})`,
    };
  } finally {
    await db.close();
  }
}

/** The seed 001 command, extended to `renditions` (same sizes as ours), defaults kept. */
export function seedCommandArgs(input: string, renditions: readonly Rendition[]): string[] {
  const n = renditions.length;
  const split = `[0:v]split=${n}${renditions.map((_, i) => `[v${i + 1}]`).join('')}`;
  const scales = renditions.map((r, i) => `[v${i + 1}]scale=${r.width}:${r.height}[v${i + 1}out]`);
  const args = ['-hide_banner', '-v', 'error', '-y', '-i', input, '-filter_complex', [split, ...scales].join('; ')];
  renditions.forEach((r, i) => {
    args.push('-map', `[v${i + 1}out]`, '-map', '0:a', '-f', 'hls', '-hls_time', '6', '-hls_playlist_type', 'vod', `${r.name}.m3u8`);
  });
  return args;
}

async function seed(tools: FfmpegTools, input: string, renditions: readonly Rendition[], dir: string, duration: number): Promise<EncoderResult> {
  await mkdir(dir, { recursive: true });
  const { seconds } = await run(tools.ffmpeg, seedCommandArgs(input, renditions), dir);
  const bytes = await mediaBytes(dir, (n) => n.endsWith('.ts'));
  const scores: EncoderResult['ssim'] = {};
  for (const r of renditions) scores[r.name] = await ssim(tools, join(dir, `${r.name}.m3u8`), input, r);
  return { encoder: 'seed-001', seconds, speed: duration / seconds, bytes, ssim: scores };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

async function main(): Promise<void> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const tools = await resolveFfmpegTools();
  const version = (await runProcess(tools.ffmpeg, ['-hide_banner', '-version'])).stdout.split('\n')[0];
  const work = await mkdtemp(join(tmpdir(), 'lectern-bench-'));
  console.log(`bench:encode  ${SECONDS} s inputs at 1280x720 30 fps; ${version}; work in ${work}`);
  try {
    const inputs = await makeInputs(tools, work);
    const lines: string[] = [];
    for (const input of inputs) {
      const ours = await lectern(tools, input.path, join(work, `${input.kind}-lectern`));
      const baseline = await seed(tools, input.path, ours.renditions, join(work, `${input.kind}-seed`), SECONDS);
      console.log(`\n${input.kind}: detected as ${ours.kind}`);
      const names = ours.renditions.map((r) => r.name);
      const header = `  ${'encoder'.padEnd(9)} ${'speed'.padStart(8)} ${'bytes'.padStart(10)}  ${names.map((n) => `SSIM ${n}`.padStart(18)).join('')}`;
      console.log(header);
      for (const r of [ours.result, baseline]) {
        const cells = names.map((n) => `${r.ssim[n]!.all.toFixed(4)} (${r.ssim[n]!.db.toFixed(2)} dB)`.padStart(18)).join('');
        console.log(`  ${r.encoder.padEnd(9)} ${`${r.speed.toFixed(2)}x`.padStart(8)} ${mb(r.bytes).padStart(10)}  ${cells}${r.note ? `   (${r.note})` : ''}`);
      }
      const speedRatio = ours.result.speed / baseline.speed;
      const bytesRatio = ours.result.bytes / baseline.bytes;
      const dssim = names.map((n) => `${n} ${(ours.result.ssim[n]!.db - baseline.ssim[n]!.db >= 0 ? '+' : '')}${(ours.result.ssim[n]!.db - baseline.ssim[n]!.db).toFixed(2)} dB`);
      const line = `  ratios (lectern / seed 001): speed ${speedRatio.toFixed(2)}x, bytes ${bytesRatio.toFixed(3)}x (${((1 - bytesRatio) * 100).toFixed(1)}% smaller), SSIM ${dssim.join(', ')}`;
      console.log(line);
      lines.push(`${input.kind}: ${line.trim()}`);
    }
    console.log(`\nsummary\n${lines.map((l) => `  ${l}`).join('\n')}`);
  } finally {
    if (KEEP) console.log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

await main();
