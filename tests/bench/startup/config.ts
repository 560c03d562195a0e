/** Knobs and shared types of the start-up bench (see ../startup.ts for what is measured). */
export const RUNS = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 3));
export const VERBOSE = process.env['BENCH_VERBOSE'] === '1';
/** BENCH_ONLY=startup|seek|stalls to run one part. */
export const ONLY = process.env['BENCH_ONLY'] ?? '';
export const runs = (part: 'startup' | 'seek' | 'stalls') => ONLY === '' || ONLY === part;
export const PLAYERS = ['lectern', 'mp4', 'hls.js'] as const;
export type Player = (typeof PLAYERS)[number];
export const SCENARIOS = ['cold', 'prefetch', 'next'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/**
 * BENCH_PLAYER=lectern,mp4 and BENCH_SCENARIO=prefetch measure a subset (an experiment's cells);
 * the cells left out print as n/a.
 */
const subset = (name: string) => (process.env[name] ?? '').split(',').filter(Boolean);
export const measures = (player: Player, scenario?: Scenario): boolean =>
  (subset('BENCH_PLAYER').length === 0 || subset('BENCH_PLAYER').includes(player)) &&
  (scenario === undefined || subset('BENCH_SCENARIO').length === 0 || subset('BENCH_SCENARIO').includes(scenario));
export const STALL = { startProfile: { downBps: 5_000_000, latencyMs: 40 }, dropProfile: { downBps: 1_000_000, latencyMs: 150 }, dropAt: 6, watchTo: 20, wallMs: 30_000 };
/** The second rebuffering goal: a whole lesson (the 30 s bench lesson) on a steady 3 Mbit/s. */
export const STEADY = { profile: { downBps: 3_000_000, latencyMs: 40 }, wallMs: 45_000 };
export type StallTest = 'drop' | 'steady';
/** A first frame later than this is recorded as ">8000" (keeps the bench to a few minutes). */
export const CAP_MS = 8_000;
/** How long a page may take to finish what it preloads before the click anyway. */
export const IDLE_CAP_MS = 4_000;
