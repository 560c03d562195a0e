/**
 * Token minting for the local IdP: RS256 access and ID tokens with Cognito's claims, signed
 * with the pool's key. Its own module because `lectern token`, the sign-in endpoints and the
 * tests all mint the same way.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { DemoUser } from './demo-data.ts';
import type { IdpKeys } from './idp-keys.ts';

export interface MintOptions {
  readonly email: string;
  readonly use?: 'access' | 'id';
  /** Seconds; negative makes an already expired token. Default 3600, as Cognito. */
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

export type Mint = (options: MintOptions) => Promise<string>;

export interface MinterOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly keys: IdpKeys;
  readonly findUser: (email: string) => DemoUser | undefined;
}

export function createMinter({ issuer, clientId, keys, findUser }: MinterOptions): Mint {
  const signingKey = importJWK(keys.privateJwk, 'RS256');

  return async function mint({ email, use = 'access', ttlSeconds = 3600, now = new Date() }: MintOptions): Promise<string> {
    const user = findUser(email);
    if (!user) throw new Error(`no demo user ${JSON.stringify(email)}; try student@example.com, other@example.com or outsider@example.com`);
    const iat = Math.floor(now.getTime() / 1000);
    const common = { sub: user.sub, origin_jti: randomUUID(), event_id: randomUUID(), auth_time: iat, jti: randomUUID() };
    const claims =
      use === 'access'
        ? { ...common, token_use: 'access', client_id: clientId, scope: 'openid email aws.cognito.signin.user.admin', username: user.sub }
        : { ...common, token_use: 'id', aud: clientId, email: user.email, email_verified: true, 'cognito:username': user.sub };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
      .setIssuer(issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(await signingKey);
  };
}
