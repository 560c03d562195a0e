/**
 * The duration check of caption sidecars on AWS, split across the two Lambdas: the upload
 * trigger has the files but cannot probe the video; the completion handler has the encoded
 * duration but not the files. So the trigger puts each file's latest-starting cue into the job's
 * user metadata, and the completion handler refuses to publish when one starts at or after the
 * end, with the same message as `lectern encode` (captions/duration-check.ts).
 */
import { posix } from 'node:path';
import { checkAgainstDuration } from '../captions/duration-check.ts';
import type { SidecarCaption } from '../mediaconvert-job-captions.ts';

/** User metadata key; the value is JSON `[[file, line, startMs], ...]`. */
export const LATEST_CUES_KEY = 'latestCues';

export interface LatestCue {
  readonly file: string;
  readonly line: number;
  readonly startMs: number;
}

/** Pure: the metadata entry for a job's sidecars (none without captions). */
export function latestCuesMetadata(captions: readonly SidecarCaption[]): Record<string, string> {
  const rows = captions.flatMap((c) => (c.latestCue ? [[posix.basename(c.sourceFile), c.latestCue.line, c.latestCue.startMs]] : []));
  return rows.length > 0 ? { [LATEST_CUES_KEY]: JSON.stringify(rows) } : {};
}

/** Pure: the metadata value back; anything malformed reads as no cues (a job from before this check). */
export function parseLatestCues(value: unknown): LatestCue[] {
  if (typeof value !== 'string') return [];
  try {
    const rows: unknown = JSON.parse(value);
    if (!Array.isArray(rows)) return [];
    return rows.flatMap((r) =>
      Array.isArray(r) && typeof r[0] === 'string' && Number.isInteger(r[1]) && Number.isInteger(r[2]) ? [{ file: r[0], line: r[1] as number, startMs: r[2] as number }] : [],
    );
  } catch {
    return [];
  }
}

/** Throws the local encode's CaptionError for the first cue that starts at or after the end. */
export function checkLatestCues(cues: readonly LatestCue[], durationSeconds: number): void {
  for (const c of cues) {
    checkAgainstDuration({ file: c.file, cues: [{ startMs: c.startMs, endMs: c.startMs, settings: '', text: '', line: c.line }], blocks: [], warnings: [] }, durationSeconds);
  }
}
