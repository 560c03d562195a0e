import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIdp, isLoopbackRedirect, loadIdpKeys, type LocalIdp } from './idp.ts';

let server: Server;
let base = '';
let idp: LocalIdp;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-idp-'));
  server = createServer((req, res) => idp.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp = createLocalIdp({ baseUrl: base, keys: await loadIdpKeys(dir), tokenTtlSeconds: 120 });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const verifier = 'v'.repeat(20) + '-._~' + 'x'.repeat(30);
const challenge = createHash('sha256').update(verifier).digest('base64url');
const redirectUri = 'http://localhost:8787/watch/';

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

  it('requires PKCE S256 and a known client and loopback redirect (error page, never a redirect, for those)', async () => {
    const noPkce = await fetch(`${base}/oauth2/authorize?${authorizeQuery({ code_challenge_method: 'plain' })}`, { redirect: 'manual' });
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request');
    expect((await fetch(`${base}/oauth2/authorize?${authorizeQuery({ client_id: 'other' })}`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${base}/oauth2/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' })).status).toBe(400);
    expect((await signIn('nobody@example.com')).status).toBe(400);
    expect(isLoopbackRedirect('http://127.0.0.1:9/x')).toBe(true);
    expect(isLoopbackRedirect('http://localhost.evil.example/x')).toBe(false);
  });

  it('keeps mint() and the discovery document', async () => {
    expect(decodeJwt(await idp.mint({ email: 'other@example.com', use: 'id' }))['token_use']).toBe('id');
    const discovery = (await (await fetch(`${base}/us-east-1_lecternLocal/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery['authorization_endpoint']).toBe(`${base}/oauth2/authorize`);
    expect(discovery['code_challenge_methods_supported']).toEqual(['S256']);
  });
});
