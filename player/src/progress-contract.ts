/**
 * The progress API's data, shared by the player and the one server implementation
 * (edge/progress-api/, Lambda@Edge on the distribution's /api/* behavior; the local system runs
 * the same core). See player/README.md, "Progress API".
 */
export interface ProgressRecord {
  readonly courseId: string;
  readonly lessonId: string;
  /** Seconds: where to resume (the last reported position). */
  readonly position: number;
  /** Seconds: the lesson's real duration, from the lessons table (not from any client). */
  readonly duration: number;
  /** Seconds of the lesson the server has credited as watched (played through, not skipped). */
  readonly watched: number;
  /** Decided by the server: `watched` reached 90 % of `duration`. Sticky. */
  readonly completed: boolean;
  /** ISO-8601, set once, when `completed` first became true. */
  readonly completedAt: string | null;
  readonly updatedAt: string | null;
}

/** What a PUT answers: the record, and whether this very report completed the lesson. */
export interface ProgressSaved extends ProgressRecord {
  readonly completedNow: boolean;
}

/**
 * A report: where playback is now. The server credits the stretch since the previous report
 * only if it could have been played in the time between them, so report when playback starts,
 * every few seconds while playing, around seeks and on pause/end. `duration` is accepted for
 * older clients and ignored; so is `completed` (the server decides).
 */
export interface ProgressUpdate {
  /** Seconds, 0 or from 0.001 up to the lesson's end. */
  readonly position: number;
  readonly duration?: number;
}
