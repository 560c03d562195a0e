import { exportJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { LecternError } from '../errors.ts';
import { createJwksSource, JWKS_REFRESH_FLOOR_MS } from './jwks-source.ts';
import { createTokenVerifier } from './jwt-verifier.ts';
import { accessToken, CLIENT_ID, FROZEN_NOW, idpKeyPair, ISSUER } from './test-kit.ts';

/** Epoch milliseconds, moved only by the test; starts at the kit's frozen time so tokens are valid. */
function clock(start = FROZEN_NOW.getTime()) {
  let t = start;
  return { now: () => t, date: () => new Date(t), advance: (ms: number) => (t += ms) };
}

/** The IdP's JWKS endpoint: serves what it publishes now, counts every fetch, answers a tick later. */
function fakeIdp(keys: JWK[] = []) {
  const published = [...keys];
  const idp = {
    fetches: 0,
    publish: (key: JWK) => published.push(key),
    fetch: async (): Promise<Response> => {
      idp.fetches++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return new Response(JSON.stringify({ keys: published }));
    },
  };
  return idp;
}

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof LecternError ? e.code : String(e)));
/** The RSA modulus a key verifies with: which key the source handed out. */
const modulusOf = async (key: CryptoKey) => (await exportJWK(key)).n;
const RULES = { issuer: ISSUER, clientIds: [CLIENT_ID], tokenUse: ['access', 'id'] as ('access' | 'id')[], clockSkewSeconds: 60, maxTokenBytes: 8192 };
/** The production defaults: jwksCooldownMs 300 s, and the refresh floor. */
const COOLDOWN_MS = 300_000;

/** A token naming another kid: never looked past the kid, so its signature does not matter. */
function withKid(token: string, kid: string): string {
  const [, payload, signature] = token.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'RS256', kid })).toString('base64url')}.${payload}.${signature}`;
}

describe('the JWKS source', () => {
  it('hands out the bundled key for its kid without calling the IdP', async () => {
    const key = await idpKeyPair('bundled');
    const idp = fakeIdp();
    const source = createJwksSource({ bundled: { keys: [key.publicJwk] }, uri: 'x', timeoutMs: 100, cooldownMs: COOLDOWN_MS, fetch: idp.fetch });
    expect(await modulusOf(await source.getKey('bundled'))).toBe(key.publicJwk.n);
    expect(idp.fetches).toBe(0);
  });

  it('refreshes once on an unknown kid and hands out the rotated key', async () => {
    const rotated = await idpKeyPair('rotated');
    const idp = fakeIdp([rotated.publicJwk]);
    const source = createJwksSource({ bundled: { keys: [] }, uri: 'x', timeoutMs: 100, cooldownMs: COOLDOWN_MS, fetch: idp.fetch });
    expect(await modulusOf(await source.getKey('rotated'))).toBe(rotated.publicJwk.n);
    expect(idp.fetches).toBe(1);
  });

  it('accepts a genuine token from a key the IdP started publishing after a junk kid asked, once the refresh floor (not the cooldown) has passed', async () => {
    const k1 = await idpKeyPair('k1');
    const k2 = await idpKeyPair('k2');
    const t = clock();
    const idp = fakeIdp([k1.publicJwk]);
    const verifier = createTokenVerifier(RULES, createJwksSource({ bundled: { keys: [k1.publicJwk] }, uri: 'x', timeoutMs: 100, cooldownMs: COOLDOWN_MS, now: t.now, fetch: idp.fetch }));
    const genuine = await accessToken(k2.privateKey, {}, { kid: 'k2' });

    expect(await codeOf(verifier.verify(withKid(genuine, 'junk'), t.date()))).toBe('ERR_TOKEN_KID');
    expect(idp.fetches).toBe(1);
    t.advance(1000);
    idp.publish(k2.publicJwk);
    t.advance(9000);
    expect(await codeOf(verifier.verify(genuine, t.date()))).toBe('ERR_TOKEN_KID');
    expect(idp.fetches).toBe(1);
    t.advance(JWKS_REFRESH_FLOOR_MS + 1000 - 10_000);
    expect((await verifier.verify(genuine, t.date())).sub).toBe('user-1');
    expect(idp.fetches).toBe(2);
  });

  it('shares one fetch among 1,000 concurrent tokens with distinct junk kids, and fetches at most once per floor after that', async () => {
    const k1 = await idpKeyPair('k1');
    const t = clock();
    const idp = fakeIdp([k1.publicJwk]);
    const verifier = createTokenVerifier(RULES, createJwksSource({ bundled: { keys: [k1.publicJwk] }, uri: 'x', timeoutMs: 100, cooldownMs: COOLDOWN_MS, now: t.now, fetch: idp.fetch }));
    const genuine = await accessToken(k1.privateKey, {}, { kid: 'k1' });
    const storm = (wave: string) => Promise.all(Array.from({ length: 1000 }, (_, i) => codeOf(verifier.verify(withKid(genuine, `${wave}-${i}`), t.date()))));

    expect(new Set(await storm('first'))).toEqual(new Set(['ERR_TOKEN_KID']));
    expect(idp.fetches).toBe(1);
    t.advance(JWKS_REFRESH_FLOOR_MS - 1);
    expect(new Set(await storm('second'))).toEqual(new Set(['ERR_TOKEN_KID']));
    expect(idp.fetches).toBe(1);
    t.advance(1);
    expect(new Set(await storm('third'))).toEqual(new Set(['ERR_TOKEN_KID']));
    expect(idp.fetches).toBe(2);
    expect((await verifier.verify(genuine, t.date())).sub).toBe('user-1');
  });

  it('answers a repeated junk kid from its negative cache without a fetch, until the cooldown ends', async () => {
    const k1 = await idpKeyPair('k1');
    const late = await idpKeyPair('junk');
    const t = clock();
    const idp = fakeIdp([k1.publicJwk]);
    const source = createJwksSource({ bundled: { keys: [k1.publicJwk] }, uri: 'x', timeoutMs: 100, cooldownMs: COOLDOWN_MS, now: t.now, fetch: idp.fetch });

    expect(await codeOf(source.getKey('junk'))).toBe('ERR_TOKEN_KID');
    expect(idp.fetches).toBe(1);
    t.advance(JWKS_REFRESH_FLOOR_MS + 1000);
    expect(await codeOf(source.getKey('junk'))).toBe('ERR_TOKEN_KID');
    expect(idp.fetches).toBe(1);
    // The floor has passed: a kid not seen before does fetch, so the one above was the cache.
    expect(await codeOf(source.getKey('other-junk'))).toBe('ERR_TOKEN_KID');
    expect(idp.fetches).toBe(2);
    t.advance(COOLDOWN_MS);
    idp.publish(late.publicJwk);
    expect(await modulusOf(await source.getKey('junk'))).toBe(late.publicJwk.n);
    expect(idp.fetches).toBe(3);
  });

  it('gives up on a hung IdP after its timeout and answers unavailable (503), without fetching again until the floor has passed', async () => {
    const t = clock();
    let fetches = 0;
    const source = createJwksSource({
      bundled: { keys: [] }, uri: 'x', timeoutMs: 50, cooldownMs: COOLDOWN_MS, now: t.now,
      fetch: (_url, init) => (fetches++, new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))),
    });
    const started = Date.now();
    expect(await codeOf(source.getKey('k'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fetches).toBe(1);
    t.advance(JWKS_REFRESH_FLOOR_MS - 1);
    expect(await codeOf(source.getKey('k'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(await codeOf(source.getKey('another'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(fetches).toBe(1);
    t.advance(1);
    expect(await codeOf(source.getKey('k'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(fetches).toBe(2);
  });

  it('refuses JWKS answers that are errors, huge, or hold no usable RS256 key', async () => {
    for (const response of [
      () => new Response('nope', { status: 500 }),
      () => new Response('x'.repeat(70_000)),
      () => new Response(JSON.stringify({ keys: [{ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }] })),
      () => new Response(JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k', n: 'AQAB', e: 'AQAB', alg: 'HS256' }] })),
      () => new Response('not json'),
    ]) {
      const source = createJwksSource({ bundled: { keys: [] }, uri: 'x', timeoutMs: 100, cooldownMs: 0, fetch: async () => response() });
      expect(await codeOf(source.getKey('k'))).toBe('ERR_JWKS_UNAVAILABLE');
    }
  });

  it('ignores symmetric and private keys in the bundled set: their kids are unknown', async () => {
    const other = await idpKeyPair('other');
    const priv = { ...(await exportJWK((await idpKeyPair()).privateKey)), kid: 'private', alg: 'RS256' };
    const source = createJwksSource({
      bundled: { keys: [{ kty: 'oct', kid: 'sym', k: 'c2VjcmV0' }, priv] }, uri: 'x', timeoutMs: 100, cooldownMs: 60_000,
      fetch: fakeIdp([other.publicJwk]).fetch,
    });
    expect(await codeOf(source.getKey('sym'))).toBe('ERR_TOKEN_KID');
    expect(await codeOf(source.getKey('private'))).toBe('ERR_TOKEN_KID');
  });
});
