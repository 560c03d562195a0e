/**
 * What a page on another origin can do to a student through the running local system (the
 * system answers on loopback, so any site the student visits can reach it):
 *  - a DNS-rebinding page (its own name, resolving to 127.0.0.1, arrives as Host) gets nothing
 *    and writes nothing: the distribution turns it away as CloudFront would, and each
 *    Lambda@Edge function, as the local stack deploys it, refuses the Host by itself too;
 *  - the local IdP hands demo tokens to the watch page's own origins only;
 *  - the IdP redirects a code only to a registered callback URL, exactly, as Cognito does;
 * and the player's own sign-in flow still works end to end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../local/data-paths.ts';
import { sessionEvent } from '../../edge/cookie-issuer/fixtures.ts';
import { progressEvent } from '../../edge/progress-api/fixtures.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

let system: TestSystem & { cleanup(): Promise<void> };
let idpUrl: string;
let port: number;
let student: string;
/** Hosts a rebinding page would send: its own name on our port, and our name on another port. */
let foreignHosts: string[];
const PROGRESS = '/api/progress/demo/lesson-1';

beforeAll(async () => {
  system = await startTestSystem();
  idpUrl = (JSON.parse(readFileSync(dataPaths(system.dataDir).runtime, 'utf8')) as { idpUrl: string }).idpUrl;
  port = Number(new URL(system.url).port);
  foreignHosts = [`evil.example:${port}`, `localhost:${port === 65535 ? 1 : port + 1}`, 'localhost', `127.0.0.1.nip.io:${port}`];
  student = await system.token('student@example.com');
  // The progress API only answers for a published lesson with a real duration.
  await system.publishLesson('demo', 'lesson-1', 600);
});
afterAll(async () => system?.cleanup());

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request to the distribution carrying the given Host, as a rebinding page's would (fetch derives Host from the URL). */
function withHost(host: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { ...init.headers, host, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = () => ({ authorization: `Bearer ${student}`, 'content-type': 'application/json' });

async function progressAsServed(): Promise<Record<string, unknown>> {
  const res = await system.fetch(PROGRESS, { headers: bearer() });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Refused by the distribution (CloudFront's 403 for a name it does not serve) or by the function (400 ERR_BAD_HOST). */
function expectRefused(answer: RawAnswer, host: string): void {
  expect([400, 403], `${host}: ${answer.status}`).toContain(answer.status);
  if (answer.status === 400) expect(JSON.parse(answer.body).error.code, host).toBe('ERR_BAD_HOST');
  expect(answer.headers['access-control-allow-origin'], host).toBeUndefined();
  expect(answer.headers['set-cookie'], host).toBeUndefined();
}

/** Invokes a Lambda@Edge function of the local stack directly, past the distribution's own Host routing. */
async function invokeEdge(name: 'cookie-issuer' | 'progress-api', event: CloudFrontRequestEvent): Promise<CloudFrontResultResponse> {
  const deployed = system.stack.lambdas.find((l) => l.logicalName.endsWith(name));
  const fn = system.standIns.functions.find((f) => f.spec.functionName === deployed?.functionName);
  if (!fn) throw new Error(`the local stack runs no ${name}`);
  return (await fn.invoke(event)) as CloudFrontResultResponse;
}

function withHostHeader(event: CloudFrontRequestEvent, host: string): CloudFrontRequestEvent {
  (event.Records[0]!.cf.request.headers as Record<string, { key: string; value: string }[]>)['host'] = [{ key: 'Host', value: host }];
  return event;
}

describe('a DNS-rebinding page (its own name as Host, resolving to the local distribution)', () => {
  it('can neither read nor write a student\'s progress through the distribution: GET, PUT and a page-hide beacon are refused, and the record stays as it was', async () => {
    expect((await system.fetch(PROGRESS, { method: 'PUT', headers: bearer(), body: JSON.stringify({ position: 12 }) })).status).toBe(200);
    const before = await progressAsServed();
    for (const host of foreignHosts) {
      const read = await withHost(host, PROGRESS, { headers: { authorization: `Bearer ${student}`, origin: `http://${host}` } });
      expectRefused(read, host);
      expect(read.body, host).not.toMatch(/position/);
      expectRefused(await withHost(host, PROGRESS, { headers: { authorization: `Bearer ${student}` } }), host);
      expectRefused(await withHost(host, PROGRESS, { method: 'PUT', headers: bearer(), body: JSON.stringify({ position: 300 }) }), host);
      expectRefused(await withHost(host, PROGRESS, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ token: student, position: 301 }) }), host);
    }
    expect(await progressAsServed()).toEqual(before);
    expect(before['position']).toBe(12);
  });

  it('gets no session cookies and no lesson status through the distribution', async () => {
    for (const host of foreignHosts) {
      const session = await withHost(host, '/auth/session', { method: 'POST', headers: bearer(), body: JSON.stringify({ courseId: 'demo' }) });
      expectRefused(session, host);
      expect(session.body, host).not.toMatch(/Signature|Policy/);
      expectRefused(await withHost(host, '/auth/lessons/demo/lesson-1', { headers: { authorization: `Bearer ${student}` } }), host);
    }
  });

  it('is refused by both Lambda@Edge functions themselves, as the local stack deploys them: 400 ERR_BAD_HOST, no cookies, nothing written', async () => {
    expect((await system.fetch(PROGRESS, { method: 'PUT', headers: bearer(), body: JSON.stringify({ position: 20 }) })).status).toBe(200);
    const before = await progressAsServed();
    for (const host of foreignHosts) {
      for (const event of [
        progressEvent({ uri: PROGRESS, host, token: student }),
        progressEvent({ method: 'PUT', uri: PROGRESS, host, token: student, body: { position: 302 } }),
        progressEvent({ method: 'POST', uri: PROGRESS, host, contentType: 'text/plain', body: { token: student, position: 303 } }),
      ]) {
        const answer = await invokeEdge('progress-api', event);
        expect(answer.status, `${event.Records[0]!.cf.request.method} ${host}`).toBe('400');
        expect(JSON.parse(answer.body ?? '{}').error.code, host).toBe('ERR_BAD_HOST');
      }
      const session = await invokeEdge('cookie-issuer', withHostHeader(sessionEvent({ token: student, body: JSON.stringify({ courseId: 'demo' }) }), host));
      expect(session.status, host).toBe('400');
      expect(JSON.parse(session.body ?? '{}').error.code, host).toBe('ERR_BAD_HOST');
      expect(JSON.stringify(session.headers ?? {}), host).not.toMatch(/set-cookie/i);
    }
    expect(await progressAsServed()).toEqual(before);
    // The control: the same events with the distribution's own Host are served.
    expect((await invokeEdge('progress-api', progressEvent({ uri: PROGRESS, host: `localhost:${port}`, token: student }))).status).toBe('200');
    expect((await invokeEdge('cookie-issuer', withHostHeader(sessionEvent({ token: student, body: JSON.stringify({ courseId: 'demo' }) }), `127.0.0.1:${port}`))).status).toBe('200');
  });

  it('leaves the distribution\'s own hosts served: localhost:<port> and 127.0.0.1:<port>, in any case', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LocalHost:${port}`]) {
      const session = await withHost(host, '/auth/session', { method: 'POST', headers: bearer(), body: JSON.stringify({ courseId: 'demo' }) });
      expect(session.status, host).toBe(200);
      expect(JSON.parse(session.body).resource, host).toBe(`https://${host.toLowerCase()}/courses/demo/*`);
      expect((await withHost(host, PROGRESS, { headers: { authorization: `Bearer ${student}` } })).status, host).toBe(200);
    }
  });
});

describe('the local IdP\'s demo sign-in (POST /demo/sign-in)', () => {
  const demoSignIn = (origin?: string, method = 'POST') =>
    fetch(`${idpUrl}/demo/sign-in`, {
      method,
      headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}), ...(method === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}) },
      ...(method === 'POST' ? { body: JSON.stringify({ email: 'student@example.com' }) } : {}),
    });

  it('refuses a foreign Origin with 403 and no CORS grant, and hands it no token', async () => {
    for (const origin of ['https://evil.example', `http://evil.example:${port}`, 'http://localhost:1', 'null']) {
      const res = await demoSignIn(origin);
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('vary'), origin).toMatch(/Origin/);
      expect(await res.text(), origin).not.toMatch(/access_token/);
      const preflight = await demoSignIn(origin, 'OPTIONS');
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('answers the watch page\'s own origin by name, never *', async () => {
    const res = await demoSignIn(system.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(system.url);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });
});

describe('the local IdP\'s Hosted UI (authorization code + PKCE)', () => {
  /** The watch page's sign-in config, as the player reads it. */
  async function pageConfig(): Promise<{ idpUrl: string; clientId: string; scopes: string }> {
    const res = await system.fetch('/player/config.json');
    expect(res.status).toBe(200);
    return res.json() as Promise<{ idpUrl: string; clientId: string; scopes: string }>;
  }

  function authorizeQuery(config: { clientId: string; scopes: string }, redirectUri: string, challenge: string): URLSearchParams {
    return new URLSearchParams({ response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri, state: 'st4te', scope: config.scopes, code_challenge: challenge, code_challenge_method: 'S256' });
  }

  it('refuses a redirect_uri on another loopback port, or another path, with an error page and no code', async () => {
    const config = await pageConfig();
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    // 127.0.0.1 too: Cognito registers plain http for localhost only, so the page there cannot sign in.
    for (const uri of [`http://localhost:${port === 65535 ? 1 : port + 1}/watch/`, 'http://127.0.0.1:9/watch/', `http://127.0.0.1:${port}/watch/`, `${system.url}/elsewhere/`]) {
      const query = authorizeQuery(config, uri, challenge);
      const page = await fetch(`${config.idpUrl}/oauth2/authorize?${query}`, { redirect: 'manual' });
      expect(page.status, uri).toBe(400);
      query.set('email', 'student@example.com');
      const posted = await fetch(`${config.idpUrl}/oauth2/authorize`, { method: 'POST', body: query, redirect: 'manual' });
      expect(posted.status, uri).toBe(400);
      expect(posted.headers.get('location'), uri).toBeNull();
    }
    const logout = await fetch(`${config.idpUrl}/logout?${new URLSearchParams({ client_id: config.clientId, logout_uri: 'http://localhost:1/watch/' })}`, { redirect: 'manual' });
    expect(logout.status).toBe(400);
  });

  it('signs a student in the player\'s way (redirect_uri <origin>/watch/), and the tokens open a session and read progress', async () => {
    const config = await pageConfig();
    const origin = system.url;
    const redirectUri = `${origin}/watch/`;
    const verifier = randomBytes(32).toString('base64url');
    const query = authorizeQuery(config, redirectUri, createHash('sha256').update(verifier).digest('base64url'));
    expect((await fetch(`${config.idpUrl}/oauth2/authorize?${query}`)).status).toBe(200);
    query.set('email', 'student@example.com');
    const signedIn = await fetch(`${config.idpUrl}/oauth2/authorize`, { method: 'POST', body: query, redirect: 'manual' });
    expect(signedIn.status).toBe(302);
    const back = new URL(signedIn.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe(redirectUri);
    const code = back.searchParams.get('code') as string;
    const tokens = await fetch(`${config.idpUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: redirectUri, code_verifier: verifier }),
    });
    expect(tokens.status).toBe(200);
    const { access_token: accessToken } = (await tokens.json()) as { access_token: string };
    const session = await system.session(accessToken, 'demo', { origin });
    expect(session.response.status).toBe(200);
    expect(session.response.headers.getSetCookie()).toHaveLength(3);
    expect((await system.fetch(PROGRESS, { headers: { authorization: `Bearer ${accessToken}`, origin } })).status).toBe(200);
  });

  it('trades a code only with the redirect_uri it was issued for, exactly', async () => {
    const config = await pageConfig();
    const verifier = randomBytes(32).toString('base64url');
    const query = authorizeQuery(config, `${system.url}/watch/`, createHash('sha256').update(verifier).digest('base64url'));
    query.set('email', 'student@example.com');
    const signedIn = await fetch(`${config.idpUrl}/oauth2/authorize`, { method: 'POST', body: query, redirect: 'manual' });
    const code = new URL(signedIn.headers.get('location') as string).searchParams.get('code') as string;
    const tokens = await fetch(`${config.idpUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: `${system.url}/watch`, code_verifier: verifier }),
    });
    expect(tokens.status).toBe(400);
    expect(((await tokens.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
