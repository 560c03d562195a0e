import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import { DEMO_USERS, demoUser, type DemoUser } from './demo-data.ts';
import { publicJwks, type IdpKeys } from './idp-keys.ts';
import { createOAuthGrants } from './idp-oauth.ts';
import { html, signInErrorPage, signInPage, unknownUserPage } from './idp-pages.ts';
import { createMinter, type MintOptions } from './idp-tokens.ts';


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

const MAX_FORM_BYTES = 16 * 1024;

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
  const jwks = publicJwks(options.keys);
  const mint = createMinter({ issuer, clientId, keys: options.keys, findUser });
  const oauth = createOAuthGrants({ clientId, redirectAllowed, tokenTtl, clock, mint });

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

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    if (!form) return send(res, 400, { error: 'invalid_request', error_description: 'Send application/x-www-form-urlencoded, at most 16 KB.' });
    const { status, body } = await oauth.tokenGrant(form);
    return send(res, status, body);
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const params = req.method === 'POST' ? await readForm(req) : query;
    if (!params) return html(res, 400, '<p>Bad request.</p>');
    const checked = oauth.authorizeParams(params);
    if (!checked.ok) {
      if (checked.redirect) {
        res.writeHead(302, { location: checked.redirect, 'cache-control': 'no-store' });
        return void res.end();
      }
      return html(res, checked.status, signInErrorPage(checked.message));
    }
    if (req.method === 'GET') return html(res, 200, signInPage(params, listUsers()));
    const email = params.get('email') ?? '';
    const user = findUser(email);
    if (!user) return html(res, 400, unknownUserPage(params, listUsers()));
    const code = oauth.issueCode(checked, user.email);
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
