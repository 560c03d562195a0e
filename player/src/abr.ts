/**
 * The start level: chosen before hls.js has loaded, from the best bandwidth figure at hand, so
 * the first segment fetched is the one that plays.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import type { Variant } from './m3u8.ts';

const STORE_KEY = 'lectern:bandwidth';
/** A measurement older than this is a guess about another network. */
const MAX_AGE_MS = 6 * 60 * 60 * 1000;

export interface BandwidthEstimate {
  /** bit/s */
  readonly bps: number;
  readonly source: 'measured' | 'page-load' | 'network-information' | 'default';
}

interface ResourceTimingLike {
  readonly transferSize: number;
  readonly encodedBodySize: number;
  readonly responseStart: number;
  readonly responseEnd: number;
}

/**
 * Throughput seen while this page loaded (Resource Timing: the page's own scripts and HTML,
 * same-origin so their sizes are visible). Body bytes over body time, so latency is left out.
 * A few tens of KB say little about a fast link (they arrive in one burst), so body time
 * counts as at least 50 ms: from a 20 KB script this never claims more than ~3 Mbit/s, a safe
 * start that ABR corrects after the first segment. Undefined with too little data.
 */
export function pageLoadBandwidth(entries: readonly ResourceTimingLike[]): number | undefined {
  let bytes = 0;
  let ms = 0;
  for (const e of entries) {
    const size = e.encodedBodySize || e.transferSize;
    if (size >= 16_000 && e.responseEnd > e.responseStart) {
      bytes += size;
      ms += e.responseEnd - e.responseStart;
    }
  }
  return bytes >= 16_000 && ms > 0 ? (bytes * 8000) / Math.max(ms, 50) : undefined;
}

/** What we assume with nothing to go on: enough for a ~480p lecture rendition. */
export const DEFAULT_BPS = 2_000_000;

interface NetworkInformationLike {
  readonly downlink?: number;
  readonly saveData?: boolean;
}

export function estimateBandwidth(
  storage: Pick<Storage, 'getItem'> | undefined,
  connection: NetworkInformationLike | undefined,
  now = Date.now(),
  pageSample?: number,
): BandwidthEstimate {
  try {
    const raw = storage?.getItem(STORE_KEY);
    if (raw) {
      const saved = JSON.parse(raw) as { bps?: unknown; at?: unknown };
      if (typeof saved.bps === 'number' && saved.bps > 0 && typeof saved.at === 'number' && now - saved.at < MAX_AGE_MS) {
        return { bps: saved.bps, source: 'measured' };
      }
    }
  } catch {
    /* storage blocked or garbage: fall through */
  }
  if (pageSample && pageSample > 0) return { bps: connection?.saveData ? Math.min(pageSample, 1_000_000) : pageSample, source: 'page-load' };
  // Chrome's network quality estimate (Mbit/s, capped at 10, rounded): a coarse but live prior.
  if (connection && typeof connection.downlink === 'number' && connection.downlink > 0) {
    const bps = connection.downlink * 1_000_000;
    return { bps: connection.saveData ? Math.min(bps, 1_000_000) : bps, source: 'network-information' };
  }
  return { bps: DEFAULT_BPS, source: 'default' };
}

/** Remembers what hls.js measured, as an exponentially weighted average with the last value. */
export function rememberBandwidth(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, bps: number, now = Date.now()): void {
  if (!storage || !(bps > 0) || !Number.isFinite(bps)) return;
  try {
    const previous = estimateBandwidth(storage, undefined, now);
    const blended = previous.source === 'measured' ? previous.bps * 0.3 + bps * 0.7 : bps;
    storage.setItem(STORE_KEY, JSON.stringify({ bps: Math.round(blended), at: now }));
  } catch {
    /* quota or privacy mode */
  }
}

export interface StartChoice {
  readonly variant: Variant;
  readonly index: number;
  readonly reason: string;
}

/**
 * Seconds the first segment may take to download, at the estimate: the start-up budget. The
 * start rung is chosen for the first frame, and hls.js moves up from the second segment: at
 * 0.4 s a fast link started on 480p and waited ~160 ms for a 360 KB segment that 240p
 * delivers in ~45 ms (`npm run bench:startup`, 20 Mbps / 20 ms).
 */
export const FIRST_SEGMENT_BUDGET_SECONDS = 0.15;

/**
 * The start variant. Two limits, both from the bandwidth estimate:
 * - sustainable: peak bit rate within `safety` x the estimate;
 * - fast to start: its first segment (`segmentSeconds` of media, at the peak rate) downloads
 *   within FIRST_SEGMENT_BUDGET_SECONDS. A segment is appended whole, so its size, not the
 *   bit rate, decides how soon the first frame can show; ABR moves up from the next segment.
 * and no larger than the player shows (the smallest rendition at least as tall as the
 * player's device pixels, as hls.js's capLevelToPlayerSize does). The lowest if none fits.
 */
export function chooseStartVariant(
  variants: readonly Variant[],
  estimate: BandwidthEstimate,
  playerPixelHeight = Infinity,
  options: { safety?: number; segmentSeconds?: number; budgetSeconds?: number } = {},
): StartChoice {
  if (variants.length === 0) throw new Error('no variants');
  const safety = options.safety ?? 0.8;
  const segmentSeconds = options.segmentSeconds ?? PLAYER_DEFAULTS.segmentSeconds;
  const budget = options.budgetSeconds ?? FIRST_SEGMENT_BUDGET_SECONDS;
  const heights = variants.map((v) => v.height ?? 0).sort((a, b) => a - b);
  const cap = heights.find((h) => h >= playerPixelHeight) ?? heights[heights.length - 1] ?? Infinity;
  const ranked = variants.map((variant, index) => ({ variant, index })).sort((a, b) => b.variant.bandwidth - a.variant.bandwidth);
  const fitting = ranked.filter(
    ({ variant }) => variant.bandwidth <= estimate.bps * safety && (variant.bandwidth * segmentSeconds) / estimate.bps <= budget && (variant.height ?? 0) <= cap,
  );
  const pick = fitting[0] ?? ranked[ranked.length - 1]!;
  return {
    ...pick,
    reason: `${Math.round(estimate.bps / 1000)} kbit/s (${estimate.source}) -> ${pick.variant.height ?? '?'}p at ${Math.round(pick.variant.bandwidth / 1000)} kbit/s`,
  };
}
