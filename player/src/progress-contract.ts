/**
 * The progress API's data, shared by the player and every server that implements the contract
 * (the local store in edge/local/progress-store.ts; an LMS backend on AWS, player/README.md).
 */
export interface ProgressRecord {
  readonly courseId: string;
  readonly lessonId: string;
  /** Seconds. */
  readonly position: number;
  readonly duration: number;
  readonly completed: boolean;
  readonly completedAt: string | null;
  readonly updatedAt: string | null;
}

export interface ProgressUpdate {
  readonly position: number;
  readonly duration: number;
  /** Sent once, when 90 % has been watched; the server never clears it. */
  readonly completed?: boolean;
}
