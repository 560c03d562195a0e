import { isCourseId } from '../course-id.ts';
import { LecternError, toLecternError, type ErrorCode } from '../errors.ts';
import { servedHost } from '../host-check.ts';
import { courseCookiePath, coursePolicy, courseResource } from '../policy.ts';
import { clearedCookie, sessionCookie, SESSION_COOKIE_NAMES } from './cookies.ts';
import { corsHeaders, judgeOrigin } from './cors.ts';
import type { IssuerConfig } from './config.ts';
import type { EncodeRequester } from './encode-requester.ts';
import type { EnrollmentChecker } from './enrollment.ts';
import type { TokenVerifier } from './jwt-verifier.ts';
import type { LessonStore } from './lesson-store.ts';
import { lessonStatus, LESSONS_PREFIX, parseLessonPath, type LessonStatusBody, type OnDemandSettings } from './lesson-status.ts';
import type { PolicySigner, SignedPolicy } from './signer.ts';

/** What the core needs to know about a request; adapters fill it from their event. */
export interface IssuerRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string | undefined;
  /** CloudFront cut the body (over its include-body limit). */
  readonly bodyTruncated: boolean;
}

export interface IssuerDeps {
  readonly verifier: TokenVerifier;
  readonly enrollments: EnrollmentChecker;
  readonly signer: PolicySigner;
  readonly now: () => Date;
  /** Lesson records, for GET /auth/lessons/<c>/<l> (absent: that route answers 503). */
  readonly lessons?: LessonStore;
  /** Starts on-demand encodes (absent: pending lessons answer 202 and the upload trigger encodes them). */
  readonly encoder?: EncodeRequester;
}

export type IssuerConfigView = Pick<IssuerConfig, 'cookie' | 'scheme' | 'allowedHosts' | 'corsAllowedOrigins'> & {
  readonly onDemand?: OnDemandSettings;
};

const DEFAULT_ON_DEMAND: OnDemandSettings = { retryAfterSeconds: 5, staleEncodingSeconds: 21_600 };

/** The JSON body of a new session, for players that cannot use cookies. */
export interface SessionBody {
  readonly courseId: string;
  /** Epoch seconds (the policy's DateLessThan). */
  readonly expiresAt: number;
  /** Seconds from now: players schedule renewal on this, immune to their own clock's error. */
  readonly expiresIn: number;
  readonly expires: string;
  readonly resource: string;
  readonly cookiePath: string;
  readonly signedQuery: SignedPolicy;
  /** `signedQuery` as a ready query string to append to every media URL. */
  readonly query: string;
}

export type IssuerDecision =
  | { readonly kind: 'session'; readonly headers: Record<string, string>; readonly cookies: string[]; readonly body: SessionBody }
  | { readonly kind: 'cleared'; readonly headers: Record<string, string>; readonly cookies: string[] }
  | { readonly kind: 'preflight'; readonly headers: Record<string, string> }
  /** 200: a lesson's status (published, or failed with a message). */
  | { readonly kind: 'lesson'; readonly headers: Record<string, string>; readonly body: LessonStatusBody }
  /** 202 + Retry-After: the lesson is being encoded (not an error: ask again later). */
  | { readonly kind: 'accepted'; readonly headers: Record<string, string>; readonly body: LessonStatusBody; readonly retryAfterSeconds: number }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly headers: Record<string, string> };

export const SESSION_PATH = '/auth/session';
const MAX_BODY_BYTES = 4096;

/**
 * POST /auth/session: bearer token + {"courseId"} -> course-scoped signed cookies.
 * DELETE /auth/session: clear them. OPTIONS: CORS preflight. Every doubt ends in a refusal
 * without cookies; sessions write nothing.
 * GET /auth/lessons/<courseId>/<lessonId>: a lesson's status (lesson-status.ts), same checks;
 * its one write is the conditional pending -> encoding claim that starts an on-demand encode.
 */
export async function decide(req: IssuerRequest, config: IssuerConfigView, deps: IssuerDeps): Promise<IssuerDecision> {
  const refuse = (code: ErrorCode, headers: Record<string, string> = {}): IssuerDecision => ({ kind: 'refused', code, headers });

  const route = req.path === SESSION_PATH ? 'session' : req.path.startsWith(LESSONS_PREFIX) ? 'lesson' : null;
  if (route === null) return refuse('ERR_NOT_FOUND');
  const host = servedHost(req.host, config.allowedHosts);
  if (!host) return refuse('ERR_BAD_HOST');
  const verdict = judgeOrigin(req.origin, `${config.scheme}://${host}`, config.corsAllowedOrigins);
  if (verdict === 'denied') return refuse('ERR_ORIGIN_NOT_ALLOWED');
  const cors = verdict === 'allowed' && req.origin ? corsHeaders(req.origin, false) : {};
  if (route === 'lesson') return decideLesson(req, config, deps, verdict === 'allowed', cors);

  switch (req.method) {
    case 'OPTIONS':
      return verdict === 'allowed' && req.origin
        ? { kind: 'preflight', headers: corsHeaders(req.origin, true) }
        : refuse('ERR_ORIGIN_NOT_ALLOWED');
    case 'DELETE': {
      const courseId = courseIdFrom(req);
      if (courseId instanceof LecternError) return refuse(courseId.code, cors);
      const cookies = SESSION_COOKIE_NAMES.map((name) => clearedCookie(name, courseId, config.cookie));
      return { kind: 'cleared', headers: cors, cookies };
    }
    case 'POST':
      break;
    default:
      return refuse('ERR_METHOD_NOT_ALLOWED', { ...cors, allow: 'POST, DELETE, OPTIONS' });
  }

  const token = bearerToken(req.authorization);
  if (!token) return refuse('ERR_TOKEN_MISSING', cors);
  if (req.bodyTruncated) return refuse('ERR_BAD_BODY', cors);
  const courseId = courseIdFrom({ ...req, query: '' });
  if (courseId instanceof LecternError) return refuse(courseId.code, cors);

  try {
    const now = deps.now();
    const user = await deps.verifier.verify(token, now);
    if (!(await deps.enrollments.isEnrolled(user.sub, courseId))) return refuse('ERR_NOT_ENROLLED', cors);

    const nowSeconds = Math.floor(now.getTime() / 1000);
    // A session never outlives the credential that opened it: a token expired within the
    // clock skew gets no session at all (the player then renews its token), one with 5 s left
    // a 5 s session.
    const expiresAt = Math.min(nowSeconds + config.cookie.ttlSeconds, user.expiresAt);
    if (expiresAt <= nowSeconds) return refuse('ERR_TOKEN_EXPIRED', cors);
    const resource = courseResource(config.scheme, host, courseId);
    const signed = await deps.signer.sign(JSON.stringify(coursePolicy(resource, expiresAt)));
    const cookies = Object.entries(signed).map(([name, value]) => sessionCookie(`CloudFront-${name}`, value, courseId, config.cookie));
    const query = Object.entries(signed)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('&');
    return {
      kind: 'session',
      headers: cors,
      cookies,
      body: {
        courseId,
        expiresAt,
        expiresIn: expiresAt - nowSeconds,
        expires: new Date(expiresAt * 1000).toISOString(),
        resource,
        cookiePath: courseCookiePath(courseId),
        signedQuery: signed,
        query,
      },
    };
  } catch (error) {
    return refuse(toLecternError(error).code, cors);
  }
}

async function decideLesson(
  req: IssuerRequest,
  config: IssuerConfigView,
  deps: IssuerDeps,
  crossOriginAllowed: boolean,
  cors: Record<string, string>,
): Promise<IssuerDecision> {
  const refuse = (code: ErrorCode, headers: Record<string, string> = cors): IssuerDecision => ({ kind: 'refused', code, headers });
  switch (req.method) {
    case 'OPTIONS':
      return crossOriginAllowed && req.origin
        ? { kind: 'preflight', headers: corsHeaders(req.origin, true, 'GET, OPTIONS') }
        : refuse('ERR_ORIGIN_NOT_ALLOWED', {});
    case 'GET':
      break;
    default:
      return refuse('ERR_METHOD_NOT_ALLOWED', { ...cors, allow: 'GET, OPTIONS' });
  }
  const ids = parseLessonPath(req.path);
  if ('code' in ids) return refuse(ids.code);
  const token = bearerToken(req.authorization);
  if (!token) return refuse('ERR_TOKEN_MISSING');
  try {
    const user = await deps.verifier.verify(token, deps.now());
    if (!(await deps.enrollments.isEnrolled(user.sub, ids.courseId))) return refuse('ERR_NOT_ENROLLED');
  } catch (error) {
    return refuse(toLecternError(error).code);
  }
  if (!deps.lessons) return refuse('ERR_LESSONS_UNAVAILABLE');
  const decision = await lessonStatus(ids.courseId, ids.lessonId, config.onDemand ?? DEFAULT_ON_DEMAND, {
    lessons: deps.lessons,
    ...(deps.encoder ? { encoder: deps.encoder } : {}),
    now: deps.now,
  });
  switch (decision.kind) {
    case 'lesson':
      return { kind: 'lesson', headers: cors, body: decision.body };
    case 'accepted':
      return { kind: 'accepted', headers: cors, body: decision.body, retryAfterSeconds: decision.retryAfterSeconds };
    case 'refused':
      return refuse(decision.code);
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
}

/** From the JSON body ({"courseId"}), or for DELETE also `?courseId=`. */
function courseIdFrom(req: Pick<IssuerRequest, 'body' | 'query'>): string | LecternError {
  const fromQuery = new URLSearchParams(req.query).get('courseId');
  let candidate: unknown = fromQuery ?? undefined;
  if (candidate === undefined) {
    if (!req.body || req.body.length > MAX_BODY_BYTES) return new LecternError('ERR_BAD_BODY');
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      return new LecternError('ERR_BAD_BODY');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.hasOwn(parsed, 'courseId')) {
      return new LecternError('ERR_BAD_BODY');
    }
    candidate = (parsed as { courseId: unknown }).courseId;
  }
  return isCourseId(candidate) ? candidate : new LecternError('ERR_BAD_COURSE_ID');
}
