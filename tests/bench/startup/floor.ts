/**
 * The physical floor of a first frame: dependent round trips × RTT + bytes ÷ bandwidth.
 * Pure, so the arithmetic is unit-tested apart from the browser.
 */
export interface FetchEntry {
  readonly name: string;
  readonly startTime: number;
  readonly responseEnd: number;
  /** transferSize, or encodedBodySize when the browser reports 0 (cache, opaque timing). */
  readonly bytes: number;
}

export interface Floor {
  readonly roundTrips: number;
  readonly bytes: number;
  readonly ms: number;
}

/**
 * What counts toward the floor: media and session requests. The player's JS, config and the page
 * itself are excluded because every player needs its page anyway; the floor is about the path
 * from the page to the first frame.
 */
export function countsTowardFloor(name: string): boolean {
  const path = new URL(name, 'http://x').pathname;
  if (/\.(js|css|html|ico|json)$/.test(path) || /config/.test(path)) return false;
  return /\/auth\/session|\.m3u8$|\.mp4$|\.m4s$|\.ts$|\.aac$|\.vtt$/.test(path);
}

/**
 * Depth of the longest chain where B started after A ended; requests overlapping in time share a
 * round trip, so parallel fetches cost one RTT between them.
 */
export function criticalRoundTrips(entries: readonly FetchEntry[]): number {
  const sorted = [...entries].sort((a, b) => a.startTime - b.startTime);
  const depth: number[] = [];
  let max = 0;
  for (const [i, e] of sorted.entries()) {
    let d = 1;
    for (let j = 0; j < i; j++) {
      const prior = sorted[j]!;
      if (prior.responseEnd <= e.startTime) d = Math.max(d, depth[j]! + 1);
    }
    depth.push(d);
    max = Math.max(max, d);
  }
  return max;
}

export function floorMs(roundTrips: number, bytes: number, profile: { downBps: number; latencyMs: number }): number {
  return roundTrips * profile.latencyMs + (bytes * 8 * 1000) / profile.downBps;
}

/** "as built": lectern's own chain and bytes before its first frame. */
export function asBuiltFloor(entries: readonly FetchEntry[], profile: { downBps: number; latencyMs: number }): Floor {
  const counted = entries.filter((e) => countsTowardFloor(e.name));
  const roundTrips = criticalRoundTrips(counted);
  const bytes = counted.reduce((sum, e) => sum + e.bytes, 0);
  return { roundTrips, bytes, ms: floorMs(roundTrips, bytes, profile) };
}

/** "physics": session + first media (2 round trips), and only init + first segment bytes. */
export function physicsFloor(initAndFirstSegmentBytes: number, profile: { downBps: number; latencyMs: number }): Floor {
  return { roundTrips: 2, bytes: initAndFirstSegmentBytes, ms: floorMs(2, initAndFirstSegmentBytes, profile) };
}

/** Init + first media segment among the counted entries: what physics cannot avoid fetching. */
export function firstMediaBytes(entries: readonly FetchEntry[]): number {
  const byStart = [...entries].sort((a, b) => a.startTime - b.startTime);
  const init = byStart.find((e) => /init[^/]*\.mp4$/.test(new URL(e.name, 'http://x').pathname));
  const segment = byStart.find((e) => /\.(m4s|ts)$/.test(new URL(e.name, 'http://x').pathname));
  return (init?.bytes ?? 0) + (segment?.bytes ?? 0);
}
