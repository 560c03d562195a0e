import type { CloudFrontHeaders } from 'aws-lambda';
import type { ErrorCode } from './errors.ts';

/**
 * Every `Authorization` value of a viewer request, in the order sent. CloudFront hands a header
 * sent twice to Lambda@Edge as two entries under one name; reading only the first would let
 * whoever put a header first (a proxy, an injected script) decide whose token counts. Both edge
 * functions read all of them through this and refuse more than one.
 */
export function authorizationValues(headers: CloudFrontHeaders): string[] {
  return (headers['authorization'] ?? []).map((h) => h.value);
}

/**
 * The refusal for more than one `Authorization` header: the progress API's answer (its core
 * refuses the same way), so both edge functions say the same thing. 401, since no one token can
 * be trusted to be the one the student meant.
 */
export const DUPLICATE_AUTHORIZATION: { readonly code: ErrorCode; readonly detail: string } = {
  code: 'ERR_TOKEN_MALFORMED',
  detail: 'Send one Authorization header.',
};
