/**
 * The two baselines, served from the same distribution as lectern:
 * - mp4: the uploaded MP4 in a plain <video> (progressive download);
 * - hls.js: default config on a single-rendition copy-codec HLS of the same upload (fMP4 segments,
 *   because the edge only lets published media types through; the cut points are the upload's
 *   keyframes).
 */
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveFfmpegTools } from '../../../pipeline/ffmpeg-path.ts';
import { run, type PlayerSystem } from '../../e2e-browser/support.ts';

/**
 * Where a lesson's baselines live: inside its published version folder, the only place under a
 * lesson the edge serves (edge/lesson-versions.ts), under the same signed cookies as lectern's.
 */
export function baselineDir(mediaRoot: string, lessonId: string, version: string): string {
  return join(mediaRoot, 'courses', 'bench', lessonId, version, 'baseline');
}

function baselinePage(kind: 'mp4' | 'hls.js', versions: Readonly<Record<string, string>>): string {
  const file = kind === 'mp4' ? 'source.mp4' : 'playlist.m3u8';
  const attach =
    kind === 'mp4'
      ? `const load = (l) => { window.benchLesson = l; v.src = src(l); };
         v.addEventListener('suspend', () => (window.__bench.idle = true), { once: true });`
      : `const hls = new Hls();
         hls.attachMedia(v);
         const load = (l) => { window.benchLesson = l; hls.loadSource(src(l)); };
         hls.once(Hls.Events.FRAG_BUFFERED, () => (window.__bench.idle = true));`;
  // The session starts with the page, as the player's does; a click before it is done waits for it.
  // #lesson= picks the first lesson (the seek bench opens the 60 s one).
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${kind} baseline</title><link rel="icon" href="data:,">
${kind === 'hls.js' ? '<script src="/bench/hls.min.js"></script>' : ''}
<style>body{margin:0;background:#10131a} video{width:928px;aspect-ratio:16/9;background:#000;display:block;margin:16px}</style></head>
<body><video id="v" playsinline></video><button id="play">Play</button> <button id="next">Next lesson</button>
<script>
  const v = document.getElementById('v');
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  const first = params.get('lesson') || 'lesson-1';
  const versions = ${JSON.stringify(versions)};
  const src = (l) => '/courses/bench/' + l + '/' + versions[l] + '/baseline/${file}';
  ${attach}
  const session = fetch('/auth/session', { method: 'POST', credentials: 'include', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: JSON.stringify({ courseId: 'bench' }) })
    .then((r) => { if (!r.ok) throw new Error('session ' + r.status); load(first); });
  document.getElementById('play').addEventListener('click', () => session.then(() => v.play()));
  document.getElementById('next').addEventListener('click', () => session.then(() => { load('lesson-2'); v.play(); }));
  window.benchReady = true;
</script></body></html>`;
}

/** Writes the baseline media and pages; returns each lesson's upload bitrate (bit/s) and published version. */
export async function prepareBaselines(ps: PlayerSystem, lessonIds: readonly string[]): Promise<{ bitrates: Record<string, number>; versions: Record<string, string> }> {
  const { ffmpeg } = await resolveFfmpegTools();
  const bitrates: Record<string, number> = {};
  const versions: Record<string, string> = {};
  for (const lessonId of lessonIds) {
    const lesson = ps.lessons.get(`bench/${lessonId}`)!;
    const master = await readFile(join(ps.system.mediaRoot, 'courses', 'bench', lessonId, 'master.m3u8'), 'utf8');
    const version = /^(v[^/\s]+)\//m.exec(master)?.[1];
    if (!version) throw new Error(`bench/${lessonId}: no version folder named in master.m3u8`);
    versions[lessonId] = version;
    const dir = baselineDir(ps.system.mediaRoot, lessonId, version);
    // One folder deep inside the version: the most the edge serves under a lesson.
    await mkdir(dir, { recursive: true });
    await copyFile(lesson.source, join(dir, 'source.mp4'));
    bitrates[lessonId] = ((await stat(lesson.source)).size * 8) / lesson.durationSeconds;
    await run(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y', '-i', lesson.source, '-c', 'copy', '-f', 'hls', '-hls_time', '6', '-hls_list_size', '0',
      '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
      '-hls_segment_filename', join(dir, 'seg%d.m4s'), join(dir, 'playlist.m3u8'),
    ]);
  }
  const benchDir = join(ps.system.playerRoot, 'bench');
  await mkdir(benchDir, { recursive: true });
  await writeFile(join(benchDir, 'mp4.html'), baselinePage('mp4', versions));
  await writeFile(join(benchDir, 'hlsjs.html'), baselinePage('hls.js', versions));
  await copyFile(join(import.meta.dirname, '..', '..', '..', 'node_modules', 'hls.js', 'dist', 'hls.min.js'), join(benchDir, 'hls.min.js'));
  return { bitrates, versions };
}
