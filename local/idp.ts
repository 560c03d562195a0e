import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { DEMO_USERS, demoUser, type DemoUser } from './demo-data.ts';
import { dataPaths } from './data-paths.ts';

/**
 * A local identity provider shaped like a Cognito user pool: an issuer URL that ends in the
 * pool id, `/.well-known/jwks.json`, `/.well-known/openid-configuration`, and RS256 access and
 * ID tokens with Cognito's claims. It lets the real cookie issuer run unchanged on a laptop.
 *
 * It also plays the Cognito Hosted UI for the player's sign-in: `GET /oauth2/authorize` (a
 * page listing the demo users instead of a password form), then `/oauth2/token` with the
 * authorization_code grant and PKCE (S256 only, as Cognito) or the refresh_token grant, and
 * `/logout`. Same paths and parameters as the Hosted UI, so the player's code is the same.
 */
export const LOCAL_USER_POOL_ID = 'us-east-1_lecternLocal';
export const LOCAL_CLIENT_ID = 'lecternlocalclient0000000a';

export interface IdpKeys {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** The signing key lives in `<dataDir>/keys/idp-signing.jwk.json`, made on first use. */
export async function loadIdpKeys(dataDir: string): Promise<IdpKeys> {
  const { idpSigningKey: file, keys } = dataPaths(dataDir);
  if (existsSync(file)) {
    const privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    return { kid: privateJwk.kid as string, privateJwk, publicJwk };
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  Object.assign(privateJwk, { kid, alg: 'RS256', use: 'sig' });
  await mkdir(keys, { recursive: true });
  await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  return loadIdpKeys(dataDir);
}

/** The key set the pool publishes: what the stack config bakes, before the IdP answers. */
export function publicJwks(keys: IdpKeys): JSONWebKeySet {
  return { keys: [keys.publicJwk] };
}

export interface MintOptions {
  readonly email: string;
  readonly use?: 'access' | 'id';
  /** Seconds; negative makes an already expired token. Default 3600, as Cognito. */
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

export interface LocalIdp {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwks: JSONWebKeySet;
  mint(options: MintOptions): Promise<string>;
  /** HTTP handler for the IdP's endpoints. */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export interface LocalIdpOptions {
  readonly baseUrl: string;
  /**
   * The `iss` of its tokens. Default `<baseUrl>/<pool id>`; the local stack passes the Cognito
   * issuer URL its stack config names, so the deployed issuer's pinning is not loosened.
   */
  readonly issuer?: string;
  readonly keys: IdpKeys;
  readonly clientId?: string;
  readonly users?: (email: string) => DemoUser | undefined;
  /** Users listed on the sign-in page. Default: the demo users. */
  readonly listUsers?: () => readonly DemoUser[];
  /** Lifetime of tokens from /oauth2/token, seconds. Default 3600 (Cognito's default). */
  readonly tokenTtlSeconds?: number;
  /**
   * The app client's registered callback URLs, also its sign-out URLs. Cognito refuses an
   * authorization request whose redirect_uri is not one of the client's CallbackURLs
   * (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html);
   * so does this IdP, for redirect_uri and logout_uri alike. The local stack passes
   * watchCallbackUrls of its stack config, so the list is the one a deployed client must hold.
   * Default none: an IdP made only to mint tokens (`lectern token`) signs nobody in.
   */
  readonly callbackUrls?: readonly string[];
  readonly now?: () => Date;
}

/** Authorization codes live 5 minutes (Cognito's figure) and are single use. */
const CODE_TTL_MS = 5 * 60 * 1000;
const MAX_FORM_BYTES = 16 * 1024;

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly email: string;
  readonly scope: string;
  readonly expiresAt: number;
}

export function createLocalIdp(options: LocalIdpOptions): LocalIdp {
  const issuer = options.issuer ?? `${options.baseUrl}/${LOCAL_USER_POOL_ID}`;
  const clientId = options.clientId ?? LOCAL_CLIENT_ID;
  const findUser = options.users ?? demoUser;
  const listUsers = options.listUsers ?? (() => DEMO_USERS);
  const callbackUrls = [...(options.callbackUrls ?? [])];
  const redirectAllowed = (uri: string) => callbackUrls.includes(uri);
  // The pages that may read a /demo/sign-in answer: the watch pages' own origins. Tokens handed
  // to any origin would let any site the student visits sign in as them through loopback.
  const pageOrigins = new Set(callbackUrls.map((uri) => new URL(uri).origin));
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const clock = options.now ?? (() => new Date());
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, { email: string; clientId: string }>();
  const jwks = publicJwks(options.keys);
  const signingKey = importJWK(options.keys.privateJwk, 'RS256');

  async function mint({ email, use = 'access', ttlSeconds = 3600, now = new Date() }: MintOptions): Promise<string> {
    const user = findUser(email);
    if (!user) throw new Error(`no demo user ${JSON.stringify(email)}; try student@example.com, other@example.com or outsider@example.com`);
    const iat = Math.floor(now.getTime() / 1000);
    const common = { sub: user.sub, origin_jti: randomUUID(), event_id: randomUUID(), auth_time: iat, jti: randomUUID() };
    const claims =
      use === 'access'
        ? { ...common, token_use: 'access', client_id: clientId, scope: 'openid email aws.cognito.signin.user.admin', username: user.sub }
        : { ...common, token_use: 'id', aud: clientId, email: user.email, email_verified: true, 'cognito:username': user.sub };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.keys.kid })
      .setIssuer(issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(await signingKey);
  }

  // Keys, discovery and the token endpoint (which wants a code and its PKCE verifier, or a
  // refresh token, that only the page that signed in holds) may be read by any page.
  const PUBLIC_CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };

  function send(res: ServerResponse, status: number, body: unknown, cors: Record<string, string> = PUBLIC_CORS): void {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...cors,
    });
    res.end(JSON.stringify(body));
  }

  /** CORS for /demo/sign-in: the watch pages' origins only; a request with no Origin is not a page's. */
  function demoCors(req: IncomingMessage): { allowed: boolean; headers: Record<string, string> } {
    const origin = req.headers.origin;
    if (origin === undefined) return { allowed: true, headers: { vary: 'Origin' } };
    if (!pageOrigins.has(origin)) return { allowed: false, headers: { vary: 'Origin' } };
    return { allowed: true, headers: { 'access-control-allow-origin': origin, 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST', vary: 'Origin' } };
  }

  function html(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *",
    });
    res.end(body);
  }

  function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
    return new Promise((resolve) => {
      let raw = '';
      let tooLarge = false;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        raw += chunk;
        if (raw.length > MAX_FORM_BYTES) tooLarge = true;
      });
      req.on('end', () => resolve(tooLarge ? null : new URLSearchParams(raw)));
      req.on('error', () => resolve(null));
    });
  }

  /** Validates an authorize request; an error page (never a redirect) when the client or redirect_uri is wrong. */
  function authorizeParams(params: URLSearchParams): { ok: true; redirectUri: string; state: string | null; challenge: string; scope: string } | { ok: false; status: number; message: string; redirect?: string } {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== clientId) return { ok: false, status: 400, message: 'Unknown client_id.' };
    if (!redirectUri || !redirectAllowed(redirectUri)) return { ok: false, status: 400, message: 'redirect_uri is not registered for this client.' };
    const state = params.get('state');
    const back = (error: string, description: string) => {
      const u = new URL(redirectUri);
      u.searchParams.set('error', error);
      u.searchParams.set('error_description', description);
      if (state) u.searchParams.set('state', state);
      return u.href;
    };
    if (params.get('response_type') !== 'code') return { ok: false, status: 302, message: 'unsupported_response_type', redirect: back('unsupported_response_type', 'Only response_type=code is supported.') };
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return { ok: false, status: 302, message: 'invalid_request', redirect: back('invalid_request', 'PKCE is required: code_challenge (S256, base64url) and code_challenge_method=S256.') };
    }
    return { ok: true, redirectUri, state, challenge, scope: params.get('scope') ?? 'openid email' };
  }

  function signInPage(params: URLSearchParams): string {
    const hidden = [...params.entries()]
      .filter(([name]) => name !== 'email')
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    const users = listUsers()
      .map(
        (u) =>
          `<li><button type="submit" name="email" value="${escapeHtml(u.email)}">${escapeHtml(u.email)}</button> <span>${u.enrolledIn.length ? `enrolled in ${escapeHtml(u.enrolledIn.join(', '))}` : 'enrolled in nothing'}</span></li>`,
      )
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · local IdP</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:10vh auto;padding:0 1rem;color:#1d2330}ul{list-style:none;padding:0}li{margin:.5rem 0}button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #2456d6;background:#2456d6;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}span{color:#5a6478;font-size:.9em}</style></head>
<body><main><h1>Sign in</h1><p>Local identity provider (stands in for the Cognito Hosted UI). Choose a demo user; no password.</p>
<form method="post" action="/oauth2/authorize">${hidden}<ul>${users}</ul></form></main></body></html>`;
  }

  function newTokens(email: string, client: string, scope: string): Promise<Record<string, unknown>> {
    const refresh = randomBytes(32).toString('base64url');
    refreshTokens.set(refresh, { email, clientId: client });
    return Promise.all([mint({ email, use: 'access', ttlSeconds: tokenTtl, now: clock() }), mint({ email, use: 'id', ttlSeconds: tokenTtl, now: clock() })]).then(([access_token, id_token]) => ({
      access_token,
      id_token,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: tokenTtl,
      scope,
    }));
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const fail = (status: number, error: string, description: string) => send(res, status, { error, error_description: description });
    if (!form) return fail(400, 'invalid_request', 'Send application/x-www-form-urlencoded, at most 16 KB.');
    const grant = form.get('grant_type');
    if (form.get('client_id') !== clientId) return fail(400, 'invalid_client', 'Unknown client_id.');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // single use, even when the rest is wrong
      if (!pending || pending.expiresAt < clock().getTime()) return fail(400, 'invalid_grant', 'The authorization code is unknown, used or expired.');
      // The redirect_uri the code was issued for, exactly, as Cognito's token endpoint wants
      // (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
      if (pending.clientId !== clientId || pending.redirectUri !== form.get('redirect_uri')) return fail(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
      const verifier = form.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return fail(400, 'invalid_grant', 'code_verifier is missing or malformed.');
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) return fail(400, 'invalid_grant', 'code_verifier does not match the code_challenge.');
      return send(res, 200, await newTokens(pending.email, clientId, pending.scope));
    }
    if (grant === 'refresh_token') {
      const entry = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!entry || entry.clientId !== clientId) return fail(400, 'invalid_grant', 'The refresh token is unknown or revoked.');
      const [access_token, id_token] = await Promise.all([mint({ email: entry.email, use: 'access', ttlSeconds: tokenTtl, now: clock() }), mint({ email: entry.email, use: 'id', ttlSeconds: tokenTtl, now: clock() })]);
      // Cognito keeps the refresh token and returns new access and ID tokens.
      return send(res, 200, { access_token, id_token, token_type: 'Bearer', expires_in: tokenTtl });
    }
    return fail(400, 'unsupported_grant_type', 'Use authorization_code (with PKCE) or refresh_token.');
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const params = req.method === 'POST' ? await readForm(req) : query;
    if (!params) return html(res, 400, '<p>Bad request.</p>');
    const checked = authorizeParams(params);
    if (!checked.ok) {
      if (checked.redirect) {
        res.writeHead(302, { location: checked.redirect, 'cache-control': 'no-store' });
        return void res.end();
      }
      return html(res, checked.status, `<!doctype html><title>Sign-in error</title><p>${escapeHtml(checked.message)}</p>`);
    }
    if (req.method === 'GET') return html(res, 200, signInPage(params));
    const email = params.get('email') ?? '';
    const user = findUser(email);
    if (!user) return html(res, 400, signInPage(params).replace('<h1>Sign in</h1>', '<h1>Sign in</h1><p role="alert">Unknown user.</p>'));
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { clientId, redirectUri: checked.redirectUri, challenge: checked.challenge, email: user.email, scope: checked.scope, expiresAt: clock().getTime() + CODE_TTL_MS });
    const back = new URL(checked.redirectUri);
    back.searchParams.set('code', code);
    if (checked.state) back.searchParams.set('state', checked.state);
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' });
    res.end();
  }

  function demoSignIn(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
      if (raw.length > 4096) req.destroy();
    });
    req.on('end', () => {
      let email: unknown;
      try {
        email = (JSON.parse(raw) as { email?: unknown }).email;
      } catch {
        return send(res, 400, { error: 'invalid_request', error_description: 'Send JSON {"email": "..."}.' }, cors);
      }
      if (typeof email !== 'string' || !findUser(email)) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'Unknown demo user.' }, cors);
      }
      void Promise.all([mint({ email, use: 'access' }), mint({ email, use: 'id' })]).then(([access_token, id_token]) =>
        send(res, 200, { access_token, id_token, token_type: 'Bearer', expires_in: 3600 }, cors),
      );
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://idp');
    const path = url.pathname;
    const pool = `/${LOCAL_USER_POOL_ID}`;
    if (path === '/demo/sign-in' && (req.method === 'OPTIONS' || req.method === 'POST')) {
      const cors = demoCors(req);
      // Refused before the body is read: a foreign page's simple POST needs no preflight.
      if (!cors.allowed) return send(res, 403, { error: 'access_denied', error_description: 'This origin may not use the demo sign-in.' }, cors.headers);
      if (req.method === 'OPTIONS') return send(res, 204, {}, cors.headers);
      return demoSignIn(req, res, cors.headers);
    }
    if (req.method === 'OPTIONS') return send(res, 204, {});
    if ((req.method === 'GET' || req.method === 'POST') && path === '/oauth2/authorize') {
      void authorize(req, res, url.searchParams).catch(() => html(res, 500, '<p>Internal error.</p>'));
      return;
    }
    if (req.method === 'POST' && path === '/oauth2/token') {
      void token(req, res).catch(() => send(res, 500, { error: 'server_error' }));
      return;
    }
    if (req.method === 'GET' && path === '/logout') {
      const logoutUri = url.searchParams.get('logout_uri') ?? '';
      if (url.searchParams.get('client_id') !== clientId || !redirectAllowed(logoutUri)) return html(res, 400, '<p>Unknown client_id or logout_uri.</p>');
      res.writeHead(302, { location: logoutUri, 'cache-control': 'no-store' });
      return void res.end();
    }
    if (req.method === 'GET' && path === `${pool}/.well-known/jwks.json`) return send(res, 200, jwks);
    if (req.method === 'GET' && path === `${pool}/.well-known/openid-configuration`) {
      return send(res, 200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        authorization_endpoint: `${options.baseUrl}/oauth2/authorize`,
        token_endpoint: `${options.baseUrl}/oauth2/token`,
        response_types_supported: ['code', 'token'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email'],
      });
    }
    send(res, 404, { error: 'not_found' });
  }

  return { issuer, clientId, jwks, mint, handle };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
