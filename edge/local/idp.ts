import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { demoUser, type DemoUser } from './demo-data.ts';

/**
 * A local identity provider shaped like a Cognito user pool: an issuer URL that ends in the
 * pool id, `/.well-known/jwks.json`, `/.well-known/openid-configuration`, and RS256 access and
 * ID tokens with Cognito's claims. It lets the real cookie issuer run unchanged on a laptop.
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
  const file = join(dataDir, 'keys', 'idp-signing.jwk.json');
  if (existsSync(file)) {
    const privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    return { kid: privateJwk.kid as string, privateJwk, publicJwk };
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  Object.assign(privateJwk, { kid, alg: 'RS256', use: 'sig' });
  await mkdir(join(dataDir, 'keys'), { recursive: true });
  await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  return loadIdpKeys(dataDir);
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

export function createLocalIdp(options: { baseUrl: string; keys: IdpKeys; clientId?: string; users?: (email: string) => DemoUser | undefined }): LocalIdp {
  const issuer = `${options.baseUrl}/${LOCAL_USER_POOL_ID}`;
  const clientId = options.clientId ?? LOCAL_CLIENT_ID;
  const findUser = options.users ?? demoUser;
  const jwks: JSONWebKeySet = { keys: [options.keys.publicJwk] };
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

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      // Public keys and demo sign-in only: any page on this machine may call them.
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type',
    });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://idp').pathname;
    const pool = `/${LOCAL_USER_POOL_ID}`;
    if (req.method === 'OPTIONS') return send(res, 204, {});
    if (req.method === 'GET' && path === `${pool}/.well-known/jwks.json`) return send(res, 200, jwks);
    if (req.method === 'GET' && path === `${pool}/.well-known/openid-configuration`) {
      return send(res, 200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        token_endpoint: `${options.baseUrl}/oauth2/token`,
        response_types_supported: ['code', 'token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email'],
      });
    }
    if (req.method === 'POST' && path === '/demo/sign-in') {
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
          return send(res, 400, { error: 'invalid_request', error_description: 'Send JSON {"email": "..."}.' });
        }
        if (typeof email !== 'string' || !findUser(email)) {
          return send(res, 400, { error: 'invalid_grant', error_description: 'Unknown demo user.' });
        }
        void Promise.all([mint({ email, use: 'access' }), mint({ email, use: 'id' })]).then(([access_token, id_token]) =>
          send(res, 200, { access_token, id_token, token_type: 'Bearer', expires_in: 3600 }),
        );
      });
      return;
    }
    send(res, 404, { error: 'not_found' });
  }

  return { issuer, clientId, jwks, mint, handle };
}
