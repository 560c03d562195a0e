import type { ErrorCode } from './errors.ts';

/**
 * The one table from error code to HTTP. Adapters only (Lambda@Edge handler, the local
 * distribution): cores never pick a status. Messages are written for the person or player on
 * the other end and never include a library's text or a stack.
 *
 * No status that edge code answers with (and whose body matters) may have a custom error
 * response on the distribution: CloudFront replaces such responses with the error page, and AWS
 * does not document an exception for responses that viewer-request code generates
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/creating-custom-error-pages.html;
 * AWS's cloudfront-authorization-at-edge avoids 403 from that trigger for this reason). 403 is
 * the key group's, with /errors/403.html; so the issuer's refusals use 400 and 409, and
 * edge/error-statuses.test.ts fails if a status and a custom error response ever meet.
 */
export interface ErrorResponse {
  readonly status: number;
  readonly message: string;
  /** Seconds, for 503s: when a retry is worth it. (A lesson still encoding is not an error: 202, see cookie-issuer/lesson-status.ts.) */
  readonly retryAfter?: number;
}

export const ERROR_RESPONSES: Readonly<Record<ErrorCode, ErrorResponse>> = {
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this path.' },
  ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  ERR_BAD_BODY: { status: 400, message: 'The request body must be JSON like {"courseId":"..."}.' },
  ERR_BAD_COURSE_ID: { status: 400, message: 'The course id is not valid.' },
  ERR_BAD_LESSON_ID: { status: 400, message: 'The lesson id is not valid.' },
  ERR_BAD_HOST: { status: 400, message: 'This host is not served here.' },
  ERR_ORIGIN_NOT_ALLOWED: { status: 400, message: 'This origin may not call this endpoint (it is not on the CORS allowlist).' },
  ERR_BAD_PROGRESS: { status: 400, message: 'Progress must be JSON like {"position": seconds}, a position inside the lesson.' },
  ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ERR_TOKEN_MISSING: { status: 401, message: 'Sign in first: send Authorization: Bearer <token>.' },
  ERR_TOKEN_MALFORMED: { status: 401, message: 'The bearer token is not a well-formed JWT.' },
  ERR_TOKEN_TOO_LARGE: { status: 401, message: 'The bearer token is too large.' },
  ERR_TOKEN_ALG: { status: 401, message: 'The bearer token uses an algorithm that is not accepted.' },
  ERR_TOKEN_KID: { status: 401, message: 'The bearer token was signed by an unknown key.' },
  ERR_TOKEN_SIGNATURE: { status: 401, message: 'The bearer token signature is not valid.' },
  ERR_TOKEN_EXPIRED: { status: 401, message: 'The bearer token has expired: sign in again.' },
  ERR_TOKEN_NOT_YET_VALID: { status: 401, message: 'The bearer token is not valid yet.' },
  ERR_TOKEN_LIFETIME: { status: 401, message: 'The bearer token claims a validity period that sign-in never grants: sign in again.' },
  ERR_TOKEN_ISSUER: { status: 401, message: 'The bearer token comes from another issuer.' },
  ERR_TOKEN_CLIENT: { status: 401, message: 'The bearer token was issued to another client.' },
  ERR_TOKEN_USE: { status: 401, message: 'The bearer token must be an access or ID token.' },
  ERR_TOKEN_CLAIMS: { status: 401, message: 'The bearer token is missing required claims.' },
  ERR_NOT_ENROLLED: { status: 409, message: 'You are not enrolled in this course.' },
  ERR_SIGNATURE_REQUIRED: { status: 403, message: 'Missing signed cookies or signed URL.' },
  ERR_SIGNATURE_INVALID: { status: 403, message: 'The signed cookies or URL are not valid for this resource.' },
  ERR_SIGNATURE_EXPIRED: { status: 403, message: 'The signed cookies or URL have expired.' },
  ERR_MEDIA_TYPE_REFUSED: { status: 403, message: 'Only published media can be fetched here.' },
  ERR_NO_NEXT_LESSON: { status: 404, message: 'This is the last lesson of the course.' },
  ERR_LESSON_NOT_FOUND: { status: 404, message: 'This lesson does not exist or has no video yet.' },
  ERR_JWKS_UNAVAILABLE: { status: 503, message: 'Sign-in keys are unavailable; try again shortly.', retryAfter: 5 },
  ERR_ENROLLMENT_UNAVAILABLE: { status: 503, message: 'Enrollment cannot be checked right now; try again shortly.', retryAfter: 5 },
  ERR_SIGNING_KEY_UNAVAILABLE: { status: 503, message: 'Sessions cannot be issued right now; try again shortly.', retryAfter: 5 },
  ERR_LESSON_MAP_UNAVAILABLE: { status: 503, message: 'The lesson map cannot be read right now.', retryAfter: 5 },
  ERR_VERSION_NOT_SERVED: { status: 404, message: 'This version of the lesson is not served: reload the lesson.' },
  ERR_LESSONS_UNAVAILABLE: { status: 503, message: 'The lesson cannot be looked up right now; try again shortly.', retryAfter: 5 },
  ERR_ENCODE_UNAVAILABLE: { status: 503, message: 'This lesson cannot be prepared right now; try again shortly.', retryAfter: 10 },
  ERR_PROGRESS_UNAVAILABLE: { status: 503, message: 'Progress cannot be saved right now; try again shortly.', retryAfter: 5 },
  ERR_INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
};

export function errorResponse(code: ErrorCode): ErrorResponse {
  return ERROR_RESPONSES[code];
}

/**
 * A refused request as an edge function answers it: the table's status, the JSON error body,
 * `WWW-Authenticate` on a 401 (RFC 6750: no error attribute when no token was sent at all) and
 * `Retry-After` where the table gives one. Both Lambda@Edge handlers answer refusals with this.
 */
export function refusal(
  code: ErrorCode,
  headers: Readonly<Record<string, string>> = {},
  detail?: string,
): { status: number; headers: Record<string, string>; body: { error: { code: ErrorCode; message: string; detail?: string } } } {
  const { status, message, retryAfter } = errorResponse(code);
  const extra: Record<string, string> = { ...headers };
  if (status === 401) {
    extra['WWW-Authenticate'] = code === 'ERR_TOKEN_MISSING' ? 'Bearer realm="lectern"' : `Bearer realm="lectern", error="invalid_token", error_description="${message}"`;
  }
  if (retryAfter !== undefined) extra['Retry-After'] = String(retryAfter);
  return { status, headers: extra, body: { error: { code, message, ...(detail ? { detail } : {}) } } };
}
