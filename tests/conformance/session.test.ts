import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

/** POST/DELETE/OPTIONS /auth/session over real HTTP: statuses, cookie attributes, CORS. */
const EMBEDDER = 'https://school.example';
let system: TestSystem & { cleanup(): Promise<void> };
let student: string;

beforeAll(async () => {
  system = await startTestSystem({ corsAllowedOrigins: [EMBEDDER] });
  student = await system.token('student@example.com');
});
afterAll(async () => system?.cleanup());

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${system.url}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${student}`, ...headers }, body });
}

describe('POST /auth/session', () => {
  it('gives an enrolled student three session cookies scoped to the course, and the same policy as query parameters', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { response, body } = await system.session(student, 'demo');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookies = response.headers.getSetCookie();
    expect(cookies.map((c) => c.split('=')[0]).sort()).toEqual(['CloudFront-Key-Pair-Id', 'CloudFront-Policy', 'CloudFront-Signature']);
    for (const cookie of cookies) {
      expect(cookie).toContain('; Path=/courses/demo/; Secure; HttpOnly; SameSite=None');
      expect(cookie).not.toMatch(/expires=|max-age=/i);
    }
    const policy = JSON.parse(Buffer.from(body.signedQuery.Policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString());
    expect(policy.Statement[0].Resource).toBe(`https://${system.host}/courses/demo/*`);
    expect(policy.Statement[0].Condition.DateLessThan['AWS:EpochTime']).toBe(body.expiresAt);
    // Short on purpose: the session lifetime is the revocation bound (default 50 s).
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + 50);
    expect(body.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 50);
    expect(body.expiresIn).toBeLessThanOrEqual(50);
    expect(body.query).toBe(`Policy=${encodeURIComponent(body.signedQuery.Policy)}&Signature=${encodeURIComponent(body.signedQuery.Signature)}&Key-Pair-Id=${system.keyPair.keyPairId}`);
  });

  it('refuses a student who is not enrolled with 409 ERR_NOT_ENROLLED and no cookies, the JSON surviving the custom error responses', async () => {
    const { response, body } = await system.session(await system.token('outsider@example.com'), 'demo', { origin: EMBEDDER });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(body.error.code).toBe('ERR_NOT_ENROLLED');
    expect(response.headers.get('access-control-allow-origin')).toBe(EMBEDDER);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await system.session(student, 'second')).response.status).toBe(409);
  });

  it('answers 400 for a bad body or course id, naming the problem, with no cookies', async () => {
    for (const body of ['', 'not json', '[]', '{}', '{"course":"demo"}', 'x'.repeat(5000)]) {
      const response = await post(body);
      expect(response.status, body.slice(0, 20)).toBe(400);
      expect((await response.json()).error.code).toBe('ERR_BAD_BODY');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    for (const courseId of ['*', 'demo/*', 'de?mo', '../second', 'demo/', 'Demo', '', 42, null, 'a'.repeat(65), 'demo%2F']) {
      const response = await post(JSON.stringify({ courseId }));
      expect(response.status, String(courseId)).toBe(400);
      expect((await response.json()).error.code).toBe('ERR_BAD_COURSE_ID');
    }
  });

  it('answers 405 with Allow for other methods, and 404 for other paths under /auth/', async () => {
    const put = await fetch(`${system.url}/auth/session`, { method: 'PUT', headers: { authorization: `Bearer ${student}` }, body: '{"courseId":"demo"}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST, DELETE, OPTIONS');
    expect((await fetch(`${system.url}/auth/session`)).status).toBe(405);
    expect((await fetch(`${system.url}/auth/other`, { method: 'POST' })).status).toBe(404);
  });

  it('never puts a stack trace or a library message in a body', async () => {
    const response = await post('{"courseId": "demo"', { 'content-type': 'application/json' });
    const text = await response.text();
    expect(text).not.toMatch(/at \w+ \(|SyntaxError|JSON\.parse|node_modules/);
  });
});

describe('CORS on /auth/session', () => {
  it('answers a preflight from an allowlisted origin with credentials allowed', async () => {
    const response = await fetch(`${system.url}/auth/session`, {
      method: 'OPTIONS',
      headers: { origin: EMBEDDER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(EMBEDDER);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('issues cookies to an allowlisted origin with its CORS headers', async () => {
    const { response } = await system.session(student, 'demo', { origin: EMBEDDER });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(EMBEDDER);
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('refuses a preflight and a request from any other origin, never echoing it or using *', async () => {
    const preflight = await fetch(`${system.url}/auth/session`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(400);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const { response } = await system.session(student, 'demo', { origin: 'https://evil.example' });
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('DELETE /auth/session', () => {
  it('clears the course cookies', async () => {
    const response = await fetch(`${system.url}/auth/session?courseId=demo`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThanOrEqual(3);
    for (const cookie of cookies) expect(cookie).toMatch(/^CloudFront-[A-Za-z-]+=; Path=\/courses\/demo\/;.*Max-Age=0/);
  });

  it('refuses to clear without a valid course id', async () => {
    expect((await fetch(`${system.url}/auth/session?courseId=../x`, { method: 'DELETE' })).status).toBe(400);
  });
});
