/**
 * What counts as watching, decided by the server from the positions it receives (pure: state +
 * report + the lesson's real duration in, new state out). The client's `completed` and
 * `duration` never enter it.
 *
 * A report of position p after a previous report (p0, received at t0) credits [p0, p] only when
 *
 *     0 < p - p0 <= (now - t0) * MAX_PLAYBACK_RATE + min(SLACK_SECONDS, now - t0)
 *
 * and the reports are at most MAX_REPORT_GAP_SECONDS apart. Anything else (a seek, a jump to
 * the end, a report after a long silence) credits nothing but still moves the resume position.
 * The slack never exceeds the wall time that passed, so however a client times its reports it
 * is credited at most (MAX_PLAYBACK_RATE + 1) seconds of lesson per second of wall time.
 * Credited intervals are merged and clamped to [0, duration]; the lesson is complete, for good,
 * once their union reaches COMPLETE_FRACTION of the duration.
 */

/** Fraction of the lesson's real duration (lessons table) that must have been watched. */
export const COMPLETE_FRACTION = 0.9;
/** Fastest playback credited, in lesson seconds per wall second (the player offers up to 2x). */
export const MAX_PLAYBACK_RATE = 2.5;
/** Seconds of tolerance for network and timer jitter between two reports (capped by the wall time between them). */
export const SLACK_SECONDS = 3;
/** Seconds: reports further apart are not one stretch of playback (the player reports every 15 s while playing). */
export const MAX_REPORT_GAP_SECONDS = 120;
/** Watched intervals kept per record; past it the shortest are dropped (under-credits, never over-credits). */
export const MAX_INTERVALS = 64;
/** Seconds past the lesson's end a reported position may be (player and encoder durations differ by frames); it is clamped to the end. */
export const END_TOLERANCE_SECONDS = 2;
/** Positions are kept to the millisecond. */
const RESOLUTION = 1000;
/** Half a millisecond: sums of millisecond-rounded intervals compared with a fraction of the duration. */
const EPSILON = 0.0005;

export type Interval = readonly [start: number, end: number];

export interface WatchState {
  /** Seconds: where to resume (the last reported position). */
  readonly position: number;
  /** Credited intervals, sorted, merged, within [0, duration]. */
  readonly watched: readonly Interval[];
  /** The previous report: position (seconds) and when the server received it (epoch ms). */
  readonly last: { readonly position: number; readonly atMs: number } | null;
  readonly completed: boolean;
  /** ISO-8601, set once. */
  readonly completedAt: string | null;
}

export const EMPTY_WATCH_STATE: WatchState = { position: 0, watched: [], last: null, completed: false, completedAt: null };

export interface ReportOutcome {
  readonly state: WatchState;
  /** Seconds newly credited by this report (0 for a seek, a jump, a pause). */
  readonly credited: number;
  /** True for the one report that completed the lesson. */
  readonly completedNow: boolean;
}

export function roundSeconds(seconds: number): number {
  return Math.round(seconds * RESOLUTION) / RESOLUTION;
}

/** Total seconds covered by merged intervals. */
export function watchedSeconds(intervals: readonly Interval[]): number {
  return roundSeconds(intervals.reduce((sum, [a, b]) => sum + (b - a), 0));
}

/** Adds [a, b] to sorted, merged intervals; keeps at most MAX_INTERVALS (drops the shortest). */
export function addInterval(intervals: readonly Interval[], a: number, b: number): Interval[] {
  const all = [...intervals, [a, b] as Interval].sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of all) {
    const top = merged[merged.length - 1];
    if (top && start <= top[1]) top[1] = Math.max(top[1], end);
    else merged.push([start, end]);
  }
  while (merged.length > MAX_INTERVALS) {
    let shortest = 0;
    for (let i = 1; i < merged.length; i++) if (merged[i]![1] - merged[i]![0] < merged[shortest]![1] - merged[shortest]![0]) shortest = i;
    merged.splice(shortest, 1);
  }
  return merged;
}

/** Whether [p0 -> p] between two reports `elapsedSeconds` apart can have been played. */
export function isPlayback(p0: number, p: number, elapsedSeconds: number): boolean {
  if (!(elapsedSeconds > 0) || elapsedSeconds > MAX_REPORT_GAP_SECONDS) return false;
  const advance = p - p0;
  return advance > 0 && advance <= elapsedSeconds * MAX_PLAYBACK_RATE + Math.min(SLACK_SECONDS, elapsedSeconds);
}

/**
 * Applies one report. `position` is already validated (finite, within the lesson plus
 * END_TOLERANCE_SECONDS) and is clamped here; `durationSeconds` is the lesson's real duration.
 */
export function applyReport(state: WatchState, position: number, now: Date, durationSeconds: number): ReportOutcome {
  const p = roundSeconds(Math.min(Math.max(position, 0), durationSeconds));
  const atMs = now.getTime();
  let watched = state.watched;
  let credited = 0;
  if (state.last && isPlayback(state.last.position, p, (atMs - state.last.atMs) / 1000)) {
    const before = watchedSeconds(watched);
    watched = addInterval(watched, Math.max(0, state.last.position), p);
    credited = Math.max(0, roundSeconds(watchedSeconds(watched) - before));
  }
  const reached = watchedSeconds(watched) + EPSILON >= COMPLETE_FRACTION * durationSeconds;
  const completedNow = !state.completed && reached;
  return {
    state: {
      position: p,
      watched,
      last: { position: p, atMs },
      completed: state.completed || reached,
      completedAt: state.completedAt ?? (completedNow ? now.toISOString() : null),
    },
    credited,
    completedNow,
  };
}
