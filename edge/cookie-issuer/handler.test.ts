import { beforeAll, describe, expect, it } from 'vitest';
import { verifySignedRequest } from '../../emulator/cloudfront/signed-request.ts';
import { parseIssuerConfig } from './config.ts';
import { createIssuerDeps } from './create-issuer.ts';
import { sessionEvent } from './fixtures.ts';
import { createHandler } from './handler.ts';
import { createJwksSource, JWKS_REFRESH_FLOOR_MS } from './jwks-source.ts';
import { createTokenVerifier } from './jwt-verifier.ts';
import { createPolicySigner } from './signer.ts';
import { accessToken, CLIENT_ID, cloudFrontKeyPair, FROZEN_EPOCH, FROZEN_NOW, idpKeyPair, ISSUER } from './test-kit.ts';
import type { CookieIssuerHandler } from './handler.ts';
import type { IssuerDeps } from './core.ts';
import { LecternError } from '../errors.ts';
import { createHandler as createProgressHandler } from '../progress-api/handler.ts';
import { progressEvent } from '../progress-api/fixtures.ts';

const HOST = 'd111111abcdef8.cloudfront.net';
const config = { cookie: { ttlSeconds: 3600, sameSite: 'None' as const }, scheme: 'https' as const, allowedHosts: [], corsAllowedOrigins: ['https://school.example'] };
let handler: CookieIssuerHandler;
let deps: IssuerDeps;
let token: string;
let cloudFront: ReturnType<typeof cloudFrontKeyPair>;
let enrollmentDown = false;
const enrolled = new Set(['user-1/demo']);

beforeAll(async () => {
  const idp = await idpKeyPair();
  cloudFront = cloudFrontKeyPair();
  token = await accessToken(idp.privateKey);
  const verifier = createTokenVerifier(
    { issuer: ISSUER, clientIds: [CLIENT_ID], tokenUse: ['access', 'id'], clockSkewSeconds: 60, maxTokenBytes: 8192 },
    createJwksSource({ bundled: { keys: [idp.publicJwk] }, uri: 'http://jwks.invalid/', timeoutMs: 100, cooldownMs: 60_000, fetch: () => Promise.reject(new Error('offline')) }),
  );
  deps = {
    verifier,
    // The table itself is exercised against dynalite in tests/conformance; here, the boundary.
    enrollments: {
      isEnrolled: async (user, course) => {
        if (enrollmentDown) throw new LecternError('ERR_ENROLLMENT_UNAVAILABLE');
        return enrolled.has(`${user}/${course}`);
      },
    },
    signer: createPolicySigner({ keyPairId: 'KTESTKEY000001', algorithm: 'SHA1', keys: { privateKeyPem: async () => cloudFront.privateKeyPem } }),
    now: () => FROZEN_NOW,
  };
  handler = createHandler(config, deps);
});

describe('the Lambda@Edge handler, given CloudFront viewer-request events', () => {
  it('answers an enrolled student with a generated 200 whose set-cookie list CloudFront accepts', async () => {
    const response = await handler(sessionEvent({ token }));
    expect(response.status).toBe('200');
    expect(response.statusDescription).toBe('OK');
    const setCookie = response.headers?.['set-cookie'] ?? [];
    expect(setCookie.map((h) => h.key)).toEqual(['Set-Cookie', 'Set-Cookie', 'Set-Cookie']);
    expect(response.headers?.['cache-control']).toEqual([{ key: 'Cache-Control', value: 'no-store' }]);
    const body = JSON.parse(response.body ?? '{}');
    expect(body.expiresAt).toBe(FROZEN_EPOCH + 3600);
    expect(body.resource).toBe(`https://${HOST}/courses/demo/*`);
  });

  it('issues cookies CloudFront validates for the course, and only until they expire', async () => {
    const response = await handler(sessionEvent({ token }));
    const cookies = Object.fromEntries((response.headers?.['set-cookie'] ?? []).map((h) => h.value.split(';')[0]!.split(/=(.*)/s, 2) as [string, string]));
    const trustedKeys = [{ id: 'KTESTKEY000001', publicKeyPem: cloudFront.publicKeyPem }];
    const check = (url: string, now: Date) => verifySignedRequest({ url, cookies, viewerIp: '203.0.113.178', now, trustedKeys });
    expect(check(`https://${HOST}/courses/demo/lesson-1/master.m3u8`, FROZEN_NOW).ok).toBe(true);
    expect(check(`https://${HOST}/courses/demo2/lesson-1/master.m3u8`, FROZEN_NOW).ok).toBe(false);
    expect(check(`https://${HOST}/courses/demo/lesson-1/master.m3u8`, new Date((FROZEN_EPOCH + 3601) * 1000)).ok).toBe(false);
  });

  it('signs with SHA-256 when configured, adding the hash-algorithm cookie CloudFront needs', async () => {
    const sha256 = createHandler(config, {
      ...deps,
      signer: createPolicySigner({ keyPairId: 'KTESTKEY000001', algorithm: 'SHA256', keys: { privateKeyPem: async () => cloudFront.privateKeyPem } }),
    });
    const response = await sha256(sessionEvent({ token }));
    const cookies = Object.fromEntries((response.headers?.['set-cookie'] ?? []).map((h) => h.value.split(';')[0]!.split(/=(.*)/s, 2) as [string, string]));
    expect(cookies['CloudFront-Hash-Algorithm']).toBe('SHA256');
    const verdict = verifySignedRequest({ url: `https://${HOST}/courses/demo/x.m3u8`, cookies, viewerIp: '203.0.113.178', now: FROZEN_NOW, trustedKeys: [{ id: 'KTESTKEY000001', publicKeyPem: cloudFront.publicKeyPem }] });
    expect(verdict).toMatchObject({ ok: true, hashAlgorithm: 'SHA256' });
    expect(JSON.parse(response.body ?? '{}').query).toMatch(/&Hash-Algorithm=SHA256$/);
  });

  it('reads a text-encoded body as well as a base64 one', async () => {
    const event = sessionEvent({ token });
    event.Records[0]!.cf.request.body = { action: 'read-only', encoding: 'text', data: '{"courseId":"demo"}', inputTruncated: false };
    expect((await handler(event)).status).toBe('200');
  });

  it('refuses a truncated body (over the include-body limit) with 400', async () => {
    expect((await handler(sessionEvent({ token, truncated: true }))).status).toBe('400');
  });

  it('maps each refusal to its status, with WWW-Authenticate on 401 and Retry-After on 503', async () => {
    const missing = await handler(sessionEvent({ token: null }));
    expect(missing.status).toBe('401');
    expect(missing.headers?.['www-authenticate']?.[0]?.value).toBe('Bearer realm="lectern"');
    const forged = await handler(sessionEvent({ token: await accessToken((await idpKeyPair()).privateKey) }));
    expect(forged.status).toBe("401");
    expect(forged.headers?.['www-authenticate']?.[0]?.value).toMatch(/error="invalid_token"/);
    expect((await handler(sessionEvent({ token, body: '{"courseId":"other"}' }))).status).toBe('409');
    expect((await handler(sessionEvent({ token, method: 'PATCH' }))).status).toBe('405');
    enrollmentDown = true;
    try {
      const down = await handler(sessionEvent({ token }));
      expect(down.status).toBe('503');
      expect(down.headers?.['retry-after']?.[0]?.value).toBe('5');
      expect(down.headers?.['set-cookie']).toBeUndefined();
    } finally {
      enrollmentDown = false;
    }
  });

  it('answers an allowlisted preflight with 204 and CORS headers', async () => {
    const response = await handler(sessionEvent({ method: 'OPTIONS', token: null, body: null, origin: 'https://school.example' }));
    expect(response.status).toBe('204');
    expect(response.headers?.['access-control-allow-origin']?.[0]?.value).toBe('https://school.example');
  });

  it('clears the cookies on DELETE with ?courseId=', async () => {
    const response = await handler(sessionEvent({ method: 'DELETE', token: null, body: null, query: 'courseId=demo' }));
    expect(response.status).toBe('200');
    for (const h of response.headers?.['set-cookie'] ?? []) expect(h.value).toMatch(/Max-Age=0/);
  });

  it('refuses a request with two Authorization headers as the progress API does (401 ERR_TOKEN_MALFORMED), verifying and signing nothing', async () => {
    const other = await accessToken((await idpKeyPair()).privateKey, { sub: 'someone-else' });
    let verified = 0;
    let signed = 0;
    const counting = createHandler(config, {
      ...deps,
      verifier: { verify: (t, now) => (verified++, deps.verifier.verify(t, now)) },
      signer: { sign: (policy) => (signed++, deps.signer.sign(policy)) },
    });
    const event = sessionEvent({ token });
    event.Records[0]!.cf.request.headers['authorization'] = [
      { key: 'Authorization', value: `Bearer ${token}` },
      { key: 'Authorization', value: `Bearer ${other}` },
    ];
    const response = await counting(event);
    expect(response.status).toBe('401');
    expect(response.headers?.['set-cookie']).toBeUndefined();
    expect(response.headers?.['www-authenticate']?.[0]?.value).toMatch(/error="invalid_token"/);
    expect(verified).toBe(0);
    expect(signed).toBe(0);

    const never = () => {
      throw new Error('a refused request reaches no dependency');
    };
    const progress = createProgressHandler(
      { scheme: 'https', allowedHosts: [], corsAllowedOrigins: [], budgetMs: 3500, maxTokenBytes: 8192, progress: { writeAttempts: 4 } },
      { verifier: { verify: never }, enrollments: { isEnrolled: never }, lessons: { get: never }, progress: { get: never, save: never }, now: () => FROZEN_NOW },
    );
    const progressResponse = await progress(progressEvent({ method: 'GET', token: [token, other] }));
    expect(response.status).toBe(progressResponse.status);
    expect(JSON.parse(response.body ?? '{}')).toEqual(JSON.parse(progressResponse.body ?? '{}'));
  });

  it('fails closed when a token names a key the IdP cannot be asked about: 503 with Retry-After, no cookies', async () => {
    const rotated = await idpKeyPair('rotated-key');
    const response = await handler(sessionEvent({ token: await accessToken(rotated.privateKey, {}, { kid: 'rotated-key' }) }));
    expect(response.status).toBe('503');
    expect(response.headers?.['retry-after']?.[0]?.value).toBe('5');
    expect(response.headers?.['set-cookie']).toBeUndefined();
    expect(JSON.parse(response.body ?? '{}').error.code).toBe('ERR_JWKS_UNAVAILABLE');
  });

  it('wired as index.ts wires it, accepts a key the IdP started publishing after a junk kid asked, once the JWKS refresh floor has passed', async () => {
    const bundledKey = await idpKeyPair();
    const rotated = await idpKeyPair('rotated');
    const published = [bundledKey.publicJwk];
    let fetches = 0;
    let ms = FROZEN_NOW.getTime();
    const issuerConfig = parseIssuerConfig({
      issuer: ISSUER,
      clientIds: [CLIENT_ID],
      jwks: { keys: [bundledKey.publicJwk] },
      enrollments: { region: 'us-east-1', tableName: 'lectern-enrollments' },
      signing: { keyPairId: 'KTESTKEY000001', key: { source: 'pem-file', path: '/never-read.pem' } },
    });
    const wired = createHandler(issuerConfig, createIssuerDeps(issuerConfig, {
      now: () => new Date(ms),
      fetch: async () => (fetches++, new Response(JSON.stringify({ keys: published }))),
      enrollments: deps.enrollments,
      signer: deps.signer,
    }));
    const signed = (kid: string) => accessToken(rotated.privateKey, {}, { kid, now: Math.floor(ms / 1000) });
    expect(JSON.parse((await wired(sessionEvent({ token: await signed('junk') }))).body ?? '{}').error.code).toBe('ERR_TOKEN_KID');
    ms += 1000;
    published.push(rotated.publicJwk);
    ms += JWKS_REFRESH_FLOOR_MS;
    expect((await wired(sessionEvent({ token: await signed('rotated') }))).status).toBe('200');
    expect(fetches).toBe(2);
  });
});
