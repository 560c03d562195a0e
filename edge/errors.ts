/**
 * Every refusal lectern's edge can produce, as a stable code. Cores return or throw these;
 * only adapters turn them into HTTP (see error-responses.ts), so a code means the same thing
 * on Lambda@Edge, in the CloudFront Function and in the local distribution.
 */
export const ERROR_CODES = [
  // request shape
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_NOT_FOUND',
  'ERR_BAD_BODY',
  'ERR_BAD_COURSE_ID',
  'ERR_BAD_LESSON_ID',
  'ERR_BAD_HOST',
  'ERR_ORIGIN_NOT_ALLOWED',
  'ERR_BAD_PROGRESS',
  'ERR_BODY_TOO_LARGE',
  // bearer token
  'ERR_TOKEN_MISSING',
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_TOKEN_ALG',
  'ERR_TOKEN_KID',
  'ERR_TOKEN_SIGNATURE',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_TOKEN_LIFETIME',
  'ERR_TOKEN_ISSUER',
  'ERR_TOKEN_CLIENT',
  'ERR_TOKEN_USE',
  'ERR_TOKEN_CLAIMS',
  // authorisation
  'ERR_NOT_ENROLLED',
  'ERR_SIGNATURE_REQUIRED',
  'ERR_SIGNATURE_INVALID',
  'ERR_SIGNATURE_EXPIRED',
  'ERR_MEDIA_TYPE_REFUSED',
  'ERR_NO_NEXT_LESSON',
  'ERR_LESSON_NOT_FOUND',
  // dependencies (fail closed)
  'ERR_JWKS_UNAVAILABLE',
  'ERR_ENROLLMENT_UNAVAILABLE',
  'ERR_SIGNING_KEY_UNAVAILABLE',
  'ERR_LESSON_MAP_UNAVAILABLE',
  'ERR_VERSION_NOT_SERVED',
  'ERR_LESSONS_UNAVAILABLE',
  'ERR_ENCODE_UNAVAILABLE',
  'ERR_PROGRESS_UNAVAILABLE',
  'ERR_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class LecternError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.name = 'LecternError';
    this.code = code;
  }
}

export function isLecternError(value: unknown): value is LecternError {
  return value instanceof LecternError;
}

/** Anything unexpected becomes ERR_INTERNAL: callers never see a library's own message. */
export function toLecternError(value: unknown): LecternError {
  return isLecternError(value) ? value : new LecternError('ERR_INTERNAL', undefined, { cause: value });
}
