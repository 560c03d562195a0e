/** What redactSecrets leaves of a log line: every credential's name, none of its values. */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './log-redaction.ts';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWJ5dGVz';
const POLICY = 'eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9sb2NhbGhvc3Q6ODc4Ny9jb3Vyc2VzL2RlbW8vKiJ9XX0_';

describe('log redaction', () => {
  it('hides the signed-URL parameters of a request line and keeps Expires, the path and the rest readable', () => {
    const line = `GET /courses/demo/lesson-1/master.m3u8?Expires=1700000000&Policy=${POLICY}&Signature=AbC~dE-f_&Key-Pair-Id=K2JCJMDEHXQW5F&t=1 200 (signed url) 3ms`;
    expect(redactSecrets(line)).toBe(`GET /courses/demo/lesson-1/master.m3u8?Expires=1700000000&Policy=${REDACTED}&Signature=${REDACTED}&Key-Pair-Id=${REDACTED}&t=1 200 (signed url) 3ms`);
  });

  it('hides OAuth codes and tokens in a query, a fragment and a form body', () => {
    expect(redactSecrets('GET /watch/demo/lesson-1?code=Zx9-abc&state=s1 200')).toBe(`GET /watch/demo/lesson-1?code=${REDACTED}&state=s1 200`);
    expect(redactSecrets(`/cb#access_token=${JWT}&id_token=${JWT}&token_type=Bearer`)).toBe(`/cb#access_token=${REDACTED}&id_token=${REDACTED}&token_type=Bearer`);
    expect(redactSecrets('grant_type=refresh_token&refresh_token=r3fr35h&client_id=c code_verifier=v3r1f13r')).toBe(`grant_type=refresh_token&refresh_token=${REDACTED}&client_id=c code_verifier=${REDACTED}`);
    expect(redactSecrets('POST /api/progress/demo/lesson-1?token=abc 204')).toBe(`POST /api/progress/demo/lesson-1?token=${REDACTED} 204`);
  });

  it('hides tokens in JSON but keeps error codes', () => {
    const line = JSON.stringify({ access_token: JWT, id_token: JWT, refresh_token: 'r', token_type: 'Bearer', expires_in: 3600, code: 'ERR_NOT_ENROLLED', authorization: `Bearer ${JWT}` });
    expect(JSON.parse(redactSecrets(line))).toEqual({ access_token: REDACTED, id_token: REDACTED, refresh_token: REDACTED, token_type: 'Bearer', expires_in: 3600, code: 'ERR_NOT_ENROLLED', authorization: REDACTED });
  });

  it('hides an Authorization header value of any scheme, and a bearer token or JWT wherever it stands', () => {
    expect(redactSecrets(`authorization: Bearer ${JWT}`)).toBe(`authorization: ${REDACTED}`);
    expect(redactSecrets('Authorization: AWS4-HMAC-SHA256 Credential=ASIA/x, SignedHeaders=host, Signature=abc')).toBe(`Authorization: ${REDACTED}`);
    expect(redactSecrets(`headers { authorization: 'Bearer ${JWT}' }`)).not.toContain(JWT);
    expect(redactSecrets(`the token ${JWT} has expired`)).toBe(`the token ${REDACTED} has expired`);
  });

  it('hides CloudFront-* cookie values in Cookie and Set-Cookie, not other cookies nor the expiry', () => {
    expect(redactSecrets(`cookie: theme=dark; CloudFront-Policy=${POLICY}; CloudFront-Signature=s~i_g; CloudFront-Key-Pair-Id=K2J; CloudFront-Expires=1700000000`))
      .toBe(`cookie: theme=dark; CloudFront-Policy=${REDACTED}; CloudFront-Signature=${REDACTED}; CloudFront-Key-Pair-Id=${REDACTED}; CloudFront-Expires=1700000000`);
    expect(redactSecrets('set-cookie: CloudFront-Signature=abc; Path=/courses/demo/; Secure; HttpOnly')).toBe(`set-cookie: CloudFront-Signature=${REDACTED}; Path=/courses/demo/; Secure; HttpOnly`);
  });

  it('hides SigV4 presigned-URL credentials and keeps the algorithm and date', () => {
    expect(redactSecrets('S3 GET /media/a.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA%2F20240101&X-Amz-Date=20240101T000000Z&X-Amz-Security-Token=tok&X-Amz-Signature=f00 200'))
      .toBe(`S3 GET /media/a.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}&X-Amz-Date=20240101T000000Z&X-Amz-Security-Token=${REDACTED}&X-Amz-Signature=${REDACTED} 200`);
  });

  it('leaves lines without credentials as they are, and a redacted line unchanged', () => {
    for (const line of [
      'GET /watch/demo/lesson-1 200 3ms',
      'DELETE /auth/session?courseId=demo 200 12ms',
      '[lectern-cookie-issuer] {"msg":"request refused","code":"ERR_NOT_ENROLLED","method":"POST","path":"/auth/session"}',
      'GET /courses/demo/lesson-1/master.m3u8 403 (key group: Missing Key-Pair-Id query parameter or cookie value) 1ms',
    ]) expect(redactSecrets(line)).toBe(line);
    const once = redactSecrets(`GET /x?Policy=p&Signature=s authorization: Bearer ${JWT} cookie: CloudFront-Policy=p`);
    expect(redactSecrets(once)).toBe(once);
  });
});
