import { createHmac, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import type { JWK } from 'jose';

/** Hand-rolled JWTs for attack tests: any header, any payload, any (or no) signature. */
const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

export function encodeUnsigned(header: object, payload: object): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
}

export type Signing =
  | { kind: 'none' }
  | { kind: 'rsa'; key: KeyObject; hash: 'sha256' | 'sha384' | 'sha512'; pss?: boolean }
  | { kind: 'hmac'; secret: string | Buffer; hash: 'sha256' }
  | { kind: 'ec'; key: KeyObject };

export function forge(header: object, payload: object, signing: Signing): string {
  const input = encodeUnsigned(header, payload);
  switch (signing.kind) {
    case 'none':
      return `${input}.`;
    case 'hmac':
      return `${input}.${b64url(createHmac(signing.hash, signing.secret).update(input).digest())}`;
    case 'rsa':
      return `${input}.${b64url(
        nodeSign(signing.hash, Buffer.from(input), signing.pss ? { key: signing.key, padding: 6, saltLength: 32 } : signing.key),
      )}`;
    case 'ec':
      return `${input}.${b64url(nodeSign('sha256', Buffer.from(input), { key: signing.key, dsaEncoding: 'ieee-p1363' }))}`;
  }
}

export function privateKeyFromJwk(jwk: JWK): KeyObject {
  return createPrivateKey({ key: jwk as any, format: 'jwk' });
}

export function attackerRsaKey(): { privateKey: KeyObject; publicJwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as JWK };
}

export function attackerEcKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** Claims of a valid Cognito access token for `sub`, issued now. */
export function accessClaims(issuer: string, clientId: string, sub: string, now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { sub, iss: issuer, client_id: clientId, token_use: 'access', scope: 'openid', auth_time: now, iat: now, exp: now + 3600, jti: 'j', username: sub };
}
