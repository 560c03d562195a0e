/** Printing: every figure as lectern beside the baselines, with baseline/lectern ratios. */
import type { NetworkProfile } from '../../e2e-browser/support.ts';
import { PLAYERS, SCENARIOS, STALL, STEADY, type Player, type StallTest } from './config.ts';
import { asBuiltFloor, countsTowardFloor, firstMediaBytes, physicsFloor, type Floor } from './floor.ts';
import type { StartRun } from './scenarios.ts';
import type { SeekRun } from './seek.ts';
import type { StallResult } from './stalls.ts';
import { ms, pad, percentile, ratio, summarize, type P50P95 } from './stats.ts';

const pair = (s: P50P95) => `${ms(s.p50)} / ${ms(s.p95)}`;
const header = (first: string, second: string) =>
  `${pad(first, 18)}${pad(second, 10)}${pad('lectern', 14)}${pad('mp4 <video>', 16)}${pad('hls.js default', 16)}${pad('mp4/lectern', 13)}hls.js/lectern`;
const row = (first: string, second: string, s: Record<Player, P50P95>) =>
  `${pad(first, 18)}${pad(second, 10)}${pad(pair(s.lectern), 14)}${pad(pair(s.mp4), 16)}${pad(pair(s['hls.js']), 16)}${pad(ratio(s.mp4.p50, s.lectern.p50), 13)}${ratio(s['hls.js'].p50, s.lectern.p50)}`;

export function printStartup(startup: Map<string, StartRun[]>, profiles: readonly NetworkProfile[]): void {
  console.log('\nclick-to-first-frame, ms: p50 / p95 (ratio = baseline p50 / lectern p50, >1x: lectern faster)');
  console.log(header('profile', 'scenario'));
  for (const profile of profiles) {
    for (const scenario of SCENARIOS) {
      const stats = Object.fromEntries(PLAYERS.map((p) => [p, summarize((startup.get(`${profile.name}|${scenario}|${p}`) ?? []).map((r) => r.ms))])) as Record<Player, P50P95>;
      console.log(row(profile.name, scenario, stats));
    }
  }
  printFloors(startup, profiles);
}

/** The lectern run at the p50, so its fetches are the ones behind the printed figure. */
function medianRun(runs: readonly StartRun[]): StartRun | undefined {
  const ok = runs.filter((r) => Number.isFinite(r.ms));
  const p50 = percentile(ok.map((r) => r.ms), 50);
  return ok.find((r) => r.ms === p50);
}

function printFloors(startup: Map<string, StartRun[]>, profiles: readonly NetworkProfile[]): void {
  console.log('\nfloor of lectern\'s first frame, from its p50 run\'s Resource Timing (entries ending before the frame;');
  console.log('  counted: session, playlists, init, segments; not counted: page, player JS, config. cold: since navigation;');
  console.log('  prefetch/next: only what started after the click). as built = its round trips × RTT + its bytes ÷ bandwidth;');
  console.log('  physics = 2 round trips (session + first media) + init + first segment bytes (0 when it may be preloaded)');
  console.log(`${pad('profile', 18)}${pad('scenario', 10)}${pad('lectern p50', 13)}${pad('as built: RT, KB, ms', 24)}${pad('p50 - as built', 16)}${pad('physics ms', 12)}p50 - physics`);
  for (const profile of profiles) {
    for (const scenario of SCENARIOS) {
      const run = medianRun(startup.get(`${profile.name}|${scenario}|lectern`) ?? []);
      if (!run) {
        console.log(`${pad(profile.name, 18)}${pad(scenario, 10)}n/a`);
        continue;
      }
      const built = asBuiltFloor(run.fetched, profile);
      const physics: Floor = scenario === 'cold' ? physicsFloor(firstMediaBytes(run.fetched.filter((e) => countsTowardFloor(e.name))), profile) : { roundTrips: 0, bytes: 0, ms: 0 };
      console.log(
        `${pad(profile.name, 18)}${pad(scenario, 10)}${pad(ms(run.ms), 13)}${pad(`${built.roundTrips}, ${(built.bytes / 1024).toFixed(0)}, ${ms(built.ms)}`, 24)}${pad(`+${ms(run.ms - built.ms)}`, 16)}${pad(ms(physics.ms), 12)}+${ms(run.ms - physics.ms)}`,
      );
    }
  }
  if (process.env['BENCH_VERBOSE'] === '1') {
    for (const [key, runs] of startup) {
      if (!key.endsWith('|lectern')) continue;
      const run = medianRun(runs);
      for (const e of run?.fetched ?? []) console.log(`  ${key} ${new URL(e.name).pathname} ${Math.round(e.startTime)}→${Math.round(e.responseEnd)} ${e.bytes} B${countsTowardFloor(e.name) ? '' : ' (not counted)'}`);
    }
  }
}

export function printSeek(seek: Map<string, SeekRun[]>, profiles: readonly NetworkProfile[], fractions: readonly number[]): void {
  console.log('\nseek to an unbuffered position → first frame there, ms: p50 / p95 (60 s lesson, seek after 1.5 s of playback)');
  console.log(header('profile', 'target'));
  const invalid: string[] = [];
  for (const profile of profiles) {
    for (const f of fractions) {
      const stats = {} as Record<Player, P50P95>;
      for (const p of PLAYERS) {
        const runs = seek.get(`${profile.name}|${f}|${p}`) ?? [];
        for (const r of runs) if (r.buffered) invalid.push(`${profile.name} ${f * 100}% ${p}: target ${r.target.toFixed(2)} s was buffered (${r.ranges.map(([a, z]) => `${a.toFixed(1)}-${z.toFixed(1)}`).join(', ')})`);
        stats[p] = summarize(runs.map((r) => r.ms));
      }
      console.log(row(profile.name, `${f * 100}%`, stats));
    }
  }
  const all = [...seek.values()].flat().filter((r) => !Number.isNaN(r.target));
  console.log(`unbuffered check: ${all.length - invalid.length} of ${all.length} completed runs had the target outside video.buffered at 'seeking'${invalid.length ? '; invalid (not counted):' : ''}`);
  for (const line of invalid) console.log(`  ${line}`);
  const targets = [...new Set([...seek.entries()].filter(([k]) => k.endsWith('|lectern')).flatMap(([, rs]) => rs.filter((r) => !Number.isNaN(r.target)).map((r) => r.target.toFixed(1))))];
  console.log(`lectern's seek targets (after its 2 s keyframe snap): ${targets.join(', ')} s`);
}

export function printStalls(test: StallTest, results: Map<Player, readonly StallResult[]>, failures: Map<Player, string>): void {
  const n = Math.max(0, ...[...results.values()].map((rs) => rs.length));
  const what =
    test === 'drop'
      ? `5 Mbps/40 ms, dropping to 1 Mbps/150 ms after ${STALL.dropAt} s of playback, watched to ${STALL.watchTo} s (at most ${STALL.wallMs / 1000} s wall)`
      : `a whole 30 s lesson on a steady ${STEADY.profile.downBps / 1e6} Mbps/${STEADY.profile.latencyMs} ms (at most ${STEADY.wallMs / 1000} s wall)`;
  console.log(`\nstalls, ${test}: ${what}, ${n} run(s) each`);
  console.log(`${pad('', 18)}${pad('lectern', 20)} ${pad('mp4 <video>', 20)} hls.js`);
  const each = (rs: readonly StallResult[], f: (r: StallResult) => string) => rs.map(f).join(' / ');
  const lines: [string, (rs: readonly StallResult[]) => string][] = [
    ['startup ms p50', (rs) => ms(summarize(rs.map((r) => r.startupMs)).p50)],
    ['runs with a stall', (rs) => `${rs.filter((r) => r.stalls > 0).length} of ${rs.length}`],
    ['stalls, each run', (rs) => each(rs, (r) => String(r.stalls))],
    ['stall s, each run', (rs) => each(rs, (r) => (r.stallMs / 1000).toFixed(1))],
    ['reached s', (rs) => each(rs, (r) => r.reached.toFixed(0))],
  ];
  const cell = (p: Player, f: (rs: readonly StallResult[]) => string) => {
    const rs = results.get(p);
    return rs?.length ? f(rs) : failures.has(p) ? 'failed' : 'n/a';
  };
  for (const [label, show] of lines) console.log(`${pad(label, 18)}${pad(cell('lectern', show), 20)} ${pad(cell('mp4', show), 20)} ${cell('hls.js', show)}`);
  for (const [p, message] of failures) console.log(`${p} failed: ${message}`);
}
