import { courseCookiePath } from '../policy.ts';

export interface CookieAttributes {
  readonly sameSite: 'None' | 'Lax' | 'Strict';
}

/**
 * Session cookies (no Expires/Max-Age: gone when the browser closes, as AWS recommends for
 * signed cookies), scoped to one course's path, Secure and HttpOnly so page scripts never see
 * them. The policy inside carries the real expiry.
 */
export function sessionCookie(name: string, value: string, courseId: string, attributes: CookieAttributes): string {
  return `${name}=${value}; Path=${courseCookiePath(courseId)}; Secure; HttpOnly; SameSite=${attributes.sameSite}`;
}

/** The same cookie, expired: browsers drop it. */
export function clearedCookie(name: string, courseId: string, attributes: CookieAttributes): string {
  return `${name}=; Path=${courseCookiePath(courseId)}; Secure; HttpOnly; SameSite=${attributes.sameSite}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

export const SESSION_COOKIE_NAMES = ['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id', 'CloudFront-Hash-Algorithm'] as const;
