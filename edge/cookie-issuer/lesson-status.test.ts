import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../tables/client.ts';
import { ensureTables } from '../../tables/ensure-tables.ts';
import { lessonsTable, lessonToItem } from '../../tables/lessons.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { LecternError } from '../errors.ts';
import { startDynalite, type LocalDynamo } from '../../emulator/dynamodb/dynalite.ts';
import type { EncodeRequest } from '../encode-request.ts';
import { parseEncodeRequest } from '../encode-request.ts';
import { sessionEvent } from './fixtures.ts';
import { createHandler } from './handler.ts';
import { createJwksSource } from './jwks-source.ts';
import { createTokenVerifier } from './jwt-verifier.ts';
import { createLessonStore, type LessonStore, type LessonView } from './lesson-store.ts';
import { failureMessage, lessonStatus, parseLessonPath } from './lesson-status.ts';
import { createPolicySigner } from './signer.ts';
import { accessToken, CLIENT_ID, cloudFrontKeyPair, FROZEN_NOW, idpKeyPair, ISSUER } from './test-kit.ts';

const SETTINGS = { retryAfterSeconds: 7, staleEncodingSeconds: 3600 };
const NOW = FROZEN_NOW;

/** An in-memory store with the same claim semantics as the DynamoDB one (tested below against dynalite). */
function memoryStore(initial: Record<string, LessonView>): LessonStore & { records: Map<string, LessonView>; claims: number } {
  const records = new Map(Object.entries(initial));
  const store = {
    records,
    claims: 0,
    async get(c: string, l: string) {
      return records.get(`${c}/${l}`) ?? null;
    },
    async claimEncode(c: string, l: string, now: Date, staleBefore: Date) {
      const r = records.get(`${c}/${l}`);
      const ok = !!r?.sourceKey && (r.status === 'pending' || (r.status === 'encoding' && (r.encodeRequestedAt ?? '~') < staleBefore.toISOString()));
      if (ok) {
        store.claims++;
        records.set(`${c}/${l}`, { ...r!, status: 'encoding', encodeRequestedAt: now.toISOString() });
      }
      return ok;
    },
    async releaseClaim(c: string, l: string) {
      const r = records.get(`${c}/${l}`);
      if (r) records.set(`${c}/${l}`, { ...r, status: 'pending' });
    },
  };
  return store;
}

function recorder(fail = false): { requests: EncodeRequest[]; request(r: EncodeRequest): Promise<void> } {
  const requests: EncodeRequest[] = [];
  return {
    requests,
    async request(r) {
      if (fail) throw new LecternError('ERR_ENCODE_UNAVAILABLE');
      requests.push(r);
    },
  };
}

const PUBLISHED: LessonView = {
  status: 'published',
  title: 'Welcome',
  manifestKey: 'courses/demo/lesson-1/master.m3u8',
  durationSeconds: 16,
  renditions: [{ name: '720p', width: 1280, height: 720, bandwidth: 2_000_000 }],
  posterKey: 'courses/demo/lesson-1/v1/poster.jpg',
  thumbnailsKey: 'courses/demo/lesson-1/v1/thumbs.vtt',
  sourceKey: 'uploads/demo/lesson-1/source.mp4',
};

describe('lesson status (pure core, injected store and encoder)', () => {
  it('parses only /auth/lessons/<course>/<lesson> with valid ids', () => {
    expect(parseLessonPath('/auth/lessons/demo/lesson-1')).toEqual({ courseId: 'demo', lessonId: 'lesson-1' });
    expect(parseLessonPath('/auth/lessons/demo')).toEqual({ code: 'ERR_NOT_FOUND' });
    expect(parseLessonPath('/auth/lessons/demo/lesson-1/extra')).toEqual({ code: 'ERR_NOT_FOUND' });
    expect(parseLessonPath('/auth/lessons/Demo/lesson-1')).toEqual({ code: 'ERR_BAD_COURSE_ID' });
    expect(parseLessonPath('/auth/lessons/demo/..')).toEqual({ code: 'ERR_BAD_LESSON_ID' });
    expect(parseLessonPath('/auth/lessons/demo/lesson%2D1')).toEqual({ code: 'ERR_BAD_LESSON_ID' });
  });

  it('answers a published lesson with its keys, without claiming or requesting anything', async () => {
    const lessons = memoryStore({ 'demo/lesson-1': PUBLISHED });
    const encoder = recorder();
    const d = await lessonStatus('demo', 'lesson-1', SETTINGS, { lessons, encoder, now: () => NOW });
    expect(d).toEqual({
      kind: 'lesson',
      body: {
        courseId: 'demo',
        lessonId: 'lesson-1',
        status: 'published',
        title: 'Welcome',
        manifestKey: PUBLISHED.manifestKey,
        durationSeconds: 16,
        renditions: PUBLISHED.renditions,
        posterKey: PUBLISHED.posterKey,
        thumbnailsKey: PUBLISHED.thumbnailsKey,
      },
    });
    expect(encoder.requests).toEqual([]);
  });

  it('claims a pending lesson once and requests one encode, however many ask', async () => {
    const lessons = memoryStore({ 'demo/l2': { status: 'pending', sourceKey: 'uploads/demo/l2/source.mp4' } });
    const encoder = recorder();
    const answers = await Promise.all(Array.from({ length: 5 }, () => lessonStatus('demo', 'l2', SETTINGS, { lessons, encoder, now: () => NOW })));
    for (const a of answers) expect(a).toEqual({ kind: 'accepted', retryAfterSeconds: 7, body: { courseId: 'demo', lessonId: 'l2', status: 'encoding', retryAfter: 7 } });
    expect(encoder.requests).toEqual([{ type: 'lectern.encode-request', courseId: 'demo', lessonId: 'l2', sourceKey: 'uploads/demo/l2/source.mp4' }]);
    expect(parseEncodeRequest(encoder.requests[0])).not.toBeNull();
  });

  it('answers 202 while encoding, and retakes a claim older than the stale window', async () => {
    const fresh = new Date(NOW.getTime() - 60_000).toISOString();
    const stale = new Date(NOW.getTime() - 7200_000).toISOString();
    const lessons = memoryStore({
      'demo/fresh': { status: 'encoding', sourceKey: 'uploads/demo/fresh/a.mp4', encodeRequestedAt: fresh },
      'demo/stale': { status: 'encoding', sourceKey: 'uploads/demo/stale/a.mp4', encodeRequestedAt: stale },
      'demo/cli': { status: 'encoding' },
    });
    const encoder = recorder();
    for (const id of ['fresh', 'stale', 'cli']) {
      expect((await lessonStatus('demo', id, SETTINGS, { lessons, encoder, now: () => NOW })).kind).toBe('accepted');
    }
    expect(encoder.requests.map((r) => r.lessonId)).toEqual(['stale']);
  });

  it('undoes the claim and answers 503 when the encode cannot be requested', async () => {
    const lessons = memoryStore({ 'demo/l3': { status: 'pending', sourceKey: 'uploads/demo/l3/a.mp4' } });
    const d = await lessonStatus('demo', 'l3', SETTINGS, { lessons, encoder: recorder(true), now: () => NOW });
    expect(d).toEqual({ kind: 'refused', code: 'ERR_ENCODE_UNAVAILABLE' });
    expect(lessons.records.get('demo/l3')?.status).toBe('pending');
  });

  it('answers 202 without a claim when no encoder is configured (the upload trigger encodes)', async () => {
    const lessons = memoryStore({ 'demo/l4': { status: 'pending', sourceKey: 'uploads/demo/l4/a.mp4' } });
    expect((await lessonStatus('demo', 'l4', SETTINGS, { lessons, now: () => NOW })).kind).toBe('accepted');
    expect(lessons.claims).toBe(0);
  });

  it('tells a student a failure in words, without the stored detail', async () => {
    const lessons = memoryStore({
      'demo/bad': { status: 'failed', errorKind: 'no-video', title: 'Broken' },
      'demo/odd': { status: 'failed', errorKind: 'ffmpeg' },
    });
    expect(await lessonStatus('demo', 'bad', SETTINGS, { lessons, now: () => NOW })).toEqual({
      kind: 'lesson',
      body: { courseId: 'demo', lessonId: 'bad', status: 'failed', title: 'Broken', message: failureMessage('no-video') },
    });
    expect(failureMessage('no-video')).toMatch(/no video track/);
    expect(((await lessonStatus('demo', 'odd', SETTINGS, { lessons, now: () => NOW })) as { body: { message: string } }).body.message).toMatch(/could not be prepared/);
  });

  it('answers 404 for an unknown lesson or one with no source yet, 503 when the table is down', async () => {
    const lessons = memoryStore({ 'demo/queued': { status: 'pending' } });
    expect(await lessonStatus('demo', 'nope', SETTINGS, { lessons, now: () => NOW })).toEqual({ kind: 'refused', code: 'ERR_LESSON_NOT_FOUND' });
    expect(await lessonStatus('demo', 'queued', SETTINGS, { lessons, now: () => NOW })).toEqual({ kind: 'refused', code: 'ERR_LESSON_NOT_FOUND' });
    const down: LessonStore = {
      get: async () => {
        throw new LecternError('ERR_LESSONS_UNAVAILABLE');
      },
      claimEncode: async () => false,
      releaseClaim: async () => undefined,
    };
    expect(await lessonStatus('demo', 'x', SETTINGS, { lessons: down, now: () => NOW })).toEqual({ kind: 'refused', code: 'ERR_LESSONS_UNAVAILABLE' });
  });
});

describe('GET /auth/lessons through the Lambda@Edge handler', () => {
  it('answers 202 with Retry-After, 200 for published, 401/409/405 like sessions', async () => {
    const idp = await idpKeyPair();
    const cf = cloudFrontKeyPair();
    const lessons = memoryStore({ 'demo/lesson-1': PUBLISHED, 'demo/lesson-2': { status: 'pending', sourceKey: 'uploads/demo/lesson-2/source.mp4' } });
    const encoder = recorder();
    const handler = createHandler(
      { cookie: { ttlSeconds: 3600, sameSite: 'None' }, scheme: 'https', allowedHosts: [], corsAllowedOrigins: ['https://school.example'], onDemand: SETTINGS },
      {
        verifier: createTokenVerifier(
          { issuer: ISSUER, clientIds: [CLIENT_ID], tokenUse: ['access', 'id'], clockSkewSeconds: 60, maxTokenBytes: 8192 },
          createJwksSource({ bundled: { keys: [idp.publicJwk] }, uri: 'http://jwks.invalid/', timeoutMs: 100, cooldownMs: 60_000, fetch: () => Promise.reject(new Error('offline')) }),
        ),
        enrollments: { isEnrolled: async (user, course) => user === 'user-1' && course === 'demo' },
        signer: createPolicySigner({ keyPairId: 'KTESTKEY000001', algorithm: 'SHA1', keys: { privateKeyPem: async () => cf.privateKeyPem } }),
        now: () => NOW,
        lessons,
        encoder,
      },
    );
    const token = await accessToken(idp.privateKey);
    const get = (uri: string, extra: Parameters<typeof sessionEvent>[0] = {}) => handler(sessionEvent({ method: 'GET', uri, token, body: null, ...extra }));

    const accepted = await get('/auth/lessons/demo/lesson-2');
    expect(accepted.status).toBe('202');
    expect(accepted.statusDescription).toBe('Accepted');
    expect(accepted.headers?.['retry-after']).toEqual([{ key: 'Retry-After', value: '7' }]);
    expect(accepted.headers?.['cache-control']).toEqual([{ key: 'Cache-Control', value: 'no-store' }]);
    expect(JSON.parse(accepted.body!)).toMatchObject({ status: 'encoding', retryAfter: 7 });
    expect(encoder.requests).toHaveLength(1);

    const ok = await get('/auth/lessons/demo/lesson-1');
    expect(ok.status).toBe('200');
    expect(JSON.parse(ok.body!)).toMatchObject({ status: 'published', manifestKey: PUBLISHED.manifestKey });
    expect(ok.headers?.['set-cookie']).toBeUndefined();

    expect((await get('/auth/lessons/demo/lesson-1', { token: null })).status).toBe('401');
    expect((await get('/auth/lessons/second/lesson-1')).status).toBe('409');
    expect((await get('/auth/lessons/demo/nope')).status).toBe('404');
    expect((await get('/auth/lessons/demo/Bad')).status).toBe('400');
    const post = await handler(sessionEvent({ uri: '/auth/lessons/demo/lesson-1', token }));
    expect(post.status).toBe('405');
    expect(post.headers?.['allow']).toEqual([{ key: 'allow', value: 'GET, OPTIONS' }]);
    const preflight = await handler(sessionEvent({ method: 'OPTIONS', uri: '/auth/lessons/demo/lesson-1', token: null, body: null, origin: 'https://school.example' }));
    expect(preflight.status).toBe('204');
    expect(preflight.headers?.['access-control-allow-methods']).toEqual([{ key: 'access-control-allow-methods', value: 'GET, OPTIONS' }]);
  });
});

describe('the DynamoDB lesson store (dynalite)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => dynamo?.close());

  it('lets exactly one of many concurrent claims win, and releases only its own claim', async () => {
    const client = dynamoClient({ region: 'us-east-1', endpoint: dynamo.endpoint });
    await ensureTables(client, DEFAULT_TABLE_PREFIX);
    const table = lessonsTable(DEFAULT_TABLE_PREFIX);
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: lessonToItem({ courseId: 'demo', lessonId: 'l1', order: 1, title: 'One', status: 'pending', sourceKey: 'uploads/demo/l1/source.mp4' }),
      }),
    );
    await client.send(new PutItemCommand({ TableName: table, Item: lessonToItem({ courseId: 'demo', lessonId: 'l2', order: 2, title: 'Two', status: 'pending' }) }));
    const store = createLessonStore(client, table, 2000);
    const stale = new Date(NOW.getTime() - 3600_000);
    const wins = await Promise.all(Array.from({ length: 10 }, () => store.claimEncode('demo', 'l1', NOW, stale)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await store.get('demo', 'l1')).toMatchObject({ status: 'encoding', encodeRequestedAt: NOW.toISOString(), sourceKey: 'uploads/demo/l1/source.mp4' });
    expect(await store.claimEncode('demo', 'l2', NOW, stale)).toBe(false); // no source
    expect(await store.claimEncode('demo', 'missing', NOW, stale)).toBe(false);

    await store.releaseClaim('demo', 'l1', new Date(NOW.getTime() + 1)); // someone else's claim: untouched
    expect((await store.get('demo', 'l1'))?.status).toBe('encoding');
    await store.releaseClaim('demo', 'l1', NOW);
    expect((await store.get('demo', 'l1'))?.status).toBe('pending');

    // A claim older than the stale window is retaken.
    expect(await store.claimEncode('demo', 'l1', NOW, stale)).toBe(true);
    const later = new Date(NOW.getTime() + 7200_000);
    expect(await store.claimEncode('demo', 'l1', later, new Date(later.getTime() - 3600_000))).toBe(true);
    client.destroy();
  });

  it('reports an unreachable table as ERR_LESSONS_UNAVAILABLE', async () => {
    const client = dynamoClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const store = createLessonStore(client, lessonsTable(DEFAULT_TABLE_PREFIX), 500);
    await expect(store.get('demo', 'l1')).rejects.toMatchObject({ code: 'ERR_LESSONS_UNAVAILABLE' });
    client.destroy();
  });
});
