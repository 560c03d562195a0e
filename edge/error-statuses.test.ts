import { describe, expect, it } from 'vitest';
import { defineDistribution } from './distribution-spec.ts';
import { ERROR_RESPONSES } from './error-responses.ts';
import type { ErrorCode } from './errors.ts';

/**
 * Refusals whose answer to a person is the custom error page: CloudFront's own key-group check
 * (signed cookies or URL missing, invalid, expired) and the viewer-request function's refusal of
 * non-media files under /courses/ (a person who typed such a URL is led back to the lesson).
 */
const PAGE_IS_THE_ANSWER: readonly ErrorCode[] = ['ERR_SIGNATURE_REQUIRED', 'ERR_SIGNATURE_INVALID', 'ERR_SIGNATURE_EXPIRED', 'ERR_MEDIA_TYPE_REFUSED'];

describe('error statuses and the custom error responses', () => {
  const spec = defineDistribution({ corsAllowedOrigins: [], trustedKeys: [{ id: 'K1', publicKeyPem: 'pem' }] });
  const covered = new Set(spec.customErrorResponses.map((e) => e.errorCode));

  it('never replace an error body the player or an API client reads (ERR_NOT_ENROLLED, token errors, 503s...)', () => {
    const clashes = Object.entries(ERROR_RESPONSES)
      .filter(([code, response]) => !PAGE_IS_THE_ANSWER.includes(code as ErrorCode) && covered.has(response.status))
      .map(([code, response]) => `${code} (${response.status})`);
    expect(clashes).toEqual([]);
  });

  it('still send a person refused by the key group to the error page', () => {
    for (const code of PAGE_IS_THE_ANSWER) expect(covered.has(ERROR_RESPONSES[code].status), code).toBe(true);
  });
});
