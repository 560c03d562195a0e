import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIdp, type LocalIdp } from './idp.ts';
import { loadIdpKeys } from './idp-keys.ts';

let server: Server;
let base = '';
let idp: LocalIdp;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-idp-'));
  server = createServer((req, res) => idp.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp = createLocalIdp({ baseUrl: base, keys: await loadIdpKeys(dir), tokenTtlSeconds: 120, callbackUrls: [redirectUri, otherCallback] });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const verifier = 'v'.repeat(20) + '-._~' + 'x'.repeat(30);
const challenge = createHash('sha256').update(verifier).digest('base64url');
/** The app client's registered callback URLs: the local watch page, and an embedder's. */
const redirectUri = 'http://localhost:8787/watch/';
const otherCallback = 'https://school.example/watch/';

function authorizeQuery(overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ response_type: 'code', client_id: idp.clientId, redirect_uri: redirectUri, state: 'st4te', scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256', ...overrides });
}

async function signIn(email = 'student@example.com', overrides: Record<string, string> = {}): Promise<Response> {
  const form = authorizeQuery(overrides);
  form.set('email', email);
  return fetch(`${base}/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
}

async function token(form: Record<string, string>): Promise<Response> {
  return fetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

async function code(): Promise<string> {
  const res = await signIn();
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') as string);
  expect(location.origin + location.pathname).toBe(redirectUri);
  expect(location.searchParams.get('state')).toBe('st4te');
  return location.searchParams.get('code') as string;
}

describe('local IdP hosted-UI endpoints', () => {
  it('shows a sign-in page listing the demo users, carrying the request along', async () => {
    const res = await fetch(`${base}/oauth2/authorize?${authorizeQuery()}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('student@example.com');
    expect(html).toContain('outsider@example.com');
    expect(html).toContain(`value="${challenge}"`);
  });

  it('trades a code and its PKCE verifier for Cognito-shaped tokens, once', async () => {
    const c = await code();
    const res = await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c, redirect_uri: redirectUri, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as Record<string, string | number>;
    expect(body['token_type']).toBe('Bearer');
    expect(body['expires_in']).toBe(120);
    const access = decodeJwt(body['access_token'] as string);
    expect(access['token_use']).toBe('access');
    expect(access['client_id']).toBe(idp.clientId);
    expect(decodeJwt(body['id_token'] as string)['email']).toBe('student@example.com');
    const again = await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c, redirect_uri: redirectUri, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses a wrong verifier, a wrong redirect_uri and burns the code either way', async () => {
    const c1 = await code();
    const wrong = await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c1, redirect_uri: redirectUri, code_verifier: 'w'.repeat(50) });
    expect(((await wrong.json()) as { error_description: string }).error_description).toMatch(/code_verifier does not match/);
    expect((await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c1, redirect_uri: redirectUri, code_verifier: verifier })).status).toBe(400);
    const c2 = await code();
    const elsewhere = await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c2, redirect_uri: 'http://localhost:1/other', code_verifier: verifier });
    expect(((await elsewhere.json()) as { error_description: string }).error_description).toMatch(/redirect_uri/);
  });

  it('renews tokens with the refresh token', async () => {
    const c = await code();
    const first = (await (await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c, redirect_uri: redirectUri, code_verifier: verifier })).json()) as Record<string, string>;
    const res = await token({ grant_type: 'refresh_token', client_id: idp.clientId, refresh_token: first['refresh_token'] as string });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(decodeJwt(body['access_token'] as string)['sub']).toBe(decodeJwt(first['access_token'] as string)['sub']);
    expect((await token({ grant_type: 'refresh_token', client_id: idp.clientId, refresh_token: 'nope' })).status).toBe(400);
    expect((await token({ grant_type: 'password', client_id: idp.clientId })).status).toBe(400);
  });

  it('requires PKCE S256 and a known client and a registered redirect (error page, never a redirect, for those)', async () => {
    const noPkce = await fetch(`${base}/oauth2/authorize?${authorizeQuery({ code_challenge_method: 'plain' })}`, { redirect: 'manual' });
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request');
    expect((await fetch(`${base}/oauth2/authorize?${authorizeQuery({ client_id: 'other' })}`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${base}/oauth2/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' })).status).toBe(400);
    expect((await signIn('nobody@example.com')).status).toBe(400);
  });

  it('accepts only a redirect_uri registered exactly, as Cognito: another loopback port, path or spelling gets an error page and no code', async () => {
    for (const uri of ['http://localhost:9999/watch/', 'http://127.0.0.1:1/watch/', 'http://localhost:8787/other/', 'http://localhost:8787/watch', 'http://localhost:8787/watch/?next=1', 'http://LOCALHOST:8787/watch/', 'https://localhost:8787/watch/']) {
      const page = await fetch(`${base}/oauth2/authorize?${authorizeQuery({ redirect_uri: uri })}`, { redirect: 'manual' });
      expect(page.status, uri).toBe(400);
      expect(await page.text(), uri).toMatch(/redirect_uri is not registered/);
      const posted = await signIn('student@example.com', { redirect_uri: uri });
      expect(posted.status, uri).toBe(400);
      expect(posted.headers.get('location'), uri).toBeNull();
    }
    expect((await signIn('student@example.com', { redirect_uri: otherCallback })).status).toBe(302);
  });

  it('trades a code only with the redirect_uri it was issued for, even another registered one', async () => {
    const c = await code();
    const res = await token({ grant_type: 'authorization_code', client_id: idp.clientId, code: c, redirect_uri: otherCallback, code_verifier: verifier });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('sends a signed-out browser back only to a registered URL', async () => {
    const logout = (uri: string) => fetch(`${base}/logout?${new URLSearchParams({ client_id: idp.clientId, logout_uri: uri })}`, { redirect: 'manual' });
    const back = await logout(redirectUri);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(redirectUri);
    expect((await logout('http://localhost:9999/watch/')).status).toBe(400);
  });

  it('signs nobody in when it is given no callback URLs (an IdP made only to mint tokens)', async () => {
    const minter = createLocalIdp({ baseUrl: base, keys: await loadIdpKeys(dir) });
    const other = createServer((req, res) => minter.handle(req, res));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const at = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      expect((await fetch(`${at}/oauth2/authorize?${authorizeQuery()}`, { redirect: 'manual' })).status).toBe(400);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('keeps mint() and the discovery document', async () => {
    expect(decodeJwt(await idp.mint({ email: 'other@example.com', use: 'id' }))['token_use']).toBe('id');
    const discovery = (await (await fetch(`${base}/us-east-1_lecternLocal/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery['authorization_endpoint']).toBe(`${base}/oauth2/authorize`);
    expect(discovery['code_challenge_methods_supported']).toEqual(['S256']);
  });
});

describe('the demo sign-in (POST /demo/sign-in)', () => {
  const demo = (headers: Record<string, string> = {}, method = 'POST') =>
    fetch(`${base}/demo/sign-in`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body: JSON.stringify({ email: 'student@example.com' }) } : {}) });

  it('lets the watch page\'s own origin read its tokens, naming that origin (never *), varying on Origin', async () => {
    for (const origin of ['http://localhost:8787', 'https://school.example']) {
      const res = await demo({ origin });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('vary')).toMatch(/Origin/);
      expect(((await res.json()) as { token_type: string }).token_type).toBe('Bearer');
    }
  });

  it('refuses a foreign origin with 403 before minting anything, with no CORS grant to read even that', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:9999', 'http://127.0.0.1:8787', 'http://evil.example:8787', 'null']) {
      const res = await demo({ origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('vary'), origin).toMatch(/Origin/);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body['error']).toBe('access_denied');
      expect(body).not.toHaveProperty('access_token');
    }
    const preflight = await demo({ origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }, 'OPTIONS');
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const own = await demo({ origin: 'http://localhost:8787', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(own.status).toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
  });

  it('still answers a client that is not a page (no Origin: curl, tests), with no CORS grant', async () => {
    const res = await demo();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await res.json()) as { access_token: string }).access_token).toBeTruthy();
  });
});
