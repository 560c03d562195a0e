/**
 * `npm run bench:startup`: click-to-first-frame, seek and stalls, lectern's player against two
 * baselines (progressive MP4 <video>, default hls.js), in chromium, network shaped by a proxy
 * in front of the distribution (shaper.ts; DevTools throttling lets a <video>'s own requests
 * escape once conditions change).
 *
 * Click-to-first-frame: click event timestamp → first frame presented after it
 * (requestVideoFrameCallback `now`), measured in the page. Every page starts its session as it
 * loads; a click that comes first waits for it. Scenarios:
 *   cold      fresh browser context (empty cache, no cookies), click as soon as the page can take it;
 *   prefetch  same, but the page has finished what it preloads before the click (at most 4 s);
 *   next      lesson 1 loaded, pointer on "Next", click: lectern prefetches on hover; the
 *             baselines switch their source on the click.
 * Seek: startup/seek.ts. Stalls: 5 Mbps dropping to 1 Mbps / 150 ms after 6 s, watched to 20 s, and a whole lesson
 * on a steady 3 Mbps / 40 ms, each BENCH_RUNS times.
 * A first frame later than 8 s counts as ">8000". Each figure is printed beside the baselines
 * with baseline/lectern (>1x: lectern faster), and startup with its floor (startup/floor.ts).
 *
 * BENCH_RUNS (default 3) runs per cell; p95 is nearest-rank (with 3 runs, the worst run).
 * BENCH_ONLY=startup|seek|stalls runs one part, BENCH_PLAYER / BENCH_SCENARIO a subset of
 * cells (startup/config.ts); BENCH_VERBOSE=1 prints each run and fetch.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subFor } from '../../local/demo-data.ts';
import { LOCAL_REGION } from '../../local/start.ts';
import { enroll } from '../../tables/enrollments.ts';
import { dynamoClient } from '../../tables/client.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { launchChromium, PROFILES, startPlayerSystem, TEST_LADDER } from '../e2e-browser/support.ts';
import { startShaper } from './shaper.ts';
import { baselineDir, prepareBaselines } from './startup/baselines.ts';
import { measures, PLAYERS, RUNS, runs, SCENARIOS, VERBOSE, type Player } from './startup/config.ts';
import type { Ctx } from './startup/page.ts';
import { printSeek, printStalls, printStartup } from './startup/report.ts';
import { measureStart, type StartRun } from './startup/scenarios.ts';
import { measureSeek, SEEK_FRACTIONS, SEEK_LESSON, SEEK_SECONDS, type SeekRun } from './startup/seek.ts';
import { measureStalls, type StallResult } from './startup/stalls.ts';

/** Runs one measurement; a failure is logged and recorded as `failed` instead of ending the bench. */
async function attempt<T>(key: string, i: number, measure: () => Promise<T>, failed: T, show: (v: T) => string): Promise<T> {
  try {
    const t = Date.now();
    const value = await measure();
    if (VERBOSE) console.log(`  ${key} ${show(value)} (run took ${Date.now() - t} ms)`);
    return value;
  } catch (error) {
    console.log(`  ${key} run ${i + 1} failed: ${(error as Error).message.split('\n')[0]}`);
    return failed;
  }
}

const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);

async function main(): Promise<void> {
  const began = Date.now();
  const lessons = [
    { courseId: 'bench', lessonId: 'lesson-1', seconds: 30, size: '1280x720' },
    { courseId: 'bench', lessonId: 'lesson-2', seconds: 12, size: '1280x720' },
    ...(runs('seek') ? [{ courseId: 'bench', lessonId: SEEK_LESSON, seconds: SEEK_SECONDS, size: '1280x720' }] : []),
  ];
  console.log(`lectern bench:startup — encoding the bench lessons (${lessons.map((l) => `${l.seconds} s`).join(', ')}; 1280x720) ...`);
  // An experiment's knob: the ladder's segment duration (the player must be built to match).
  const ladder = { ...TEST_LADDER, segmentSeconds: Number(process.env['BENCH_SEGMENT_SECONDS'] ?? TEST_LADDER.segmentSeconds) };
  const ps = await startPlayerSystem(lessons, { ladder });
  const browser = await launchChromium();
  const shaper = await startShaper(ps.system.url);
  try {
    const { bitrates: sourceBitrates, versions } = await prepareBaselines(ps, lessons.map((l) => l.lessonId));
    const token = await ps.system.idp.mint({ email: 'student@example.com' });
    const client = dynamoClient({ region: LOCAL_REGION, endpoint: ps.system.dynamoEndpoint });
    await enroll(client, DEFAULT_TABLE_PREFIX, { userId: subFor('student@example.com'), courseId: 'bench', email: 'student@example.com' });
    client.destroy();
    const ctx: Ctx = { browser, ps, token, shaper };
    const rungs = ps.lessons.get('bench/lesson-1')!.renditions.map((r) => `${r.height}p ${Math.round(r.bandwidth / 1000)}k`).join(', ');
    const copy = await readFile(join(baselineDir(ps.system.mediaRoot, 'lesson-1', versions['lesson-1']!), 'playlist.m3u8'), 'utf8');
    const copySegments = [...copy.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]).toFixed(1));
    console.log(`chromium ${browser.version()}, ${RUNS} run(s) per cell, fresh browser context per run, network shaped by a proxy (latency per request, one shared downlink)`);
    console.log(`lectern ladder (peak): ${rungs}; ${ladder.segmentSeconds} s segments, ${ladder.gopSeconds} s GOP`);
    console.log(`baselines: upload ${Math.round(sourceBitrates['lesson-1']! / 1000)} kbit/s MP4 (x264 veryfast CRF 23, 250-frame GOP, moov at end); copy-codec HLS segments ${copySegments.join(' / ')} s`);

    if (runs('startup')) {
      const startup = new Map<string, StartRun[]>();
      for (const profile of PROFILES) {
        for (const scenario of SCENARIOS) {
          for (let i = 0; i < RUNS; i++) {
            for (const player of PLAYERS.filter((p) => measures(p, scenario))) {
              const key = `${profile.name}|${scenario}|${player}`;
              push(startup, key, await attempt(key, i, () => measureStart(ctx, player, profile, scenario), { ms: NaN, fetched: [] }, (r) => `${Math.round(r.ms)} ms` + (r.clickAt ? `, click at ${Math.round(r.clickAt)}, marks ${Object.entries(r.marks ?? {}).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}` : '')));
            }
          }
          console.log(`  measured ${profile.name} ${scenario}`);
        }
      }
      printStartup(startup, PROFILES);
    }

    if (runs('seek')) {
      const seek = new Map<string, SeekRun[]>();
      for (const profile of PROFILES) {
        for (const fraction of SEEK_FRACTIONS) {
          for (let i = 0; i < RUNS; i++) {
            for (const player of PLAYERS) {
              const key = `${profile.name}|${fraction}|${player}`;
              const failed: SeekRun = { ms: NaN, target: NaN, buffered: false, ranges: [] };
              push(seek, key, await attempt(key, i, () => measureSeek(ctx, player, profile, fraction), failed, (r) => `${Math.round(r.ms)} ms to ${r.target.toFixed(2)} s${r.buffered ? ' (buffered: invalid)' : ''}`));
            }
          }
          console.log(`  measured seek ${profile.name} ${fraction * 100}%`);
        }
      }
      printSeek(seek, PROFILES, SEEK_FRACTIONS);
    }

    if (runs('stalls')) {
      // A stall depends on where the drop lands in a segment fetch: every run counts.
      for (const test of ['drop', 'steady'] as const) {
        const results = new Map<Player, StallResult[]>();
        const failures = new Map<Player, string>();
        for (let i = 0; i < RUNS; i++) {
          for (const player of PLAYERS.filter((p) => measures(p))) {
            try {
              push(results, player, await measureStalls(ctx, player, test));
            } catch (error) {
              failures.set(player, (error as Error).message.split('\n')[0] ?? '');
            }
          }
        }
        printStalls(test, results, failures);
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
