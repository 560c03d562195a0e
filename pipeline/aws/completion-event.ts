/**
 * The completion handler's pure decisions: which EventBridge events are a lectern job's state
 * change, what the KeyValueStore needs, whether an ERROR is retried and how it is recorded.
 * The I/O is completion-handler.ts; the master rewrite completion-rewrite.ts.
 */
import { LATEST_CUES_KEY, parseLatestCues, type LatestCue } from './caption-cue-check.ts';
import { isVersionName } from '../../edge/lesson-versions.ts';
import { isCourseId, isLessonId } from '../../edge/course-id.ts';
import type { CompletionHandlerConfig } from './config.ts';
import type { LessonErrorKind } from '../errors.ts';

export const DETAIL_TYPE = 'MediaConvert Job State Change';

export interface OutputGroupDetail {
  readonly type: string;
  readonly playlistFilePaths: readonly string[];
  readonly outputs: readonly { outputFilePaths: readonly string[]; durationInMs?: number; widthInPx?: number; heightInPx?: number }[];
}

export interface JobStateChange {
  readonly jobId: string;
  readonly status: string;
  readonly courseId: string;
  readonly lessonId: string;
  readonly version: string;
  readonly attempt: number;
  readonly errorCode?: number;
  readonly errorMessage?: string;
  readonly outputGroups: readonly OutputGroupDetail[];
  /** Each caption sidecar's latest-starting cue, from the upload trigger (caption-cue-check.ts). */
  readonly latestCues: readonly LatestCue[];
}


/** Pure: an EventBridge event -> the change, or null when it is not a lectern job's state change. */
export function parseJobStateChange(event: unknown): JobStateChange | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, any>;
  if (e['source'] !== 'aws.mediaconvert' || e['detail-type'] !== DETAIL_TYPE) return null;
  const d = e['detail'];
  if (typeof d !== 'object' || d === null || typeof d.jobId !== 'string' || typeof d.status !== 'string') return null;
  const meta = (d.userMetadata ?? {}) as Record<string, unknown>;
  const { courseId, lessonId, version } = meta;
  if (!isCourseId(courseId) || !isLessonId(lessonId) || typeof version !== 'string' || !isVersionName(version)) return null;
  const attempt = Number(meta['attempt'] ?? '1');
  const groups: OutputGroupDetail[] = Array.isArray(d.outputGroupDetails)
    ? d.outputGroupDetails.map((g: any) => ({
        type: String(g?.type ?? ''),
        playlistFilePaths: Array.isArray(g?.playlistFilePaths) ? g.playlistFilePaths.filter((p: unknown) => typeof p === 'string') : [],
        outputs: Array.isArray(g?.outputDetails)
          ? g.outputDetails.map((o: any) => ({
              outputFilePaths: Array.isArray(o?.outputFilePaths) ? o.outputFilePaths.filter((p: unknown) => typeof p === 'string') : [],
              ...(typeof o?.durationInMs === 'number' ? { durationInMs: o.durationInMs } : {}),
              ...(typeof o?.videoDetails?.widthInPx === 'number' ? { widthInPx: o.videoDetails.widthInPx } : {}),
              ...(typeof o?.videoDetails?.heightInPx === 'number' ? { heightInPx: o.videoDetails.heightInPx } : {}),
            }))
          : [],
      }))
    : [];
  return {
    jobId: d.jobId,
    status: d.status,
    courseId,
    lessonId,
    version,
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
    ...(typeof d.errorCode === 'number' ? { errorCode: d.errorCode } : {}),
    ...(typeof d.errorMessage === 'string' ? { errorMessage: d.errorMessage } : {}),
    outputGroups: groups,
    latestCues: parseLatestCues(meta[LATEST_CUES_KEY]),
  };
}

/** Pure: `s3://bucket/key` -> {bucket, key}, or null. */
export function parseS3Url(url: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

/** Pure: the next-lesson entries of one course as they are vs as they should be -> the writes. */
export function kvsChanges(
  current: ReadonlyMap<string, string>,
  desired: readonly { key: string; value: string }[],
): { puts: { Key: string; Value: string }[]; deletes: { Key: string }[] } {
  const want = new Map(desired.map((d) => [d.key, d.value]));
  const puts = [...want].filter(([k, v]) => current.get(k) !== v).map(([Key, Value]) => ({ Key, Value }));
  const deletes = [...current.keys()].filter((k) => !want.has(k)).map((Key) => ({ Key }));
  return { puts, deletes };
}

/** Pure: a ERROR's retry decision. */
export function shouldRetry(change: Pick<JobStateChange, 'errorCode' | 'attempt'>, config: Pick<CompletionHandlerConfig, 'maxAttempts' | 'transientErrorCodes'>): boolean {
  return change.errorCode !== undefined && config.transientErrorCodes.includes(change.errorCode) && change.attempt < config.maxAttempts;
}

/** Pure: MediaConvert error code -> the record's errorKind (1010-1099: the input file itself). */
export function errorKindFor(code: number | undefined): LessonErrorKind {
  // 1010-1099: the input could not be read as media; 1404: the input object could not be
  // opened (missing, or not readable by the role). Both mean the upload must be redone
  // (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_error_codes.html).
  if (code === 1404) return 'mediaconvert-input';
  return code !== undefined && code >= 1010 && code < 1100 ? 'mediaconvert-input' : 'mediaconvert';
}
