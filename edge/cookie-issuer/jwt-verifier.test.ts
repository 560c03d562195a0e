import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { LecternError } from '../errors.ts';
import { createJwksSource } from './jwks-source.ts';
import { createTokenVerifier, MAX_TOKEN_VALIDITY_SECONDS, type TokenVerifier } from './jwt-verifier.ts';
import { CLIENT_ID, FROZEN_EPOCH, FROZEN_NOW, idpKeyPair, ISSUER, KID } from './test-kit.ts';

const SKEW = 60;
const TEN_YEARS = 10 * 365 * 86_400;
let signingKey: CryptoKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  const idp = await idpKeyPair();
  signingKey = idp.privateKey;
  verifier = createTokenVerifier(
    { issuer: ISSUER, clientIds: [CLIENT_ID], tokenUse: ['access', 'id'], clockSkewSeconds: SKEW, maxTokenBytes: 8192 },
    createJwksSource({ bundled: { keys: [idp.publicJwk] }, uri: 'http://jwks.invalid/', timeoutMs: 100, cooldownMs: 60_000, fetch: () => Promise.reject(new Error('offline')) }),
  );
});

/** A genuine access token, signed by the pool's key, with exactly these iat and exp (epoch seconds). */
const token = (iat: number, exp: number) =>
  new SignJWT({ sub: 'user-1', token_use: 'access', client_id: CLIENT_ID, iat, exp }).setProtectedHeader({ alg: 'RS256', kid: KID }).setIssuer(ISSUER).sign(signingKey);

/** Verified at the frozen time: 'ok' or the refusal's code. */
const outcome = async (iat: number, exp: number) =>
  verifier.verify(await token(iat, exp), FROZEN_NOW).then(() => 'ok', (e: unknown) => (e instanceof LecternError ? e.code : String(e)));

describe('the token verifier, on iat and exp', () => {
  it('accepts an iat up to the clock skew ahead of our clock, as from an IdP whose clock runs a little fast', async () => {
    expect(await outcome(FROZEN_EPOCH + SKEW, FROZEN_EPOCH + SKEW + 3600)).toBe('ok');
  });

  it('refuses an iat further ahead than the clock skew as not valid yet', async () => {
    expect(await outcome(FROZEN_EPOCH + SKEW + 1, FROZEN_EPOCH + SKEW + 1 + 3600)).toBe('ERR_TOKEN_NOT_YET_VALID');
    expect(await outcome(FROZEN_EPOCH + TEN_YEARS, FROZEN_EPOCH + TEN_YEARS + 3600)).toBe('ERR_TOKEN_NOT_YET_VALID');
  });

  it('accepts the longest lifetime Cognito grants, one day from iat to exp', async () => {
    expect(MAX_TOKEN_VALIDITY_SECONDS).toBe(86_400);
    expect(await outcome(FROZEN_EPOCH, FROZEN_EPOCH + 86_400)).toBe('ok');
  });

  it('refuses a lifetime one second over a day', async () => {
    expect(await outcome(FROZEN_EPOCH, FROZEN_EPOCH + 86_401)).toBe('ERR_TOKEN_LIFETIME');
  });

  it('refuses an exp ten years ahead', async () => {
    expect(await outcome(FROZEN_EPOCH, FROZEN_EPOCH + TEN_YEARS)).toBe('ERR_TOKEN_LIFETIME');
  });

  it('refuses an exp of 1e308', async () => {
    expect(await outcome(FROZEN_EPOCH, 1e308)).toBe('ERR_TOKEN_LIFETIME');
  });

  it('refuses an exp or an iat that is not a whole number of seconds', async () => {
    expect(await outcome(FROZEN_EPOCH, FROZEN_EPOCH + 3600.5)).toBe('ERR_TOKEN_LIFETIME');
    expect(await outcome(FROZEN_EPOCH + 0.25, FROZEN_EPOCH + 3600)).toBe('ERR_TOKEN_LIFETIME');
  });

  it('still refuses an exp past the clock skew as expired, and accepts one within it', async () => {
    expect(await outcome(FROZEN_EPOCH - 3600, FROZEN_EPOCH - SKEW - 1)).toBe('ERR_TOKEN_EXPIRED');
    expect(await outcome(FROZEN_EPOCH - 3600, FROZEN_EPOCH - SKEW + 1)).toBe('ok');
  });
});
