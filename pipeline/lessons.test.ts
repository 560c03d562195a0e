import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildNextLessonMap,
  getLesson,
  listCourseLessons,
  markFailed,
  markPublished,
  nextLessonMapPath,
  placeLesson,
  prepareLesson,
  rebuildNextLessonMap,
} from './lessons.ts';
import { startLocalDynamo, type LocalDynamo } from './test-dynamo.ts';

const L = (lessonId: string, order: number) => ({ lessonId, order });

describe('placeLesson', () => {
  it('appends a new lesson after the last one', () => {
    expect(placeLesson([L('a', 1), L('b', 2)], 'c')).toEqual([L('c', 3)]);
    expect(placeLesson([], 'first')).toEqual([L('first', 1)]);
  });

  it('leaves an existing lesson where it is when no place is asked for', () => {
    expect(placeLesson([L('a', 1), L('b', 2)], 'a')).toEqual([]);
  });

  it('uses a free order number after the given lesson when there is one', () => {
    expect(placeLesson([L('a', 10), L('b', 20)], 'c', 'a')).toEqual([L('c', 11)]);
  });

  it('renumbers the course when there is no room', () => {
    expect(placeLesson([L('a', 1), L('b', 2), L('c', 3)], 'x', 'a')).toEqual([L('x', 2), L('b', 3), L('c', 4)]);
  });

  it('moves an existing lesson after another one', () => {
    expect(placeLesson([L('a', 1), L('b', 2), L('c', 3)], 'c', 'a')).toEqual([L('c', 2), L('b', 3)]);
    expect(placeLesson([L('a', 1), L('b', 2), L('c', 3)], 'b', 'a')).toEqual([]);
  });

  it('refuses an unknown lesson or the lesson itself as the anchor', () => {
    expect(() => placeLesson([L('a', 1)], 'b', 'zzz')).toThrow(/--after zzz: no such lesson/);
    expect(() => placeLesson([L('a', 1)], 'a', 'a')).toThrow(/after itself/);
  });
});

describe('buildNextLessonMap', () => {
  it('links each published lesson to the next published one, per course, in order', () => {
    const map = buildNextLessonMap([
      { courseId: 'demo', lessonId: 'l3', order: 3, status: 'published' },
      { courseId: 'demo', lessonId: 'l1', order: 1, status: 'published' },
      { courseId: 'demo', lessonId: 'l2', order: 2, status: 'encoding' },
      { courseId: 'demo', lessonId: 'l4', order: 4, status: 'published' },
      { courseId: 'other', lessonId: 'only', order: 1, status: 'published' },
    ]);
    expect(map).toEqual({
      data: [
        { key: 'demo/l1', value: 'l3' },
        { key: 'demo/l3', value: 'l4' },
      ],
    });
  });
});

describe('the served versions in the lesson map', () => {
  const NOW = 1_800_000_000;
  const V1 = 'v0mwq9a001-beef';
  const V2 = 'v0mwq9a002-beef';

  it('lists each lesson\'s published version, whatever its status, and no other', () => {
    const map = buildNextLessonMap(
      [
        { courseId: 'demo', lessonId: 'l1', order: 1, status: 'published', publishedVersion: V1 },
        { courseId: 'demo', lessonId: 'l2', order: 2, status: 'encoding' },
        // Published before versions were recorded: the poster's folder names it.
        { courseId: 'demo', lessonId: 'l3', order: 3, status: 'published', posterKey: `courses/demo/l3/${V2}/poster.jpg` },
      ],
      { nowSeconds: NOW },
    );
    expect(map.data.filter((d) => d.key.endsWith('/versions'))).toEqual([
      { key: 'demo/l1/versions', value: V1 },
      { key: 'demo/l3/versions', value: V2 },
    ]);
  });

  it('serves a version about to be published beside the current one, and a replaced one until its deadline', () => {
    const record = { courseId: 'demo', lessonId: 'l1', order: 1, status: 'published' as const, publishedVersion: V1 };
    const pending = buildNextLessonMap([record], { nowSeconds: NOW, pending: { courseId: 'demo', lessonId: 'l1', version: V2 } });
    expect(pending.data).toEqual([{ key: 'demo/l1/versions', value: `${V2} ${V1}@${NOW + 6 * 3600}` }]);
    const republished = { ...record, publishedVersion: V2, replacedVersion: V1, replacedUntil: NOW + 10 };
    expect(buildNextLessonMap([republished], { nowSeconds: NOW }).data).toEqual([{ key: 'demo/l1/versions', value: `${V2} ${V1}@${NOW + 10}` }]);
    expect(buildNextLessonMap([republished], { nowSeconds: NOW + 10 }).data).toEqual([{ key: 'demo/l1/versions', value: V2 }]);
  });

  it('lists a first version before its master exists', () => {
    expect(buildNextLessonMap([], { nowSeconds: NOW, pending: { courseId: 'demo', lessonId: 'new', version: V1 } }).data).toEqual([{ key: 'demo/new/versions', value: V1 }]);
  });
});

describe('lesson records in DynamoDB (dynalite)', () => {
  let db: LocalDynamo;
  let dataDir: string;
  beforeAll(async () => {
    db = await startLocalDynamo();
    dataDir = await mkdtemp(join(tmpdir(), 'lectern-lessons-'));
  });
  afterAll(async () => {
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a new lesson as encoding, appended, titled after its id by default', async () => {
    const before = await prepareLesson(db.dynamo, db.lessonsTable, { courseId: 'c1', lessonId: 'intro' }, '2025-01-01T00:00:00.000Z');
    expect(before).toBeNull();
    expect(await getLesson(db.dynamo, db.lessonsTable, 'c1', 'intro')).toEqual({
      courseId: 'c1',
      lessonId: 'intro',
      order: 1,
      title: 'intro',
      status: 'encoding',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('records a published lesson and clears an earlier error', async () => {
    await markFailed(db.dynamo, db.lessonsTable, 'c1', 'intro', 'boom');
    expect(await getLesson(db.dynamo, db.lessonsTable, 'c1', 'intro')).toMatchObject({ status: 'failed', error: 'boom' });
    await markPublished(db.dynamo, db.lessonsTable, 'c1', 'intro', {
      version: 'v0mwq9a001-beef',
      manifestKey: 'courses/c1/intro/master.m3u8',
      durationSeconds: 6.02,
      renditions: [{ name: '240p', width: 426, height: 240, bandwidth: 350000 }],
      posterKey: 'courses/c1/intro/v1/poster.jpg',
      thumbnailsKey: 'courses/c1/intro/v1/thumbs.vtt',
      title: 'Introduction',
    });
    const rec = await getLesson(db.dynamo, db.lessonsTable, 'c1', 'intro');
    expect(rec).toMatchObject({
      status: 'published',
      title: 'Introduction',
      durationSeconds: 6.02,
      renditions: [{ name: '240p', width: 426, height: 240, bandwidth: 350000 }],
    });
    expect(rec?.error).toBeUndefined();
  });

  it('remembers the version a republish replaced, with the moment it stops being served', async () => {
    const fields = { manifestKey: 'courses/c9/swap/master.m3u8', durationSeconds: 1, renditions: [] };
    await markPublished(db.dynamo, db.lessonsTable, 'c9', 'swap', { ...fields, version: 'v0mwq9a001-beef' }, '2026-12-03T10:00:00.000Z');
    expect(await getLesson(db.dynamo, db.lessonsTable, 'c9', 'swap')).toMatchObject({ publishedVersion: 'v0mwq9a001-beef' });
    expect((await getLesson(db.dynamo, db.lessonsTable, 'c9', 'swap'))?.replacedVersion).toBeUndefined();
    await markPublished(db.dynamo, db.lessonsTable, 'c9', 'swap', { ...fields, version: 'v0mwq9a002-beef' }, '2026-12-03T10:00:00.000Z');
    // The same version again (a repeated event) keeps the replaced one as it was.
    await markPublished(db.dynamo, db.lessonsTable, 'c9', 'swap', { ...fields, version: 'v0mwq9a002-beef' }, '2026-12-03T11:00:00.000Z');
    expect(await getLesson(db.dynamo, db.lessonsTable, 'c9', 'swap')).toMatchObject({
      publishedVersion: 'v0mwq9a002-beef',
      replacedVersion: 'v0mwq9a001-beef',
      replacedUntil: Date.parse('2026-12-03T10:00:00.000Z') / 1000 + 6 * 3600,
    });
  });

  it('keeps a published lesson published while it is re-encoded, and after a failed re-encode', async () => {
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: 'c1', lessonId: 'intro' });
    expect((await getLesson(db.dynamo, db.lessonsTable, 'c1', 'intro'))?.status).toBe('published');
    await markFailed(db.dynamo, db.lessonsTable, 'c1', 'intro', 'disk full');
    expect(await getLesson(db.dynamo, db.lessonsTable, 'c1', 'intro')).toMatchObject({ status: 'published', error: 'disk full', title: 'Introduction' });
  });

  it('places lessons with --after and rewrites the next-lesson map atomically', async () => {
    const publish = (lessonId: string) =>
      markPublished(db.dynamo, db.lessonsTable, 'c1', lessonId, {
        version: 'v0mwq9a001-beef',
        manifestKey: `courses/c1/${lessonId}/master.m3u8`,
        durationSeconds: 1,
        renditions: [],
        posterKey: 'p',
        thumbnailsKey: 't',
      });
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: 'c1', lessonId: 'outro' });
    await publish('outro');
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: 'c1', lessonId: 'middle', after: 'intro' });
    await publish('middle');
    const order = (await listCourseLessons(db.dynamo, db.lessonsTable, 'c1')).sort((a, b) => a.order - b.order).map((l) => l.lessonId);
    expect(order).toEqual(['intro', 'middle', 'outro']);
    const map = await rebuildNextLessonMap(db.dynamo, db.lessonsTable, dataDir);
    expect(map.data.filter((d) => d.key.startsWith('c1/'))).toEqual([
      { key: 'c1/intro', value: 'middle' },
      { key: 'c1/intro/versions', value: 'v0mwq9a001-beef' },
      { key: 'c1/middle', value: 'outro' },
      { key: 'c1/middle/versions', value: 'v0mwq9a001-beef' },
      { key: 'c1/outro/versions', value: 'v0mwq9a001-beef' },
    ]);
    expect(JSON.parse(await readFile(nextLessonMapPath(dataDir), 'utf8'))).toEqual(map);
    expect(await readdir(join(dataDir, 'kvs'))).toEqual(['next-lesson.json']);
  });

  it('refuses --after a lesson the course does not have, without writing anything', async () => {
    await expect(prepareLesson(db.dynamo, db.lessonsTable, { courseId: 'c1', lessonId: 'new', after: 'nope' })).rejects.toThrow(
      /no such lesson/,
    );
    expect(await getLesson(db.dynamo, db.lessonsTable, 'c1', 'new')).toBeNull();
  });

  it('reads lessons written by other tools (numbers and lists as DynamoDB stores them)', async () => {
    await db.dynamo.send(
      new PutItemCommand({
        TableName: db.lessonsTable,
        Item: { courseId: { S: 'c2' }, lessonId: { S: 'x' }, order: { N: '7' }, title: { S: 'X' }, status: { S: 'pending' } },
      }),
    );
    expect(await listCourseLessons(db.dynamo, db.lessonsTable, 'c2')).toEqual([
      { courseId: 'c2', lessonId: 'x', order: 7, title: 'X', status: 'pending' },
    ]);
  });
});
