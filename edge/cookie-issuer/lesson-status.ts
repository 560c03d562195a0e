/**
 * GET /auth/lessons/<courseId>/<lessonId> with a bearer token: the lesson's status, and the
 * on-demand encode (seed 003's plan): a lesson whose source is registered but not encoded yet
 * answers 202 with Retry-After and starts the encode, once, however many students ask.
 *
 *   published                     -> 200 {status: "published", manifestKey, durationSeconds, renditions, posterKey, thumbnailsKey}
 *   pending with a source         -> claim (conditional pending -> encoding), request the encode, 202 + Retry-After
 *   encoding                      -> 202 + Retry-After (a stale claim with a source is retaken, as above)
 *   failed                        -> 200 {status: "failed", message} (a message for students; the detail stays in the table)
 *   unknown, or pending, no source -> 404 ERR_LESSON_NOT_FOUND
 * Same authentication as sessions: token verified, enrollment checked (403 otherwise). The only
 * write is the claim, and it is undone if the encode cannot be requested (503).
 */
import type { LessonErrorKind } from '../../pipeline/errors.ts';
import { isCourseId, isLessonId } from '../course-id.ts';
import { encodeRequest } from '../encode-request.ts';
import { toLecternError, type ErrorCode } from '../errors.ts';
import type { EncodeRequester } from './encode-requester.ts';
import type { LessonStore, LessonView } from './lesson-store.ts';

export const LESSONS_PREFIX = '/auth/lessons/';

export interface OnDemandSettings {
  /** Seconds a client should wait before asking again while a lesson encodes. */
  readonly retryAfterSeconds: number;
  /** An `encoding` claim older than this (seconds) is considered lost and may be retaken. */
  readonly staleEncodingSeconds: number;
}

export interface LessonStatusBody {
  readonly courseId: string;
  readonly lessonId: string;
  readonly status: 'published' | 'encoding' | 'failed';
  readonly title?: string;
  /** Media-bucket key, also the distribution path (`/` + key). */
  readonly manifestKey?: string;
  readonly durationSeconds?: number;
  readonly renditions?: LessonView['renditions'];
  readonly posterKey?: string;
  readonly thumbnailsKey?: string;
  /** Seconds, while encoding (same as the Retry-After header). */
  readonly retryAfter?: number;
  /** For a failed lesson: what a student is told. */
  readonly message?: string;
}

export type LessonDecision =
  | { readonly kind: 'lesson'; readonly body: LessonStatusBody }
  | { readonly kind: 'accepted'; readonly body: LessonStatusBody; readonly retryAfterSeconds: number }
  | { readonly kind: 'refused'; readonly code: ErrorCode };

export interface LessonStatusDeps {
  readonly lessons: LessonStore;
  /** Absent when on-demand encoding is off: pending lessons still answer 202 (the upload trigger encodes them). */
  readonly encoder?: EncodeRequester;
  readonly now: () => Date;
}

/** Pure: the path -> the ids, or the refusal. */
export function parseLessonPath(path: string): { courseId: string; lessonId: string } | { code: ErrorCode } {
  const parts = path.slice(LESSONS_PREFIX.length).split('/');
  if (!path.startsWith(LESSONS_PREFIX) || parts.length !== 2) return { code: 'ERR_NOT_FOUND' };
  const [courseId, lessonId] = parts as [string, string];
  if (!isCourseId(courseId)) return { code: 'ERR_BAD_COURSE_ID' };
  if (!isLessonId(lessonId)) return { code: 'ERR_BAD_LESSON_ID' };
  return { courseId, lessonId };
}

const DEFAULT_FAILURE = 'This lesson could not be prepared. The course team has the details and can try again.';
const UPLOAD_AGAIN = 'The uploaded file could not be read as a video. The course team needs to upload it again.';

/**
 * What a student reads when a lesson's encode failed, for every kind the pipeline records (a new
 * kind does not compile until it has a message here). No paths, no tool output.
 */
const FAILURE_MESSAGES: Readonly<Record<LessonErrorKind, string>> = {
  input: UPLOAD_AGAIN,
  'no-video': 'The uploaded file has no video track. The course team needs to upload the right file.',
  'mediaconvert-input': UPLOAD_AGAIN,
  'disk-full': DEFAULT_FAILURE,
  ffmpeg: DEFAULT_FAILURE,
  verify: DEFAULT_FAILURE,
  interrupted: DEFAULT_FAILURE,
  lesson: DEFAULT_FAILURE,
  record: DEFAULT_FAILURE,
  tools: DEFAULT_FAILURE,
  submit: DEFAULT_FAILURE,
  mediaconvert: DEFAULT_FAILURE,
  canceled: DEFAULT_FAILURE,
  publish: DEFAULT_FAILURE,
  captions: 'A caption file for this lesson could not be read. The course team needs to fix it.',
  unknown: DEFAULT_FAILURE,
};

/** The record's errorKind is data from the table: anything unknown gets the default. */
export function failureMessage(errorKind: string | undefined): string {
  return errorKind !== undefined && Object.hasOwn(FAILURE_MESSAGES, errorKind) ? FAILURE_MESSAGES[errorKind as LessonErrorKind] : DEFAULT_FAILURE;
}

function published(courseId: string, lessonId: string, lesson: LessonView): LessonStatusBody {
  const { title, manifestKey, durationSeconds, renditions, posterKey, thumbnailsKey } = lesson;
  const fields = { title: title || undefined, manifestKey, durationSeconds, renditions, posterKey, thumbnailsKey };
  return {
    courseId,
    lessonId,
    status: 'published',
    ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<LessonStatusBody>),
  };
}

/** After token and enrollment checks (core.ts): the lesson's answer. */
export async function lessonStatus(courseId: string, lessonId: string, settings: OnDemandSettings, deps: LessonStatusDeps): Promise<LessonDecision> {
  try {
    const lesson = await deps.lessons.get(courseId, lessonId);
    if (!lesson) return { kind: 'refused', code: 'ERR_LESSON_NOT_FOUND' };
    const title = lesson.title ? { title: lesson.title } : {};
    switch (lesson.status) {
      case 'published':
        return { kind: 'lesson', body: published(courseId, lessonId, lesson) };
      case 'failed':
        return { kind: 'lesson', body: { courseId, lessonId, status: 'failed', ...title, message: failureMessage(lesson.errorKind) } };
      case 'pending':
      case 'encoding': {
        if (lesson.status === 'pending' && lesson.sourceKey === undefined) return { kind: 'refused', code: 'ERR_LESSON_NOT_FOUND' };
        const now = deps.now();
        const staleBefore = new Date(now.getTime() - settings.staleEncodingSeconds * 1000);
        const claimable =
          lesson.sourceKey !== undefined &&
          (lesson.status === 'pending' || (lesson.encodeRequestedAt !== undefined && lesson.encodeRequestedAt < staleBefore.toISOString()));
        if (claimable && deps.encoder && (await deps.lessons.claimEncode(courseId, lessonId, now, staleBefore))) {
          try {
            await deps.encoder.request(encodeRequest(courseId, lessonId, lesson.sourceKey!));
          } catch (error) {
            await deps.lessons.releaseClaim(courseId, lessonId, now);
            return { kind: 'refused', code: toLecternError(error).code };
          }
        }
        const retryAfter = settings.retryAfterSeconds;
        return { kind: 'accepted', retryAfterSeconds: retryAfter, body: { courseId, lessonId, status: 'encoding', ...title, retryAfter } };
      }
    }
  } catch (error) {
    return { kind: 'refused', code: toLecternError(error).code };
  }
}
