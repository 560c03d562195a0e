import { describe, expect, it } from 'vitest';
import { LecternError } from '../errors.ts';
import { createJwksSource } from './jwks-source.ts';
import { idpKeyPair } from './test-kit.ts';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof LecternError ? e.code : String(e)));

describe('the JWKS source', () => {
  it('verifies with the bundled keys without calling the IdP', async () => {
    const key = await idpKeyPair('bundled');
    let calls = 0;
    const source = createJwksSource({ bundled: { keys: [key.publicJwk] }, uri: 'x', timeoutMs: 100, cooldownMs: 1000, fetch: async () => (calls++, new Response('{}')) });
    await expect(source.getKey('bundled')).resolves.toBeDefined();
    expect(calls).toBe(0);
  });

  it('refreshes once on an unknown kid and finds a rotated key', async () => {
    const rotated = await idpKeyPair('rotated');
    let calls = 0;
    const source = createJwksSource({
      bundled: { keys: [] }, uri: 'x', timeoutMs: 100, cooldownMs: 1000,
      fetch: async () => (calls++, new Response(JSON.stringify({ keys: [rotated.publicJwk] }))),
    });
    await expect(source.getKey('rotated')).resolves.toBeDefined();
    expect(calls).toBe(1);
  });

  it('shares one refresh between concurrent requests and then waits out the cooldown', async () => {
    const t = clock();
    let calls = 0;
    const source = createJwksSource({
      bundled: { keys: [] }, uri: 'x', timeoutMs: 100, cooldownMs: 1000, now: t.now,
      fetch: async () => (calls++, new Response(JSON.stringify({ keys: [(await idpKeyPair('other')).publicJwk] }))),
    });
    const codes = await Promise.all([1, 2, 3].map(() => codeOf(source.getKey('unknown'))));
    expect(codes).toEqual(['ERR_TOKEN_KID', 'ERR_TOKEN_KID', 'ERR_TOKEN_KID']);
    expect(calls).toBe(1);
    expect(await codeOf(source.getKey('unknown-2'))).toBe('ERR_TOKEN_KID');
    expect(calls).toBe(1);
    t.advance(1001);
    await codeOf(source.getKey('unknown-3'));
    expect(calls).toBe(2);
  });

  it('gives up on a hung IdP after its timeout and reports unavailable, also during the cooldown', async () => {
    const t = clock();
    const source = createJwksSource({
      bundled: { keys: [] }, uri: 'x', timeoutMs: 50, cooldownMs: 1000, now: t.now,
      fetch: (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const started = Date.now();
    expect(await codeOf(source.getKey('k'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await codeOf(source.getKey('k'))).toBe('ERR_JWKS_UNAVAILABLE');
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

  it('ignores private and symmetric keys in the bundled set', async () => {
    const source = createJwksSource({ bundled: { keys: [{ kty: 'oct', kid: 'sym', k: 'c2VjcmV0' }] }, uri: 'x', timeoutMs: 100, cooldownMs: 60_000, fetch: async () => new Response('{"keys":[]}') });
    expect(await codeOf(source.getKey('sym'))).not.toBe('ok');
  });
});
