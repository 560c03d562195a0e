/**
 * `npm run bench:startup`: click-to-first-frame and stalls, lectern's player against two
 * baselines, in chromium (the system's or the npm one) with DevTools network throttling.
 *
 * - lectern: the watch page (/watch/bench/lesson-1), the pipeline's ABR ladder.
 * - mp4: the seeds' current state: the uploaded MP4 in a plain <video> (progressive download).
 * - hls.js: the seed 003 plan: hls.js, default config, on a single-rendition copy-codec HLS
 *   made from the same upload (fMP4 segments, because the edge only lets published media types
 *   through; .ts would be refused; the cut points, every keyframe of the upload, are the same).
 *
 * Click-to-first-frame: from the click event's timestamp to the first frame presented after
 * it (requestVideoFrameCallback `now`), measured in the page. Every page starts its session
 * (POST /auth/session) as it loads; a click that comes first waits for it. Scenarios:
 *   cold      fresh browser context (empty cache, no cookies), click as soon as the page can take it;
 *   prefetch  same, but the page has finished what it preloads before the click;
 *   next      lesson 1 loaded, pointer on "Next", click: lectern prefetches the next lesson on
 *             hover; the baselines switch their source on the click.
 * Every run uses a fresh context; a first frame later than 8 s counts as ">8000", and a page
 * gets at most 4 s to finish its preload before a "prefetch" or "next" click. Stalls: 5 Mbps,
 * dropping to 1 Mbps / 150 ms after 6 s of playback, watched to 20 s (or 30 s of wall time).
 *
 * The network is shaped by a proxy in front of the distribution (shaper.ts), not by DevTools
 * throttling, which a <video> element's own requests escape once conditions change.
 *
 * BENCH_RUNS (default 3) runs per cell; p95 is nearest-rank (with 3 runs it is the worst run).
 */
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { subFor } from '../../local/demo-data.ts';
import { LOCAL_REGION } from '../../local/start.ts';
import { enroll } from '../../tables/enrollments.ts';
import { dynamoClient } from '../../tables/client.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { clearProgress, launchChromium, PROFILES, run, startPlayerSystem, type NetworkProfile, type PlayerSystem } from '../e2e-browser/support.ts';
import { startShaper, type Shaper } from './shaper.ts';

const RUNS = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 3));
const VERBOSE = process.env['BENCH_VERBOSE'] === '1';
/** BENCH_ONLY=stalls|startup to run one half. */
const ONLY = process.env['BENCH_ONLY'] ?? '';
const PLAYERS = ['lectern', 'mp4', 'hls.js'] as const;
type Player = (typeof PLAYERS)[number];
const SCENARIOS = ['cold', 'prefetch', 'next'] as const;
type Scenario = (typeof SCENARIOS)[number];
const STALL = { startProfile: { downBps: 5_000_000, latencyMs: 40 }, dropProfile: { downBps: 1_000_000, latencyMs: 150 }, dropAt: 6, watchTo: 20, wallMs: 30_000 };
/** A first frame later than this is recorded as ">8000" (keeps the bench to a few minutes). */
const CAP_MS = 8_000;
/** How long a page may take to finish what it preloads before the click anyway. */
const IDLE_CAP_MS = 4_000;

/** Installed in every bench page at document start. */
const MEASURE = `(() => {
  const b = window.__bench = { result: null, expect: 'lesson-1', idle: false, nextReady: false };
  const video = () => document.querySelector('video') || (document.querySelector('lectern-player') && document.querySelector('lectern-player').shadowRoot && document.querySelector('lectern-player').shadowRoot.querySelector('video'));
  const lesson = () => { const el = document.querySelector('lectern-player'); return el ? el.getAttribute('lesson') : window.benchLesson; };
  b.arm = (expect) => { b.expect = expect; b.result = null; b.armed = true; };
  window.addEventListener('click', (e) => {
    if (!b.armed) return;
    b.armed = false;
    const t0 = e.timeStamp;
    const tick = () => {
      const v = video();
      if (!v) return requestAnimationFrame(tick);
      v.requestVideoFrameCallback((now, meta) => {
        if (lesson() !== b.expect || (b.expect === 'lesson-2' && meta.mediaTime > 1)) return tick();
        b.result = { ms: now - t0, mediaTime: meta.mediaTime };
      });
    };
    tick();
  }, true);
  document.addEventListener('lectern-ready', () => (b.idle = true));
  document.addEventListener('lectern-next-ready', () => (b.nextReady = true));
  b.stalls = () => {
    const v = video();
    const s = { count: 0, ms: 0, since: 0 };
    v.addEventListener('waiting', () => { if (!s.since) { s.count++; s.since = performance.now(); } });
    v.addEventListener('playing', () => { if (s.since) { s.ms += performance.now() - s.since; s.since = 0; } });
    b.stallState = () => ({ count: s.count, ms: s.ms + (s.since ? performance.now() - s.since : 0), t: v.currentTime });
  };
})();`;

function baselinePage(kind: 'mp4' | 'hls.js'): string {
  const src = (lesson: string) => (kind === 'mp4' ? `/courses/bench/${lesson}/baseline/source.mp4` : `/courses/bench/${lesson}/baseline/copy/playlist.m3u8`);
  const attach =
    kind === 'mp4'
      ? `const load = (l) => { window.benchLesson = l; v.src = '${src('lesson-1')}'.replace('lesson-1', l); };
         v.addEventListener('suspend', () => (window.__bench.idle = true), { once: true });`
      : `const hls = new Hls();
         hls.attachMedia(v);
         const load = (l) => { window.benchLesson = l; hls.loadSource('${src('lesson-1')}'.replace('lesson-1', l)); };
         hls.once(Hls.Events.FRAG_BUFFERED, () => (window.__bench.idle = true));`;
  // The session starts with the page, as the player's does; a click before it is done waits for it.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${kind} baseline</title><link rel="icon" href="data:,">
${kind === 'hls.js' ? '<script src="/bench/hls.min.js"></script>' : ''}
<style>body{margin:0;background:#10131a} video{width:928px;aspect-ratio:16/9;background:#000;display:block;margin:16px}</style></head>
<body><video id="v" playsinline></video><button id="play">Play</button> <button id="next">Next lesson</button>
<script>
  const v = document.getElementById('v');
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  ${attach}
  const session = fetch('/auth/session', { method: 'POST', credentials: 'include', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: JSON.stringify({ courseId: 'bench' }) })
    .then((r) => { if (!r.ok) throw new Error('session ' + r.status); load('lesson-1'); });
  document.getElementById('play').addEventListener('click', () => session.then(() => v.play()));
  document.getElementById('next').addEventListener('click', () => session.then(() => { load('lesson-2'); v.play(); }));
  window.benchReady = true;
</script></body></html>`;
}

async function prepareBaselines(ps: PlayerSystem): Promise<Record<string, number>> {
  const { ffmpeg } = await resolveFfmpegTools();
  const bitrates: Record<string, number> = {};
  for (const lessonId of ['lesson-1', 'lesson-2']) {
    const lesson = ps.lessons.get(`bench/${lessonId}`)!;
    const dir = join(ps.system.mediaRoot, 'courses', 'bench', lessonId, 'baseline');
    await mkdir(join(dir, 'copy'), { recursive: true });
    await copyFile(lesson.source, join(dir, 'source.mp4'));
    bitrates[lessonId] = ((await stat(lesson.source)).size * 8) / lesson.durationSeconds;
    await run(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y', '-i', lesson.source, '-c', 'copy', '-f', 'hls', '-hls_time', '6', '-hls_list_size', '0',
      '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
      '-hls_segment_filename', join(dir, 'copy', 'seg%d.m4s'), join(dir, 'copy', 'playlist.m3u8'),
    ]);
  }
  const benchDir = join(ps.system.playerRoot, 'bench');
  await mkdir(benchDir, { recursive: true });
  await writeFile(join(benchDir, 'mp4.html'), baselinePage('mp4'));
  await writeFile(join(benchDir, 'hlsjs.html'), baselinePage('hls.js'));
  await copyFile(join(import.meta.dirname, '..', '..', 'node_modules', 'hls.js', 'dist', 'hls.min.js'), join(benchDir, 'hls.min.js'));
  return bitrates;
}

interface Ctx {
  readonly browser: Browser;
  readonly ps: PlayerSystem;
  readonly token: string;
  readonly shaper: Shaper;
}

async function openPlayer(ctx: Ctx, player: Player, profile: { downBps: number; latencyMs: number }): Promise<{ context: BrowserContext; page: Page }> {
  if (player === 'lectern') {
    await clearProgress(ctx.ps);
  }
  const context = await ctx.browser.newContext({ viewport: { width: 960, height: 640 } });
  await context.addInitScript(MEASURE);
  if (player === 'lectern') {
    await context.addInitScript(`localStorage.setItem('lectern:tokens', ${JSON.stringify(JSON.stringify({ accessToken: ctx.token, expiresAt: Date.now() + 3_600_000 }))});`);
  }
  const page = await context.newPage();
  ctx.shaper.profile = profile;
  const url = ctx.shaper.url;
  const path = player === 'lectern' ? '/watch/bench/lesson-1' : `/bench/${player === 'mp4' ? 'mp4' : 'hlsjs'}.html#token=${ctx.token}`;
  await page.goto(`${url}${path}`, { waitUntil: 'domcontentloaded' });
  if (player === 'lectern') await page.locator('lectern-player .big-play').waitFor({ state: 'visible', timeout: 30_000 });
  else await page.waitForFunction('window.benchReady === true', null, { timeout: 30_000 });
  return { context, page };
}

const playButton = (player: Player) => (player === 'lectern' ? 'lectern-player .big-play' : '#play');
const nextButton = (player: Player) => (player === 'lectern' ? 'lectern-player .next' : '#next');

async function result(page: Page, timeout = CAP_MS + 2_000): Promise<number> {
  try {
    const handle = await page.waitForFunction('window.__bench.result', null, { timeout, polling: 50 });
    const ms = ((await handle.jsonValue()) as { ms: number }).ms;
    return ms > CAP_MS ? Infinity : ms;
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return Infinity;
    throw error;
  }
}

async function measureStart(ctx: Ctx, player: Player, profile: NetworkProfile, scenario: Scenario): Promise<number> {
  const { context, page } = await openPlayer(ctx, player, profile);
  try {
    if (scenario === 'prefetch') {
      await page.waitForFunction('window.__bench.idle', null, { timeout: IDLE_CAP_MS }).catch(() => undefined);
    }
    if (scenario === 'next') {
      // Lesson 1 loaded (what each player preloads), the pointer goes to "Next", then the click.
      await page.waitForFunction('window.__bench.idle', null, { timeout: IDLE_CAP_MS }).catch(() => undefined);
      await page.locator(nextButton(player)).waitFor({ state: 'visible', timeout: 20_000 });
      await page.hover(nextButton(player));
      if (player === 'lectern') await page.waitForFunction('window.__bench.nextReady', null, { timeout: IDLE_CAP_MS }).catch(() => undefined);
      else await page.waitForTimeout(1000);
      await page.evaluate("window.__bench.arm('lesson-2')");
      await page.click(nextButton(player));
    } else {
      await page.evaluate("window.__bench.arm('lesson-1')");
      await page.click(playButton(player));
    }
    return await result(page);
  } finally {
    await context.close();
  }
}

interface StallResult {
  readonly startupMs: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly reached: number;
  readonly wallMs: number;
}

async function measureStalls(ctx: Ctx, player: Player): Promise<StallResult> {
  const { context, page } = await openPlayer(ctx, player, STALL.startProfile);
  try {
    await page.evaluate("window.__bench.arm('lesson-1')");
    await page.click(playButton(player));
    const startupMs = await result(page);
    await page.evaluate('window.__bench.stalls()');
    const started = Date.now();
    let dropped = false;
    let state = { count: 0, ms: 0, t: 0 };
    while (Date.now() - started < STALL.wallMs) {
      state = (await page.evaluate('window.__bench.stallState()')) as typeof state;
      if (!dropped && state.t >= STALL.dropAt) {
        ctx.shaper.profile = STALL.dropProfile;
        dropped = true;
      }
      if (state.t >= STALL.watchTo) break;
      await page.waitForTimeout(200);
    }
    return { startupMs, stalls: state.count, stallMs: state.ms, reached: state.t, wallMs: Date.now() - started };
  } finally {
    await context.close();
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const pad = (s: string, n: number) => s.padEnd(n);
const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : Number.isFinite(v) ? `${Math.round(v)}` : `>${CAP_MS}`);

async function main(): Promise<void> {
  const began = Date.now();
  console.log('lectern bench:startup — encoding the bench lessons (30 s and 12 s, 1280x720) ...');
  const ps = await startPlayerSystem([
    { courseId: 'bench', lessonId: 'lesson-1', seconds: 30, size: '1280x720' },
    { courseId: 'bench', lessonId: 'lesson-2', seconds: 12, size: '1280x720' },
  ]);
  const browser = await launchChromium();
  const shaper = await startShaper(ps.system.url);
  try {
    const sourceBitrates = await prepareBaselines(ps);
    const token = await ps.system.idp.mint({ email: 'student@example.com' });
    // The bench course: the student is enrolled for the run.
    const client = dynamoClient({ region: LOCAL_REGION, endpoint: ps.system.dynamoEndpoint });
    await enroll(client, DEFAULT_TABLE_PREFIX, { userId: subFor('student@example.com'), courseId: 'bench', email: 'student@example.com' });
    client.destroy();
    const ctx: Ctx = { browser, ps, token, shaper };
    const ladder = ps.lessons.get('bench/lesson-1')!.renditions.map((r) => `${r.height}p ${Math.round(r.bandwidth / 1000)}k`).join(', ');
    const master = await readFile(join(ps.system.mediaRoot, 'courses', 'bench', 'lesson-1', 'baseline', 'copy', 'playlist.m3u8'), 'utf8');
    const copySegments = [...master.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]).toFixed(1));
    console.log(`chromium ${browser.version()}, ${RUNS} run(s) per cell, fresh browser context per run, network shaped by a proxy (latency per request, one shared downlink)`);
    console.log(`lectern ladder (peak): ${ladder}; 4 s segments, 2 s GOP`);
    console.log(`baselines: upload ${Math.round(sourceBitrates['lesson-1']! / 1000)} kbit/s MP4 (x264 veryfast CRF 23, 250-frame GOP, moov at end); copy-codec HLS segments ${copySegments.join(' / ')} s`);

    const startup = new Map<string, number[]>();
    for (const profile of ONLY === 'stalls' ? [] : PROFILES) {
      for (const scenario of SCENARIOS) {
        for (let i = 0; i < RUNS; i++) {
          for (const player of PLAYERS) {
            const key = `${profile.name}|${scenario}|${player}`;
            try {
              const t = Date.now();
              const value = await measureStart(ctx, player, profile, scenario);
              if (VERBOSE) console.log(`  ${key} ${Math.round(value)} ms (run took ${Date.now() - t} ms)`);
              startup.set(key, [...(startup.get(key) ?? []), value]);
            } catch (error) {
              console.log(`  ${key} run ${i + 1} failed: ${(error as Error).message.split('\n')[0]}`);
              startup.set(key, [...(startup.get(key) ?? []), NaN]);
            }
          }
        }
        process.stdout.write(`  measured ${profile.name} ${scenario}\n`);
      }
    }

    console.log('\nclick-to-first-frame, ms: p50 / p95');
    console.log(`${pad('profile', 18)}${pad('scenario', 10)}${pad('lectern', 14)}${pad('mp4 <video>', 16)}${pad('hls.js default', 16)}${pad('mp4/lectern', 13)}hls.js/lectern`);
    for (const profile of PROFILES) {
      for (const scenario of SCENARIOS) {
        const stats = Object.fromEntries(
          PLAYERS.map((p) => {
            const values = (startup.get(`${profile.name}|${scenario}|${p}`) ?? []).filter((v) => !Number.isNaN(v));
            return [p, { p50: values.length ? percentile(values, 50) : NaN, p95: values.length ? percentile(values, 95) : NaN }];
          }),
        ) as Record<Player, { p50: number; p95: number }>;
        const ratio = (p: Player) => {
          const ours = stats.lectern.p50;
          const theirs = stats[p].p50;
          if (Number.isNaN(theirs) || Number.isNaN(ours) || !Number.isFinite(ours)) return 'n/a';
          return Number.isFinite(theirs) ? `${(theirs / ours).toFixed(1)}x` : `>${(CAP_MS / ours).toFixed(1)}x`;
        };
        console.log(
          `${pad(profile.name, 18)}${pad(scenario, 10)}${pad(`${ms(stats.lectern.p50)} / ${ms(stats.lectern.p95)}`, 14)}${pad(`${ms(stats.mp4.p50)} / ${ms(stats.mp4.p95)}`, 16)}${pad(`${ms(stats['hls.js'].p50)} / ${ms(stats['hls.js'].p95)}`, 16)}${pad(ratio('mp4'), 13)}${ratio('hls.js')}`,
        );
      }
    }

    console.log(`\nstalls: 5 Mbps/40 ms, dropping to 1 Mbps/150 ms after ${STALL.dropAt} s of playback, watched to ${STALL.watchTo} s (at most ${STALL.wallMs / 1000} s wall)`);
    console.log(`${pad('player', 16)}${pad('startup ms', 12)}${pad('stalls', 8)}${pad('stall time', 12)}${pad('reached', 10)}wall`);
    const stallResults = new Map<Player, StallResult>();
    for (const player of ONLY === 'startup' ? [] : PLAYERS) {
      try {
        const r = await measureStalls(ctx, player);
        stallResults.set(player, r);
        console.log(`${pad(player, 16)}${pad(ms(r.startupMs), 12)}${pad(String(r.stalls), 8)}${pad(`${(r.stallMs / 1000).toFixed(1)} s`, 12)}${pad(`${r.reached.toFixed(1)} s`, 10)}${(r.wallMs / 1000).toFixed(1)} s`);
      } catch (error) {
        console.log(`${pad(player, 16)}failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const ours = stallResults.get('lectern');
    if (ours) {
      for (const p of ['mp4', 'hls.js'] as const) {
        const r = stallResults.get(p);
        if (r) console.log(`stall time ${p}/lectern: ${ours.stallMs > 0 ? `${(r.stallMs / ours.stallMs).toFixed(1)}x` : `${(r.stallMs / 1000).toFixed(1)} s vs 0 s`}`);
      }
    }
    console.log(`\nbench took ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    await browser.close();
    await shaper.close();
    await ps.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
