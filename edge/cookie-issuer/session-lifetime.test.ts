import { beforeAll, describe, expect, it } from 'vitest';
import { sessionEvent } from './fixtures.ts';
import { createHandler, type CookieIssuerHandler } from './handler.ts';
import { createJwksSource } from './jwks-source.ts';
import { createTokenVerifier } from './jwt-verifier.ts';
import { createPolicySigner } from './signer.ts';
import { accessToken, CLIENT_ID, cloudFrontKeyPair, FROZEN_EPOCH, FROZEN_NOW, idpKeyPair, ISSUER } from './test-kit.ts';

const LIFETIME = 50;
let handler: CookieIssuerHandler;
let privateKey: CryptoKey;

beforeAll(async () => {
  const idp = await idpKeyPair();
  privateKey = idp.privateKey;
  const cloudFront = cloudFrontKeyPair();
  const verifier = createTokenVerifier(
    { issuer: ISSUER, clientIds: [CLIENT_ID], tokenUse: ['access', 'id'], clockSkewSeconds: 60, maxTokenBytes: 8192 },
    createJwksSource({ bundled: { keys: [idp.publicJwk] }, uri: 'http://jwks.invalid/', timeoutMs: 100, cooldownMs: 60_000, fetch: () => Promise.reject(new Error('offline')) }),
  );
  handler = createHandler(
    { cookie: { ttlSeconds: LIFETIME, sameSite: 'None' }, scheme: 'https', allowedHosts: [], corsAllowedOrigins: [] },
    {
      verifier,
      enrollments: { isEnrolled: async () => true },
      signer: createPolicySigner({ keyPairId: 'KTESTKEY000001', algorithm: 'SHA1', keys: { privateKeyPem: async () => cloudFront.privateKeyPem } }),
      now: () => FROZEN_NOW,
    },
  );
});

async function sessionFor(token: string) {
  const response = await handler(sessionEvent({ token }));
  const body = JSON.parse(response.body ?? '{}');
  const policy = body.signedQuery ? JSON.parse(Buffer.from(body.signedQuery.Policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString('utf8')) : undefined;
  return { status: response.status, body, policy, setCookies: response.headers?.['set-cookie'] ?? [] };
}

describe('a media session never outlives what opened it', () => {
  it('lasts the configured lifetime when the token lives longer, and says so in seconds from now', async () => {
    const { status, body, policy } = await sessionFor(await accessToken(privateKey, {}, { now: FROZEN_EPOCH - 60, ttl: 3600 }));
    expect(status).toBe('200');
    expect(body.expiresAt).toBe(FROZEN_EPOCH + LIFETIME);
    expect(body.expiresIn).toBe(LIFETIME);
    expect(policy.Statement[0].Condition.DateLessThan['AWS:EpochTime']).toBe(FROZEN_EPOCH + LIFETIME);
  });

  it('ends when the token ends: a token with 5 s left gets a 5 s policy', async () => {
    const { status, body, policy } = await sessionFor(await accessToken(privateKey, {}, { now: FROZEN_EPOCH - 3595, ttl: 3600 }));
    expect(status).toBe('200');
    expect(body.expiresIn).toBe(5);
    expect(policy.Statement[0].Condition.DateLessThan['AWS:EpochTime']).toBe(FROZEN_EPOCH + 5);
  });

  it('refuses a token that expired within the clock skew instead of signing a policy for it', async () => {
    const { status, body, setCookies } = await sessionFor(await accessToken(privateKey, {}, { now: FROZEN_EPOCH - 3620, ttl: 3600 }));
    expect(status).toBe('401');
    expect(body.error.code).toBe('ERR_TOKEN_EXPIRED');
    expect(setCookies).toEqual([]);
  });
});
