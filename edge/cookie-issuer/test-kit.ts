import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** Keys and tokens for issuer tests, generated per run: nothing here touches the network. */
export const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool';
export const CLIENT_ID = 'testclient00000000000000aa';
export const KID = 'test-key-1';
export const FROZEN_NOW = new Date('2026-11-21T12:00:00Z');
export const FROZEN_EPOCH = Math.floor(FROZEN_NOW.getTime() / 1000);

export async function idpKeyPair(kid = KID): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export function cloudFrontKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export async function accessToken(privateKey: CryptoKey, claims: Record<string, unknown> = {}, options: { kid?: string; now?: number; ttl?: number } = {}): Promise<string> {
  const iat = options.now ?? FROZEN_EPOCH;
  return new SignJWT({ sub: 'user-1', token_use: 'access', client_id: CLIENT_ID, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? KID })
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttl ?? 3600))
    .sign(privateKey);
}
