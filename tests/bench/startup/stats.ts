import { CAP_MS } from './config.ts';

/** Nearest-rank: with 3 runs p95 is the worst run. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const pad = (s: string, n: number) => s.padEnd(n);
export const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : Number.isFinite(v) ? `${Math.round(v)}` : `>${CAP_MS}`);

export interface P50P95 {
  readonly p50: number;
  readonly p95: number;
}

export function summarize(values: readonly number[]): P50P95 {
  const ok = values.filter((v) => !Number.isNaN(v));
  return { p50: ok.length ? percentile(ok, 50) : NaN, p95: ok.length ? percentile(ok, 95) : NaN };
}

/** baseline / lectern: above 1 means lectern is faster. */
export function ratio(baseline: number, lectern: number): string {
  if (Number.isNaN(baseline) || Number.isNaN(lectern) || !Number.isFinite(lectern)) return 'n/a';
  if (lectern === 0) return baseline === 0 ? '1.0x' : 'inf';
  return Number.isFinite(baseline) ? `${(baseline / lectern).toFixed(1)}x` : `>${(CAP_MS / lectern).toFixed(1)}x`;
}
