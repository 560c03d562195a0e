import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type LocalDynamo } from '../emulator/dynamodb/dynalite.ts';
import { allItems, sendOptions } from './call.ts';
import { dynamoClient } from './client.ts';
import { enroll, enrollmentFromItem, enrollmentKey, enrollmentToItem, isEnrolled, unenroll } from './enrollments.ts';
import { ensureTables } from './ensure-tables.ts';
import { claimEncode, listInterruptedOnDemandEncodes, releaseEncodeClaim } from './lesson-claims.ts';
import { markPublished } from './lesson-writes.ts';
import { getLesson, lessonFromItem, lessonKey, lessonToItem, listCourseLessons, type LessonRecord } from './lessons.ts';
import { getProgress, progressFromItem, progressKey, progressKeyOf, saveProgress } from './progress.ts';
import { TABLES } from './schema.ts';

const FULL: LessonRecord = {
  courseId: 'demo', lessonId: 'l1', order: 3, title: 'One', status: 'published',
  manifestKey: 'courses/demo/l1/master.m3u8', durationSeconds: 12.5,
  renditions: [{ name: '720p', width: 1280, height: 720, bandwidth: 3_000_000 }],
  posterKey: 'courses/demo/l1/v1/poster.jpg', thumbnailsKey: 'courses/demo/l1/v1/thumbs.vtt', updatedAt: '2026-01-01T00:00:00.000Z',
  error: 'e', errorKind: 'input', sourceKey: 'uploads/demo/l1/a.mp4', sourceFingerprint: '1:2', encodeRequestedAt: '2026-01-01T00:00:00.000Z',
  jobId: 'j', uploadSequencer: '0A', publishedVersion: 'v1', replacedVersion: 'v0', replacedUntil: 1_800_000_000,
};

describe('the record codecs and keys (pure)', () => {
  it('a lesson record round-trips through its item, and its key is the schema key', () => {
    expect(lessonFromItem(lessonToItem(FULL))).toEqual(FULL);
    expect(Object.keys(lessonKey('c', 'l'))).toEqual([TABLES.lessons.partitionKey, TABLES.lessons.sortKey]);
    expect(lessonKey('c', 'l')).toEqual({ courseId: { S: 'c' }, lessonId: { S: 'l' } });
  });

  it('reads a sparse or odd lesson item safely: empty required fields, unknown status as pending, no invented optionals', () => {
    expect(lessonFromItem({ courseId: { S: 'c' }, lessonId: { S: 'l' }, status: { S: 'weird' } })).toEqual({ courseId: 'c', lessonId: 'l', order: 0, title: '', status: 'pending' });
  });

  it('enrollment and progress keys are the schema keys', () => {
    expect(Object.keys(enrollmentKey('u', 'c'))).toEqual([TABLES.enrollments.partitionKey, TABLES.enrollments.sortKey]);
    expect(enrollmentFromItem(enrollmentToItem({ userId: 'u', courseId: 'c', enrolledAt: 't', email: 'a@b' }))).toEqual({ userId: 'u', courseId: 'c', enrolledAt: 't', email: 'a@b' });
    expect(progressKey('u', 'c', 'l')).toEqual({ userId: { S: 'u' }, lessonKey: { S: 'c/l' } });
    expect(Object.keys(progressKey('u', 'c', 'l'))).toEqual([TABLES.progress.partitionKey, TABLES.progress.sortKey]);
    expect(progressFromItem(undefined)).toMatchObject({ version: 0, updatedAt: null, completed: false });
    expect(progressKeyOf({ ...progressKey('u', 'c', 'l'), position: { N: '3' }, courseId: { S: 'c' } })).toEqual(progressKey('u', 'c', 'l'));
    expect(() => progressKeyOf({ userId: { S: 'u' } })).toThrow(/lessonKey/);
  });

  it('per-call options: a timeout, the caller’s signal, or neither', () => {
    expect(sendOptions()).toEqual({});
    expect(sendOptions({ timeoutMs: 100 }).abortSignal).toBeInstanceOf(AbortSignal);
    const caller = new AbortController();
    const signal = sendOptions({ timeoutMs: 10_000, signal: caller.signal }).abortSignal!;
    expect(signal.aborted).toBe(false);
    caller.abort();
    expect(signal.aborted).toBe(true);
  });
});

describe('the tables on dynalite', () => {
  let local: LocalDynamo;
  const client = () => dynamoClient({ region: 'us-east-1', endpoint: local.endpoint });
  const LESSONS = 'lectern-lessons';
  beforeAll(async () => {
    local = await startDynalite();
    const c = client();
    await ensureTables(c, 'lectern-');
    c.destroy();
  });
  afterAll(async () => local?.close());

  it('pages through a query however small the pages', async () => {
    const c = client();
    for (let i = 0; i < 7; i++) await c.send(new PutItemCommand({ TableName: LESSONS, Item: lessonToItem({ ...FULL, courseId: 'paged', lessonId: `l${i}`, order: i }) }));
    const items = await allItems(c, (ExclusiveStartKey) => new QueryCommand({ TableName: LESSONS, KeyConditionExpression: 'courseId = :c', ExpressionAttributeValues: { ':c': { S: 'paged' } }, Limit: 2, ExclusiveStartKey }));
    expect(items).toHaveLength(7);
    expect((await listCourseLessons(c, LESSONS, 'paged')).map((l) => l.order)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    c.destroy();
  });

  it('one release for both callers: the claimant’s own claim only, or any interrupted claim; never a published or sourceless record', async () => {
    const c = client();
    const now = new Date('2026-02-01T00:00:00.000Z');
    const stale = new Date(now.getTime() - 3600_000);
    await c.send(new PutItemCommand({ TableName: LESSONS, Item: lessonToItem({ courseId: 'rel', lessonId: 'a', order: 1, title: 'A', status: 'pending', sourceKey: 'uploads/rel/a/s.mp4' }) }));
    await c.send(new PutItemCommand({ TableName: LESSONS, Item: lessonToItem({ courseId: 'rel', lessonId: 'b', order: 2, title: 'B', status: 'encoding' }) }));
    await c.send(new PutItemCommand({ TableName: LESSONS, Item: lessonToItem({ ...FULL, courseId: 'rel', lessonId: 'p' }) }));
    expect(await claimEncode(c, LESSONS, 'rel', 'a', now, stale, { timeoutMs: 2000 })).toBe(true);
    expect(await claimEncode(c, LESSONS, 'rel', 'a', now, stale)).toBe(false);
    expect(await claimEncode(c, LESSONS, 'rel', 'b', now, stale)).toBe(false); // no source
    expect(await listInterruptedOnDemandEncodes(c, LESSONS)).toContainEqual({ courseId: 'rel', lessonId: 'a' });

    expect(await releaseEncodeClaim(c, LESSONS, 'rel', 'a', { claimedAt: new Date(now.getTime() + 1) })).toBe(false);
    expect((await getLesson(c, LESSONS, 'rel', 'a'))?.status).toBe('encoding');
    expect(await releaseEncodeClaim(c, LESSONS, 'rel', 'a', { claimedAt: now, now: '2026-02-01T00:00:01.000Z', timeoutMs: 2000 })).toBe(true);
    const released = await getLesson(c, LESSONS, 'rel', 'a');
    expect(released).toMatchObject({ status: 'pending', updatedAt: '2026-02-01T00:00:01.000Z' });
    expect(released?.encodeRequestedAt).toBeUndefined();

    expect(await claimEncode(c, LESSONS, 'rel', 'a', now, stale)).toBe(true);
    expect(await releaseEncodeClaim(c, LESSONS, 'rel', 'a')).toBe(true); // start-up: any interrupted claim
    expect(await releaseEncodeClaim(c, LESSONS, 'rel', 'b')).toBe(false); // no source
    expect(await releaseEncodeClaim(c, LESSONS, 'rel', 'p')).toBe(false); // published
    expect((await getLesson(c, LESSONS, 'rel', 'p'))?.status).toBe('published');
    c.destroy();
  });

  it('publishing keeps the replaced version served for a while', async () => {
    const c = client();
    await markPublished(c, LESSONS, 'pub', 'x', { version: 'v1', manifestKey: 'm', durationSeconds: 1, renditions: [] }, '2026-03-01T00:00:00.000Z');
    await markPublished(c, LESSONS, 'pub', 'x', { version: 'v2', manifestKey: 'm', durationSeconds: 1, renditions: [] }, '2026-03-01T00:00:00.000Z');
    expect(await getLesson(c, LESSONS, 'pub', 'x')).toMatchObject({ status: 'published', publishedVersion: 'v2', replacedVersion: 'v1' });
    c.destroy();
  });

  it('enrollment: written, read with a timeout, removed', async () => {
    const c = client();
    await enroll(c, 'lectern-', { userId: 'u1', courseId: 'demo', email: 'u1@example.test' });
    expect(await isEnrolled(c, 'lectern-enrollments', 'u1', 'demo', { timeoutMs: 2000 })).toBe(true);
    expect(await isEnrolled(c, 'lectern-enrollments', 'u1', 'other')).toBe(false);
    await unenroll(c, 'lectern-', 'u1', 'demo');
    expect(await isEnrolled(c, 'lectern-enrollments', 'u1', 'demo')).toBe(false);
    c.destroy();
  });

  it('progress: versioned writes, the loser of a race told so', async () => {
    const c = client();
    const next = { position: 5, watched: [[0, 5]] as [number, number][], last: null, completed: false, completedAt: null, durationSeconds: 100, updatedAt: '2026-01-01T00:00:00.000Z' };
    expect(await saveProgress(c, 'lectern-progress', 'u', 'c', 'l', next, 0)).toBe(true);
    expect(await saveProgress(c, 'lectern-progress', 'u', 'c', 'l', next, 0)).toBe(false);
    expect(await getProgress(c, 'lectern-progress', 'u', 'c', 'l', { timeoutMs: 2000 })).toMatchObject({ version: 1, position: 5, watched: [[0, 5]] });
    c.destroy();
  });

  it('a call that cannot finish in its timeout is cut off', async () => {
    const c = dynamoClient({ region: 'us-east-1', endpoint: 'http://10.255.255.1:9', maxAttempts: 1, requestTimeoutMs: 60_000 });
    const started = Date.now();
    await expect(getLesson(c, LESSONS, 'demo', 'l1', { timeoutMs: 200 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    c.destroy();
  });
});
