import { isCourseId, isLessonId } from '../course-id.ts';
import { toLecternError, type ErrorCode } from '../errors.ts';
import { servedHost } from '../host-check.ts';
import { corsHeaders, judgeOrigin } from '../cookie-issuer/cors.ts';
import type { EnrollmentChecker } from '../cookie-issuer/enrollment.ts';
import type { TokenVerifier } from '../cookie-issuer/jwt-verifier.ts';
import type { LessonStore } from '../cookie-issuer/lesson-store.ts';
import type { ProgressRecord, ProgressSaved } from '../../player/src/progress-contract.ts';
import { applyReport, END_TOLERANCE_SECONDS, roundSeconds, watchedSeconds, type WatchState } from './completion.ts';
import type { ProgressApiConfig } from './config.ts';
import type { ProgressTable, StoredProgress } from './progress-table.ts';

/** What the core needs to know about a request; adapters fill it from their event. */
export interface ProgressRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  /** Every Authorization header value sent (more than one is refused). */
  readonly authorization: readonly string[];
  readonly body: string | undefined;
  /** CloudFront cut the body (over its include-body limit), or the local reader stopped. */
  readonly bodyTruncated: boolean;
}

export interface ProgressDeps {
  readonly verifier: TokenVerifier;
  readonly enrollments: EnrollmentChecker;
  readonly lessons: Pick<LessonStore, 'get'>;
  readonly progress: ProgressTable;
  readonly now: () => Date;
}

export type ProgressConfigView = Pick<ProgressApiConfig, 'scheme' | 'allowedHosts' | 'corsAllowedOrigins' | 'budgetMs' | 'maxTokenBytes'> & {
  readonly progress: Pick<ProgressApiConfig['progress'], 'writeAttempts'>;
};

/** What a report did, for the adapters' logs. */
export interface ReportSummary {
  readonly position: number;
  /** Seconds newly credited as watched. */
  readonly credited: number;
  readonly completedNow: boolean;
}

export type ProgressDecision =
  /** 200: GET, or a PUT's answer (with `completedNow`). */
  | { readonly kind: 'record'; readonly headers: Record<string, string>; readonly body: ProgressRecord | ProgressSaved; readonly report?: ReportSummary }
  /** 204: a page-hide beacon (POST) was stored; nobody reads its answer. */
  | { readonly kind: 'stored'; readonly headers: Record<string, string>; readonly report: ReportSummary }
  | { readonly kind: 'preflight'; readonly headers: Record<string, string> }
  /** `detail` names the field or rule, in our words, for a person reading the answer. */
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly headers: Record<string, string>; readonly detail?: string };

export const PROGRESS_PREFIX = '/api/progress/';
export const PROGRESS_METHODS = 'GET, PUT, POST, OPTIONS';
/** Seconds: a day, a bound on garbage rather than a product limit. */
export const MAX_SECONDS = 86_400;
/** Seconds: the smallest non-zero time accepted (positions are kept to the millisecond; 1e-300 is not a media time). */
export const MIN_NONZERO_SECONDS = 0.001;
/** Bytes of a report besides its token (a beacon carries the token in its body). */
const REPORT_FIELDS_BYTES = 1024;

/**
 * The progress API: GET / PUT / POST /api/progress/<courseId>/<lessonId> (player/README.md).
 * Every request: Host and Origin checked, a Cognito token verified like the cookie issuer does,
 * the enrollment and the published lesson looked up (side by side, with the record). A report
 * (PUT, or a POST beacon with the token in its text/plain body) is validated completely before
 * anything is written, judged by completion.ts against the lesson's real duration, and written
 * with one conditional UpdateItem (retried on a race). Every refusal writes nothing.
 */
export async function decide(req: ProgressRequest, config: ProgressConfigView, deps: ProgressDeps): Promise<ProgressDecision> {
  const refuse = (code: ErrorCode, headers: Record<string, string> = {}, detail?: string): ProgressDecision => ({
    kind: 'refused',
    code,
    headers,
    ...(detail ? { detail } : {}),
  });
  if (!req.path.startsWith(PROGRESS_PREFIX)) return refuse('ERR_NOT_FOUND');
  // Before the token is read or a table touched: a rebinding page gets nothing, writes nothing.
  const host = servedHost(req.host, config.allowedHosts);
  if (!host) return refuse('ERR_BAD_HOST');
  const verdict = judgeOrigin(req.origin, `${config.scheme}://${host}`, config.corsAllowedOrigins);
  // A foreign page may not even send a beacon: refused before anything is read or written.
  if (verdict === 'denied') return refuse('ERR_ORIGIN_NOT_ALLOWED');
  const cors = verdict === 'allowed' && req.origin ? corsHeaders(req.origin, false, PROGRESS_METHODS) : {};
  const method = req.method.toUpperCase();
  if (method === 'OPTIONS') {
    return verdict === 'allowed' && req.origin ? { kind: 'preflight', headers: corsHeaders(req.origin, true, PROGRESS_METHODS) } : refuse('ERR_ORIGIN_NOT_ALLOWED');
  }

  const parts = req.path.slice(PROGRESS_PREFIX.length).split('/');
  const [courseId, lessonId] = parts;
  if (parts.length !== 2 || !isCourseId(courseId) || !isLessonId(lessonId)) return refuse('ERR_NOT_FOUND', cors, 'Use /api/progress/<courseId>/<lessonId>.');
  if (method !== 'GET' && method !== 'PUT' && method !== 'POST') return refuse('ERR_METHOD_NOT_ALLOWED', { ...cors, allow: PROGRESS_METHODS });
  if (req.authorization.length > 1) return refuse('ERR_TOKEN_MALFORMED', cors, 'Send one Authorization header.');

  let fields: Record<string, unknown> | undefined;
  if (method !== 'GET') {
    const limit = config.maxTokenBytes + REPORT_FIELDS_BYTES;
    if (req.bodyTruncated || (req.body !== undefined && new TextEncoder().encode(req.body).length > limit)) return refuse('ERR_BODY_TOO_LARGE', cors, `At most ${limit} bytes.`);
    fields = parseObject(req.body);
    if (!fields) return refuse('ERR_BAD_PROGRESS', cors, 'The body must be a JSON object.');
  }
  const bodyToken = method === 'POST' && typeof fields?.['token'] === 'string' ? (fields['token'] as string) : undefined;
  const token = bearerToken(req.authorization[0]) ?? bodyToken;
  if (!token) return refuse('ERR_TOKEN_MISSING', cors);

  let userId: string;
  try {
    userId = (await deps.verifier.verify(token, deps.now())).sub;
  } catch (error) {
    return refuse(toLecternError(error).code, cors);
  }

  let position: number | undefined;
  if (fields) {
    const report = parseReport(fields);
    if (typeof report === 'string') return refuse('ERR_BAD_PROGRESS', cors, report);
    position = report.position;
  }

  const signal = AbortSignal.timeout(config.budgetMs);
  const [enrolled, lesson, stored] = await Promise.allSettled([
    deps.enrollments.isEnrolled(userId, courseId),
    deps.lessons.get(courseId, lessonId),
    deps.progress.get(userId, courseId, lessonId, signal),
  ]);
  // In this order: an outsider learns nothing about the course's lessons.
  if (enrolled.status === 'rejected') return refuse(toLecternError(enrolled.reason).code, cors);
  if (!enrolled.value) return refuse('ERR_NOT_ENROLLED', cors);
  if (lesson.status === 'rejected') return refuse(toLecternError(lesson.reason).code, cors);
  const duration = lesson.value?.status === 'published' ? lesson.value.durationSeconds : undefined;
  // A lesson without a real duration cannot be judged: it is not (yet) a lesson one can watch.
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0) return refuse('ERR_LESSON_NOT_FOUND', cors);
  if (stored.status === 'rejected') return refuse(toLecternError(stored.reason).code, cors);

  const ids = { courseId, lessonId };
  if (position === undefined) return { kind: 'record', headers: cors, body: toRecord(ids, stored.value, duration) };
  if (position > duration + END_TOLERANCE_SECONDS) {
    return refuse('ERR_BAD_PROGRESS', cors, `position is past the end of the lesson (${roundSeconds(duration)} s).`);
  }

  try {
    let current: StoredProgress = stored.value;
    for (let attempt = 0; attempt < config.progress.writeAttempts; attempt++) {
      if (attempt > 0) current = await deps.progress.get(userId, courseId, lessonId, signal);
      const now = deps.now();
      const outcome = applyReport(current, position, now, duration);
      const updatedAt = now.toISOString();
      if (await deps.progress.save(userId, courseId, lessonId, { ...outcome.state, durationSeconds: duration, updatedAt }, current.version, signal)) {
        const report: ReportSummary = { position: outcome.state.position, credited: outcome.credited, completedNow: outcome.completedNow };
        if (method === 'POST') return { kind: 'stored', headers: cors, report };
        const saved: ProgressSaved = { ...toRecord(ids, { ...outcome.state, updatedAt }, duration), completedNow: outcome.completedNow };
        return { kind: 'record', headers: cors, body: saved, report };
      }
    }
    return refuse('ERR_PROGRESS_UNAVAILABLE', cors, 'Other reports kept racing this one; send it again.');
  } catch (error) {
    return refuse(toLecternError(error).code, cors);
  }
}

function toRecord(ids: { courseId: string; lessonId: string }, state: WatchState & { updatedAt: string | null }, duration: number): ProgressRecord {
  return {
    ...ids,
    position: state.position,
    duration: roundSeconds(duration),
    watched: watchedSeconds(state.watched),
    completed: state.completed,
    completedAt: state.completedAt,
    updatedAt: state.updatedAt,
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '')?.[1];
}

function parseObject(body: string | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** Whether `value` is a time in seconds this API accepts: 0, or from 1 ms to a day. */
export function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && (value === 0 || (value >= MIN_NONZERO_SECONDS && value <= MAX_SECONDS));
}

/**
 * A report's fields: `position` (required), and for older clients `duration` and `completed`,
 * checked and then ignored. Returns what is wrong, in words, or the position.
 */
export function parseReport(fields: Record<string, unknown>): { position: number } | string {
  const { position, duration, completed } = fields;
  if (position === undefined) return 'position (seconds) is required.';
  if (!isSeconds(position)) return `position must be a number of seconds: 0, or from ${MIN_NONZERO_SECONDS} to ${MAX_SECONDS}.`;
  if (duration !== undefined && (!isSeconds(duration) || duration === 0)) return `duration, when sent, must be a number of seconds from ${MIN_NONZERO_SECONDS} to ${MAX_SECONDS} (it is ignored: the lesson's own duration counts).`;
  if (completed !== undefined && typeof completed !== 'boolean') return 'completed, when sent, must be true or false (it is ignored: the server decides).';
  return { position: roundSeconds(position) };
}
