/**
 * Which variant a master lists first. Players start from the first-listed variant (Apple's
 * authoring rules; hls.js too), so both publishers (the local master, the rewrite of
 * MediaConvert's) put the best rendition whose short side is at most START_SHORT_SIDE first,
 * for a fast first frame, then the rest from the highest bandwidth down.
 */

/** Short side at or under which the first-listed (start) variant is chosen. */
export const START_SHORT_SIDE = 480;

export interface Rankable {
  readonly bandwidth: number;
  readonly width?: number;
  readonly height?: number;
}

/** The short side, or 0 when the resolution is unknown (missing or zero). */
export function shortSide(v: Rankable): number {
  return v.width && v.height && v.width > 0 && v.height > 0 ? Math.min(v.width, v.height) : 0;
}

/**
 * Pure: the variants in master order. The start variant is the highest-bandwidth one with a
 * known short side of at most START_SHORT_SIDE; without one, the lowest-bandwidth variant.
 * The others follow from the highest bandwidth down (ties keep their input order).
 */
export function orderStartFirst<T extends Rankable>(variants: readonly T[]): T[] {
  const sorted = [...variants].sort((a, b) => b.bandwidth - a.bandwidth);
  const start = sorted.find((v) => shortSide(v) > 0 && shortSide(v) <= START_SHORT_SIDE) ?? sorted[sorted.length - 1];
  return start === undefined ? sorted : [start, ...sorted.filter((v) => v !== start)];
}
