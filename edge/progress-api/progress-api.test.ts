/**
 * The progress API as CloudFront runs it: the Lambda@Edge handler, given viewer-request events
 * with the body included, over the real tables (dynalite). Time is frozen and moved by each
 * test; tokens are signed with a key generated here.
 */
import type { CloudFrontResultResponse } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LecternError } from '../errors.ts';
import { JWKS_REFRESH_FLOOR_MS } from '../cookie-issuer/jwks-source.ts';
import { accessToken, idpKeyPair } from '../cookie-issuer/test-kit.ts';
import { parseProgressApiConfig, type ProgressApiConfig } from './config.ts';
import { createProgressApiDeps } from './create-api.ts';
import { progressEvent } from './fixtures.ts';
import { createHandler, type ProgressApiHandler } from './handler.ts';
import { rawTestConfig, startTestTables, testClock, type TestTables } from './test-kit.ts';

const SCHOOL = 'https://school.example';
/** The lesson's real duration, as the lessons table has it (seconds). */
const LESSON_SECONDS = 600;
let tables: TestTables;
let config: ProgressApiConfig;
let signingKey: CryptoKey;
let clock: ReturnType<typeof testClock>;
let handler: ProgressApiHandler;
let lesson = 0;
/** A fresh published lesson per test, so records never carry over. */
let path = '';
let lessonId = '';

beforeAll(async () => {
  const idp = await idpKeyPair();
  signingKey = idp.privateKey;
  tables = await startTestTables();
  await tables.enroll('user-1', 'demo');
  await tables.enroll('user-2', 'demo');
  await tables.encoding('demo', 'still-encoding');
  config = parseProgressApiConfig(rawTestConfig(tables, idp.publicJwk));
});
afterAll(async () => tables?.close());

beforeEach(async () => {
  clock = testClock();
  handler = createHandler(config, createProgressApiDeps(config, { now: clock.now }));
  lessonId = `lesson-${++lesson}`;
  path = `/api/progress/demo/${lessonId}`;
  await tables.publish('demo', lessonId, LESSON_SECONDS);
});

/** A token issued now (server time), valid an hour unless told otherwise. */
const token = (claims: Record<string, unknown> = {}, options: { ttl?: number; issuedAgo?: number } = {}) =>
  accessToken(signingKey, claims, { now: clock.epochSeconds - (options.issuedAgo ?? 0), ttl: options.ttl ?? 3600 });

const json = (response: CloudFrontResultResponse): any => JSON.parse(response.body ?? 'null');

async function put(body: unknown, options: { token?: string; uri?: string } = {}): Promise<CloudFrontResultResponse> {
  return handler(progressEvent({ method: 'PUT', uri: options.uri ?? path, token: options.token ?? (await token()), body: typeof body === 'string' ? body : (body as object) }));
}

async function get(options: { token?: string; uri?: string } = {}): Promise<CloudFrontResultResponse> {
  return handler(progressEvent({ method: 'GET', uri: options.uri ?? path, token: options.token ?? (await token()) }));
}

/** Reports while playing at `rate`, one every `every` wall seconds, from `from` to `to` (lesson seconds). */
async function play(rate: number, from: number, to: number, every = 15): Promise<any[]> {
  const answers: any[] = [];
  for (let position = from; position <= to; position += rate * every) {
    answers.push(json(await put({ position, duration: LESSON_SECONDS })));
    clock.advance(every);
  }
  return answers;
}

describe('the progress API (Lambda@Edge handler over DynamoDB)', () => {
  it('answers a lesson never watched with position 0 and the lesson\'s real duration', async () => {
    const response = await get();
    expect(response.status).toBe('200');
    expect(json(response)).toEqual({ courseId: 'demo', lessonId, position: 0, duration: LESSON_SECONDS, watched: 0, completed: false, completedAt: null, updatedAt: null });
  });

  it('does not count a jump to the end as watching: the position moves, nothing is credited', async () => {
    await put({ position: 0 });
    clock.advance(1);
    const jumped = json(await put({ position: 590, duration: LESSON_SECONDS }));
    expect(jumped).toMatchObject({ position: 590, watched: 0, completed: false, completedNow: false });
    clock.advance(4);
    expect(json(await put({ position: 600 }))).toMatchObject({ watched: 10, completed: false });
    expect(json(await get())).toMatchObject({ position: 600, completed: false, completedAt: null });
  });

  it('completes a lesson played through at 1x at the report that reaches 90 % of its real duration', async () => {
    const answers = await play(1, 0, LESSON_SECONDS);
    const first = answers.findIndex((a) => a.completed);
    expect(answers[first]).toMatchObject({ position: 540, watched: 540, completed: true, completedNow: true, completedAt: new Date(Date.parse('2026-11-21T12:00:00Z') + 540_000).toISOString() });
    expect(answers[first - 1]).toMatchObject({ position: 525, completed: false });
    expect(answers.filter((a) => a.completedNow)).toHaveLength(1);
  });

  it('completes a lesson played through at 2x at 90 % too, whatever duration the client claims', async () => {
    const answers: any[] = [];
    for (let position = 0; position <= LESSON_SECONDS; position += 30) {
      answers.push(json(await put({ position, duration: 60 })));
      clock.advance(15);
    }
    expect(answers.find((a) => a.completedNow)).toMatchObject({ position: 540, watched: 540, duration: LESSON_SECONDS });
  });

  it('ignores the client\'s completed: true (the issue\'s PUT marks nothing complete)', async () => {
    const response = await put({ position: 0, duration: 600, completed: true });
    expect(response.status).toBe('200');
    expect(json(response)).toMatchObject({ completed: false, completedNow: false, completedAt: null });
    clock.advance(15);
    expect(json(await put({ position: 15, completed: true }))).toMatchObject({ watched: 15, completed: false });
  });

  it('keeps completion sticky and sets completedAt once when reports race (four devices at once)', async () => {
    await play(1, 0, 525);
    // All four read the record before any of them writes: every write but one meets a newer version.
    const real = createProgressApiDeps(config, { now: clock.now });
    const waiting: (() => void)[] = [];
    let reads = 0;
    let conflicts = 0;
    const racingHandler = createHandler(config, {
      ...real,
      progress: {
        async get(...args) {
          const record = await real.progress.get(...args);
          reads++;
          if (reads < 4) await new Promise<void>((resolve) => waiting.push(resolve));
          else if (reads === 4) for (const release of waiting.splice(0)) release();
          return record;
        },
        async save(...args) {
          const written = await real.progress.save(...args);
          if (!written) conflicts++;
          return written;
        },
      },
    });
    const tokens = await Promise.all([1, 2, 3, 4].map(() => token()));
    const racing = await Promise.all(tokens.map((t) => racingHandler(progressEvent({ method: 'PUT', uri: path, token: t, body: { position: 540 } }))));
    const answers = racing.map(json);
    expect(racing.map((r) => r.status)).toEqual(['200', '200', '200', '200']);
    expect(conflicts).toBeGreaterThanOrEqual(3);
    expect(answers.filter((a) => a.completedNow)).toHaveLength(1);
    const completedAt = answers.find((a) => a.completedNow).completedAt;
    for (const a of answers) expect(a).toMatchObject({ completed: true, completedAt });
    // Watching it again from the start (and a beacon) changes neither.
    clock.advance(3600);
    expect(json(await put({ position: 0 }, { token: await token() }))).toMatchObject({ position: 0, completed: true, completedAt, completedNow: false });
    expect(json(await get())).toMatchObject({ completed: true, completedAt });
    await expect(tables.progressItem('user-1', 'demo', lessonId)).resolves.toMatchObject({ completedAt: { S: completedAt } });
  });

  it('answers 404 for progress on a lesson that does not exist or is not published, and writes nothing', async () => {
    for (const missing of ['no-such-lesson', 'still-encoding']) {
      const uri = `/api/progress/demo/${missing}`;
      const refused = await put({ position: 1 }, { uri });
      expect(refused.status).toBe('404');
      expect(json(refused).error.code).toBe('ERR_LESSON_NOT_FOUND');
      expect((await get({ uri })).status).toBe('404');
      expect(await tables.progressItem('user-1', 'demo', missing)).toBeUndefined();
    }
  });

  it('refuses 1e-300 and every other impossible report with a 400 that says why, writing nothing', async () => {
    const bad: unknown[] = [
      { position: 1, duration: 1e-300 },
      { position: 1e-300 },
      '{"position": 1e999}',
      { position: -1 },
      { position: 1e9 },
      { position: LESSON_SECONDS + 30 },
      { position: '12' },
      { position: null },
      { position: [1] },
      { duration: 600 },
      { position: 1, completed: 'yes' },
      { position: 1, duration: 0 },
      '[1, 2]',
      'not json',
      '',
    ];
    for (const body of bad) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe('400');
      expect(json(response).error).toMatchObject({ code: 'ERR_BAD_PROGRESS', detail: expect.any(String) });
    }
    expect(json(await put({ position: 1, duration: 1e-300 })).error.detail).toMatch(/duration/);
    const oversized = await put({ position: 1, padding: 'x'.repeat(20_000) });
    expect(oversized.status).toBe('413');
    expect(await tables.progressItem('user-1', 'demo', lessonId)).toBeUndefined();
  });

  it('refuses a student not enrolled in the course (409 ERR_NOT_ENROLLED, never the 403 error page) and writes nothing', async () => {
    const outsider = await token({ sub: 'outsider' });
    const refused = await put({ position: 5 }, { token: outsider });
    expect(refused.status).toBe('409');
    expect(json(refused).error.code).toBe('ERR_NOT_ENROLLED');
    expect((await get({ token: outsider })).status).toBe('409');
    expect(await tables.progressItem('outsider', 'demo', lessonId)).toBeUndefined();
  });

  it('refuses an expired token, a missing one, and one sent twice, with 401 and nothing written', async () => {
    const expired = await put({ position: 5 }, { token: await token({}, { issuedAgo: 7200, ttl: 3600 }) });
    expect(expired.status).toBe('401');
    expect(json(expired).error.code).toBe('ERR_TOKEN_EXPIRED');
    expect(expired.headers?.['www-authenticate']?.[0]?.value).toMatch(/error="invalid_token"/);
    const missing = await handler(progressEvent({ method: 'PUT', uri: path, body: { position: 5 } }));
    expect(missing.status).toBe('401');
    expect(json(missing).error.code).toBe('ERR_TOKEN_MISSING');
    const twice = await handler(progressEvent({ method: 'PUT', uri: path, token: [await token(), await token({ sub: 'user-2' })], body: { position: 5 } }));
    expect(twice.status).toBe('401');
    expect(await tables.progressItem('user-1', 'demo', lessonId)).toBeUndefined();
    expect(await tables.progressItem('user-2', 'demo', lessonId)).toBeUndefined();
  });

  it('refuses a token valid for ten years, or issued further ahead than the clock skew, with 401 and nothing written', async () => {
    const tenYears = await put({ position: 5 }, { token: await token({}, { ttl: 10 * 365 * 86_400 }) });
    expect(tenYears.status).toBe('401');
    expect(json(tenYears).error.code).toBe('ERR_TOKEN_LIFETIME');
    const ahead = await put({ position: 5 }, { token: await token({}, { issuedAgo: -(config.clockSkewSeconds + 60) }) });
    expect(ahead.status).toBe('401');
    expect(json(ahead).error.code).toBe('ERR_TOKEN_NOT_YET_VALID');
    expect(await tables.progressItem('user-1', 'demo', lessonId)).toBeUndefined();
  });

  it('accepts a key the IdP started publishing after a junk kid asked, once the JWKS refresh floor has passed', async () => {
    const rotated = await idpKeyPair('rotated');
    const published = [...config.jwks.keys];
    let fetches = 0;
    const rotating = createHandler(config, createProgressApiDeps(config, {
      now: clock.now,
      fetch: async () => (fetches++, new Response(JSON.stringify({ keys: published }))),
    }));
    const signed = (kid: string) => accessToken(rotated.privateKey, {}, { kid, now: clock.epochSeconds });
    expect(json(await rotating(progressEvent({ uri: path, token: await signed('junk') }))).error.code).toBe('ERR_TOKEN_KID');
    clock.advance(1);
    published.push(rotated.publicJwk);
    clock.advance(JWKS_REFRESH_FLOOR_MS / 1000);
    expect((await rotating(progressEvent({ uri: path, token: await signed('rotated') }))).status).toBe('200');
    expect(fetches).toBe(2);
  });

  it('takes a page-hide beacon (POST, token in a text/plain body) and answers 204', async () => {
    await put({ position: 0 });
    clock.advance(10);
    const beacon = await handler(progressEvent({ method: 'POST', uri: path, body: { token: await token(), position: 10, duration: 600 }, contentType: 'text/plain;charset=UTF-8' }));
    expect(beacon.status).toBe('204');
    expect(beacon.body).toBeUndefined();
    expect(json(await get())).toMatchObject({ position: 10, watched: 10 });
  });

  it('answers CORS for allowlisted origins only, and refuses a foreign page before reading or writing anything', async () => {
    const preflight = await handler(progressEvent({ method: 'OPTIONS', uri: path, origin: SCHOOL }));
    expect(preflight.status).toBe('204');
    expect(preflight.headers?.['access-control-allow-origin']).toEqual([{ key: 'access-control-allow-origin', value: SCHOOL }]);
    expect(preflight.headers?.['access-control-allow-methods']?.[0]?.value).toBe('GET, PUT, POST, OPTIONS');
    expect(preflight.headers?.['access-control-allow-headers']?.[0]?.value).toMatch(/Authorization/);
    const embedded = await handler(progressEvent({ method: 'PUT', uri: path, origin: SCHOOL, token: await token(), body: { position: 0 } }));
    expect(embedded.status).toBe('200');
    expect(embedded.headers?.['access-control-allow-credentials']?.[0]?.value).toBe('true');

    const foreign = await handler(progressEvent({ method: 'POST', uri: `/api/progress/demo/${lessonId}-x`, origin: 'https://evil.example', body: { token: await token(), position: 3 } }));
    expect(foreign.status).toBe('400');
    expect(json(foreign).error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
    expect(foreign.headers?.['access-control-allow-origin']).toBeUndefined();
    expect((await handler(progressEvent({ method: 'OPTIONS', uri: path, origin: 'https://evil.example' }))).status).toBe('400');
  });

  it('answers 404 for other paths, 405 (with Allow) for other methods, 400 for a Host it does not serve', async () => {
    expect((await get({ uri: '/api/progress/demo' })).status).toBe('404');
    expect((await get({ uri: '/api/progress/Demo/lesson-1' })).status).toBe('404');
    expect((await get({ uri: '/api/other' })).status).toBe('404');
    const deleted = await handler(progressEvent({ method: 'DELETE', uri: path, token: await token() }));
    expect(deleted.status).toBe('405');
    expect(deleted.headers?.['allow']?.[0]?.value).toBe('GET, PUT, POST, OPTIONS');
    const pinned = createHandler({ ...config, allowedHosts: ['video.example.com'] }, createProgressApiDeps(config, { now: clock.now }));
    expect((await pinned(progressEvent({ uri: path, token: await token() }))).status).toBe('400');
  });

  it('answers only the Hosts it serves, as the cookie issuer does: a rebinding page\'s Host reads nothing and writes nothing', async () => {
    const local = { ...config, allowedHosts: ['localhost:8787', '127.0.0.1:8787'] };
    const pinned = createHandler(local, createProgressApiDeps(local, { now: clock.now }));
    await put({ position: 7 });
    const before = json(await get());
    for (const host of ['evil.example:8787', 'localhost:8788', '127.0.0.1', 'localhost']) {
      const read = await pinned(progressEvent({ uri: path, host, token: await token() }));
      expect(read.status, host).toBe('400');
      expect(json(read).error.code, host).toBe('ERR_BAD_HOST');
      expect(read.body, host).not.toMatch(/position/);
      clock.advance(30);
      expect((await pinned(progressEvent({ method: 'PUT', uri: path, host, token: await token(), body: { position: 40 } }))).status, host).toBe('400');
      expect((await pinned(progressEvent({ method: 'POST', uri: path, host, contentType: 'text/plain', body: { token: await token(), position: 41 } }))).status, host).toBe('400');
    }
    expect(json(await get())).toEqual(before);
    const served = await pinned(progressEvent({ uri: path, host: 'LocalHost:8787', token: await token() }));
    expect(served.status).toBe('200');
    expect(json(served).position).toBe(7);
  });

  it('fails closed when a table cannot be reached: 503 with Retry-After, nothing written', async () => {
    const down = createHandler(config, createProgressApiDeps(config, {
      now: clock.now,
      progress: {
        get: async () => {
          throw new LecternError('ERR_PROGRESS_UNAVAILABLE');
        },
        save: async () => {
          throw new Error('never reached');
        },
      },
    }));
    const response = await down(progressEvent({ method: 'PUT', uri: path, token: await token(), body: { position: 5 } }));
    expect(response.status).toBe('503');
    expect(response.headers?.['retry-after']?.[0]?.value).toBe('5');
    expect(json(response).error.code).toBe('ERR_PROGRESS_UNAVAILABLE');
  });
});

describe('the handler', () => {
  /** What CloudFront checks in a generated viewer-request response (else: 502, "Lambda validation error"). */
  const DISALLOWED = /^(connection|expect|keep-alive|proxy-authenticate|proxy-authorization|proxy-connection|trailer|upgrade|x-accel-.*|x-amz-cf-.*|x-amzn-.*|x-cache|x-edge-.*|x-forwarded-proto|x-real-ip|content-length|transfer-encoding|via|host)$/;
  /** Quotas on Lambda@Edge: a generated viewer-request response, headers and body, is at most 40 KB. */
  const GENERATED_LIMIT = 40 * 1024;

  function assertAcceptable(response: CloudFrontResultResponse): void {
    expect(response.status).toMatch(/^[1-5]\d\d$/);
    let size = Buffer.byteLength(response.body ?? '');
    for (const [name, list] of Object.entries(response.headers ?? {})) {
      expect(name).toBe(name.toLowerCase());
      expect(name).not.toMatch(DISALLOWED);
      for (const h of list) {
        expect(h.key?.toLowerCase()).toBe(name);
        size += name.length + h.value.length + 4;
      }
    }
    expect(response.bodyEncoding ?? 'text').toBe('text');
    expect(size).toBeLessThan(GENERATED_LIMIT);
  }

  it('converts a CloudFront viewer-request event (base64 body) and generates responses Lambda@Edge accepts', async () => {
    const responses = [
      await put({ position: 0 }),
      await get(),
      await handler(progressEvent({ method: 'OPTIONS', uri: path, origin: SCHOOL })),
      await handler(progressEvent({ method: 'POST', uri: path, body: { token: await token(), position: 1 } })),
      await put({ position: -1 }),
      await put({ position: 1 }, { token: 'not.a.jwt' }),
    ];
    expect(responses.map((r) => r.status)).toEqual(['200', '200', '204', '204', '400', '401']);
    for (const r of responses) assertAcceptable(r);
    expect(responses[0]?.headers?.['cache-control']).toEqual([{ key: 'Cache-Control', value: 'no-store' }]);
  });

  it('keeps even a record with the most intervals it can hold far under the 40 KB quota', async () => {
    // Alternate short played stretches and jumps: every stretch is its own interval.
    let position = 0;
    for (let i = 0; i < 80; i++) {
      await put({ position });
      clock.advance(2);
      await put({ position: position + 2 });
      position += 7;
      clock.advance(1);
    }
    const record = await get();
    assertAcceptable(record);
    expect(json(record).watched).toBeGreaterThan(0);
    expect(((await tables.progressItem('user-1', 'demo', lessonId))?.['watched']?.L ?? []).length).toBeLessThanOrEqual(64);
  });

  it('refuses a body CloudFront truncated (over its include-body limit) with 413', async () => {
    const response = await handler(progressEvent({ method: 'PUT', uri: path, token: await token(), body: { position: 1 }, truncated: true }));
    expect(response.status).toBe('413');
    expect(json(response).error.code).toBe('ERR_BODY_TOO_LARGE');
  });
});
