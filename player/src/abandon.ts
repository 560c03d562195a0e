/**
 * An early abandon rule for a segment fetch the link can no longer finish in time.
 *
 * hls.js has its own (`_abandonRulesCheck`), but it judges the fetch by its average rate since
 * the first byte and waits half the segment's duration before it looks. When a 5 Mbit/s link
 * drops to 1 Mbit/s two seconds into a 1.4 MB 720p fetch, that average stays high for seconds:
 * `BENCH_VERBOSE=1 npm run bench:startup` (stalls) showed hls.js abandoning with 1.2 s of
 * buffer left, too little for any rung's segment, so playback stalled in 2 of 6 runs. This rule
 * uses the rate of the last second and keeps a reserve: the buffer must still hold the fetch of
 * a lower rung's segment at that rate when it switches.
 */

export interface AbandonLevel {
  /** bit/s, the rendition's peak (BANDWIDTH), as hls.js's Level.maxBitrate. */
  readonly bitrate: number;
}

export interface InFlight {
  /** hls.js level index of the fetch. */
  readonly level: number;
  /** Seconds of media the segment holds. */
  readonly duration: number;
  readonly elapsedMs: number;
  readonly loadedBytes: number;
  /** From Content-Length; 0 when unknown (then the level's bit rate x duration). */
  readonly totalBytes: number;
  /** Time to first byte of this fetch (ms), or the last one's while no byte has come. */
  readonly ttfbMs: number;
  /** bit/s over the last RATE_WINDOW_MS; undefined until the window has filled. */
  readonly recentBps: number | undefined;
  /** Seconds of media buffered ahead of the playhead. */
  readonly bufferAheadSeconds: number;
}

export const ABANDON = {
  /** Throughput is judged over this window (ms): long enough to span a few TCP rounds. */
  rateWindowMs: 1_000,
  /** A fetch is never judged before this (ms). */
  minElapsedMs: 500,
  /** Seconds kept in hand beyond the replacement fetch: decode, append, jitter. */
  marginSeconds: 0.5,
} as const;

/** Seconds to fetch `bytes` at `bps` after a first byte `ttfbMs` away. */
const fetchSeconds = (bytes: number, bps: number, ttfbMs: number) => (bytes * 8) / bps + ttfbMs / 1000;

/**
 * The level to switch to now, abandoning the fetch; null to let it run. It abandons only when
 * finishing would leave less buffer than fetching the lowest rung's segment instead, and then
 * picks the best lower level whose segment arrives within half the buffer left after the
 * margin (the lowest if none does).
 */
export function abandonTo(fetch: InFlight, levels: readonly AbandonLevel[]): number | null {
  const bps = fetch.recentBps;
  if (fetch.level <= 0 || fetch.elapsedMs < ABANDON.minElapsedMs || bps === undefined) return null;
  const current = levels[fetch.level];
  if (!current) return null;
  const total = fetch.totalBytes || (current.bitrate * fetch.duration) / 8;
  const rate = Math.max(bps, 1);
  const remaining = Math.max(0, total - fetch.loadedBytes);
  const finish = (remaining * 8) / rate;
  const segmentAt = (level: number) => fetchSeconds((levels[level]!.bitrate * fetch.duration) / 8, rate, fetch.ttfbMs);
  const lowest = segmentAt(0);
  // Let it run while it lands before the buffer runs dry, or when even the lowest rung's
  // segment would arrive later than the rest of this one.
  if (finish + ABANDON.marginSeconds <= fetch.bufferAheadSeconds || finish <= lowest) return null;
  // Half the buffer left: a rate seen falling may not have finished falling.
  const budget = (fetch.bufferAheadSeconds - ABANDON.marginSeconds) / 2;
  for (let level = fetch.level - 1; level > 0; level--) {
    if (segmentAt(level) <= budget) return level;
  }
  return 0;
}

/** Bytes over the last window from (time ms, loaded bytes) samples, oldest first. */
export function recentRate(samples: readonly (readonly [number, number])[], now: number): number | undefined {
  const last = samples[samples.length - 1];
  if (!last) return undefined;
  let from: readonly [number, number] | undefined;
  for (const s of samples) {
    if (now - s[0] <= ABANDON.rateWindowMs) break;
    from = s;
  }
  if (!from || last[0] <= from[0]) return undefined;
  return ((last[1] - from[1]) * 8000) / (last[0] - from[0]);
}
