/**
 * Lesson records (DynamoDB lessons table) and the next-lesson map the viewer-request function
 * reads. Pure parts: placing a lesson in a course's order, building the map. I/O parts: thin
 * DynamoDB calls (the same code talks to dynalite and DynamoDB) and the atomic map write.
 */
import { formatVersions, isVersionName, REPLACED_VERSION_GRACE_SECONDS, versionsKey, type ServedVersion } from '../edge/lesson-versions.ts';
import {
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TABLES, tableName } from '../tables/schema.ts';
import { PipelineError } from './errors.ts';
import { writeFileAtomic } from './master-playlist.ts';

export type LessonStatus = 'pending' | 'encoding' | 'published' | 'failed';

export interface RenditionSummary {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly bandwidth: number;
}

export interface LessonRecord {
  readonly courseId: string;
  readonly lessonId: string;
  readonly order: number;
  readonly title: string;
  readonly status: LessonStatus;
  readonly manifestKey?: string;
  readonly durationSeconds?: number;
  readonly renditions?: readonly RenditionSummary[];
  readonly posterKey?: string;
  readonly thumbnailsKey?: string;
  readonly updatedAt?: string;
  /** What went wrong (for the course team: may name files and tools). */
  readonly error?: string;
  /** A PipelineErrorKind (or `mediaconvert-<code>` on AWS): what a student-facing message is chosen by. */
  readonly errorKind?: string;
  /** Where the source is: `uploads/<courseId>/<lessonId>/<file>` in the uploads folder (local) or bucket (AWS). */
  readonly sourceKey?: string;
  /** `<bytes>:<mtimeMs>` of the source the published version was made from (migrate skips on a match). */
  readonly sourceFingerprint?: string;
  /** When an on-demand encode was last requested (ISO): an `encoding` claim older than the stale window can be retaken. */
  readonly encodeRequestedAt?: string;
  /** MediaConvert job id of the encode in flight (AWS). */
  readonly jobId?: string;
  /** S3 sequencer of the last upload event handled (AWS): older or repeated events are skipped. */
  readonly uploadSequencer?: string;
  /** The version folder master.m3u8 names: the only one served (edge/lesson-versions.ts). */
  readonly publishedVersion?: string;
  /** The version a republish replaced, served until `replacedUntil` (epoch seconds). */
  readonly replacedVersion?: string;
  readonly replacedUntil?: number;
}

export function lessonsTable(prefix: string): string {
  return tableName(prefix, TABLES.lessons);
}

export function nextLessonMapPath(dataDir: string): string {
  return join(dataDir, 'kvs', 'next-lesson.json');
}

// ---------- marshalling ----------

type Item = Record<string, AttributeValue>;

function s(item: Item, key: string): string | undefined {
  return item[key]?.S;
}

function n(item: Item, key: string): number | undefined {
  const v = item[key]?.N;
  return v === undefined ? undefined : Number(v);
}

export function fromItem(item: Item): LessonRecord {
  const renditions = item.renditions?.L?.map((r) => {
    const m = r.M ?? {};
    return {
      name: m.name?.S ?? '',
      width: Number(m.width?.N ?? 0),
      height: Number(m.height?.N ?? 0),
      bandwidth: Number(m.bandwidth?.N ?? 0),
    };
  });
  const record: LessonRecord = {
    courseId: s(item, 'courseId') ?? '',
    lessonId: s(item, 'lessonId') ?? '',
    order: n(item, 'order') ?? 0,
    title: s(item, 'title') ?? '',
    status: (s(item, 'status') as LessonStatus | undefined) ?? 'pending',
    ...(s(item, 'manifestKey') !== undefined && { manifestKey: s(item, 'manifestKey') }),
    ...(n(item, 'durationSeconds') !== undefined && { durationSeconds: n(item, 'durationSeconds') }),
    ...(renditions !== undefined && { renditions }),
    ...(s(item, 'posterKey') !== undefined && { posterKey: s(item, 'posterKey') }),
    ...(s(item, 'thumbnailsKey') !== undefined && { thumbnailsKey: s(item, 'thumbnailsKey') }),
    ...(s(item, 'updatedAt') !== undefined && { updatedAt: s(item, 'updatedAt') }),
    ...(s(item, 'error') !== undefined && { error: s(item, 'error') }),
    ...(s(item, 'errorKind') !== undefined && { errorKind: s(item, 'errorKind') }),
    ...(s(item, 'sourceKey') !== undefined && { sourceKey: s(item, 'sourceKey') }),
    ...(s(item, 'sourceFingerprint') !== undefined && { sourceFingerprint: s(item, 'sourceFingerprint') }),
    ...(s(item, 'encodeRequestedAt') !== undefined && { encodeRequestedAt: s(item, 'encodeRequestedAt') }),
    ...(s(item, 'jobId') !== undefined && { jobId: s(item, 'jobId') }),
    ...(s(item, 'uploadSequencer') !== undefined && { uploadSequencer: s(item, 'uploadSequencer') }),
    ...(s(item, 'publishedVersion') !== undefined && { publishedVersion: s(item, 'publishedVersion') }),
    ...(s(item, 'replacedVersion') !== undefined && { replacedVersion: s(item, 'replacedVersion') }),
    ...(n(item, 'replacedUntil') !== undefined && { replacedUntil: n(item, 'replacedUntil') }),
  };
  return record;
}

function renditionsValue(renditions: readonly RenditionSummary[]): AttributeValue {
  return {
    L: renditions.map((r) => ({
      M: {
        name: { S: r.name },
        width: { N: String(r.width) },
        height: { N: String(r.height) },
        bandwidth: { N: String(r.bandwidth) },
      },
    })),
  };
}

// ---------- ordering (pure) ----------

export interface Ordered {
  readonly lessonId: string;
  readonly order: number;
}

function byOrder(a: Ordered, b: Ordered): number {
  return a.order - b.order || (a.lessonId < b.lessonId ? -1 : a.lessonId > b.lessonId ? 1 : 0);
}

/**
 * Pure: where `lessonId` goes in its course. `after` places it right after that lesson (which
 * must exist); without `after` a new lesson is appended and an existing one keeps its place.
 * Returns only the order changes to write (including the lesson itself when new or moved).
 * Existing order numbers are kept whenever there is room; otherwise the course is renumbered
 * 1..n.
 */
export function placeLesson(existing: readonly Ordered[], lessonId: string, after?: string): Ordered[] {
  const sorted = [...existing].sort(byOrder);
  const current = sorted.find((l) => l.lessonId === lessonId);
  if (after !== undefined) {
    if (after === lessonId) throw new PipelineError('lesson', `a lesson cannot be placed after itself (${lessonId})`);
    if (!sorted.some((l) => l.lessonId === after)) {
      throw new PipelineError('lesson', `--after ${after}: no such lesson in this course`);
    }
  } else if (current) {
    return [];
  }
  const others = sorted.filter((l) => l.lessonId !== lessonId);
  const pos = after === undefined ? others.length : others.findIndex((l) => l.lessonId === after) + 1;
  const prev = others[pos - 1]?.order ?? 0;
  const next = others[pos]?.order;
  if (current && current.order > prev && (next === undefined || current.order < next)) return [];
  if (next === undefined || next - prev >= 2) {
    return [{ lessonId, order: Math.floor(prev) + 1 }];
  }
  const sequence = [...others.slice(0, pos).map((l) => l.lessonId), lessonId, ...others.slice(pos).map((l) => l.lessonId)];
  const old = new Map(sorted.map((l) => [l.lessonId, l.order]));
  return sequence
    .map((id, i) => ({ lessonId: id, order: i + 1 }))
    .filter((l) => old.get(l.lessonId) !== l.order);
}

// ---------- next-lesson map (pure) ----------

/** The published version folder; records from before it was stored name it in their keys. */
export function publishedVersionOf(record: Pick<LessonRecord, 'publishedVersion' | 'posterKey' | 'thumbnailsKey'> | null | undefined): string | undefined {
  if (!record) return undefined;
  if (record.publishedVersion !== undefined) return record.publishedVersion;
  for (const key of [record.posterKey, record.thumbnailsKey]) {
    const folder = key?.split('/')[3];
    if (isVersionName(folder)) return folder;
  }
  return undefined;
}

/** A version about to be named by master.m3u8: served from before that write. */
export interface PendingVersion {
  readonly courseId: string;
  readonly lessonId: string;
  readonly version: string;
}

type MapRecord = Pick<LessonRecord, 'courseId' | 'lessonId' | 'order' | 'status'> &
  Partial<Pick<LessonRecord, 'publishedVersion' | 'replacedVersion' | 'replacedUntil' | 'posterKey' | 'thumbnailsKey'>>;

function servedVersions(record: MapRecord | undefined, pending: PendingVersion | undefined, nowSeconds: number): ServedVersion[] {
  const served: ServedVersion[] = [];
  const add = (version: string | undefined, until?: number) => {
    if (version !== undefined && !served.some((v) => v.version === version)) served.push(until === undefined ? { version } : { version, until });
  };
  const published = publishedVersionOf(record);
  if (pending) {
    add(pending.version);
    add(published, nowSeconds + REPLACED_VERSION_GRACE_SECONDS);
  } else {
    add(published);
  }
  if (record?.replacedVersion !== undefined && record.replacedUntil !== undefined && record.replacedUntil > nowSeconds) add(record.replacedVersion, record.replacedUntil);
  return served;
}

export interface KvsImport {
  readonly data: readonly { readonly key: string; readonly value: string }[];
}

/**
 * Pure: CloudFront KeyValueStore import document: `<courseId>/<lessonId>` -> next published
 * lesson id, per course in lesson order. Unpublished lessons are skipped (a redirect to them
 * would fail); the last published lesson of a course has no key. Beside them, each lesson's
 * served versions (`<courseId>/<lessonId>/versions`, edge/lesson-versions.ts); `pending` is a
 * version about to be published, served from before its master.m3u8 is written.
 */
export function buildNextLessonMap(lessons: readonly MapRecord[], options: { pending?: PendingVersion; nowSeconds?: number } = {}): KvsImport {
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const pending = options.pending;
  const data: { key: string; value: string }[] = [];
  // Served versions: every lesson with one, whatever its status (a failed re-encode keeps the
  // published version playing), plus the version about to be published.
  for (const l of lessons) {
    const served = servedVersions(l, pending && pending.courseId === l.courseId && pending.lessonId === l.lessonId ? pending : undefined, nowSeconds);
    if (served.length > 0) data.push({ key: versionsKey(l.courseId, l.lessonId), value: formatVersions(served) });
  }
  if (pending && !lessons.some((l) => l.courseId === pending.courseId && l.lessonId === pending.lessonId)) {
    data.push({ key: versionsKey(pending.courseId, pending.lessonId), value: formatVersions(servedVersions(undefined, pending, nowSeconds)) });
  }
  const byCourse = new Map<string, Ordered[]>();
  for (const l of lessons) {
    if (l.status !== 'published') continue;
    const list = byCourse.get(l.courseId) ?? [];
    list.push({ lessonId: l.lessonId, order: l.order });
    byCourse.set(l.courseId, list);
  }
  for (const [courseId, list] of byCourse) {
    list.sort(byOrder);
    for (let i = 0; i + 1 < list.length; i++) {
      data.push({ key: `${courseId}/${list[i]!.lessonId}`, value: list[i + 1]!.lessonId });
    }
  }
  data.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { data };
}

// ---------- DynamoDB (I/O) ----------

export async function listCourseLessons(dynamo: DynamoDBClient, table: string, courseId: string): Promise<LessonRecord[]> {
  const items = await allItems(dynamo, (ExclusiveStartKey) =>
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'courseId = :c',
      ExpressionAttributeValues: { ':c': { S: courseId } },
      ConsistentRead: true,
      ExclusiveStartKey,
    }),
  );
  return items.map(fromItem);
}

export async function getLesson(
  dynamo: DynamoDBClient,
  table: string,
  courseId: string,
  lessonId: string,
): Promise<LessonRecord | null> {
  const r = await dynamo.send(
    new GetItemCommand({
      TableName: table,
      Key: { courseId: { S: courseId }, lessonId: { S: lessonId } },
      ConsistentRead: true,
    }),
  );
  return r.Item ? fromItem(r.Item) : null;
}

async function scanAllLessons(dynamo: DynamoDBClient, table: string): Promise<LessonRecord[]> {
  const items = await allItems(dynamo, (ExclusiveStartKey) =>
    new ScanCommand({
      TableName: table,
      ProjectionExpression: 'courseId, lessonId, #o, #s, publishedVersion, replacedVersion, replacedUntil, posterKey, thumbnailsKey',
      ExpressionAttributeNames: { '#o': 'order', '#s': 'status' },
      ConsistentRead: true,
      ExclusiveStartKey,
    }),
  );
  return items.map(fromItem);
}

/** Every item of a Query or Scan, following LastEvaluatedKey page by page. */
async function allItems(dynamo: DynamoDBClient, page: (start: Item | undefined) => QueryCommand | ScanCommand): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    // Query and Scan answer the same page shape; send()'s overloads just cannot take the union.
    const result = await dynamo.send(page(start) as QueryCommand);
    out.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start);
  return out;
}

async function setOrder(dynamo: DynamoDBClient, table: string, courseId: string, o: Ordered, now: string): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { courseId: { S: courseId }, lessonId: { S: o.lessonId } },
      UpdateExpression: 'SET #o = :o, updatedAt = :t',
      ConditionExpression: 'attribute_exists(lessonId)',
      ExpressionAttributeNames: { '#o': 'order' },
      ExpressionAttributeValues: { ':o': { N: String(o.order) }, ':t': { S: now } },
    }),
  );
}

export interface PrepareLessonInput {
  readonly courseId: string;
  readonly lessonId: string;
  readonly title?: string;
  readonly after?: string;
  /**
   * Status to set unless a published version exists (that version stays playable meanwhile):
   * `encoding` (default) before an encode starts, `pending` when a source is registered for
   * an on-demand encode or a batch queues the lesson.
   */
  readonly status?: 'encoding' | 'pending';
  /** Records where the source is (on-demand encodes and the AWS upload trigger). */
  readonly sourceKey?: string;
  /** MediaConvert job id (AWS). */
  readonly jobId?: string;
}

/**
 * Before an encode: place the lesson (validating `after`), create the record when new, and mark
 * it `encoding` (or `pending`) unless a published version exists. Returns the record as it was
 * before.
 */
export async function prepareLesson(
  dynamo: DynamoDBClient,
  table: string,
  input: PrepareLessonInput,
  now = new Date().toISOString(),
): Promise<LessonRecord | null> {
  const lessons = await listCourseLessons(dynamo, table, input.courseId);
  const before = lessons.find((l) => l.lessonId === input.lessonId) ?? null;
  const changes = placeLesson(lessons, input.lessonId, input.after);
  const own = changes.find((c) => c.lessonId === input.lessonId);
  for (const c of changes) {
    if (c.lessonId !== input.lessonId) await setOrder(dynamo, table, input.courseId, c, now);
  }
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = { ':now': { S: now } };
  const sets = ['updatedAt = :now'];
  const set = (name: string, attr: string, value: AttributeValue) => {
    names[name] = attr;
    values[`:${attr}`] = value;
    sets.push(`${name} = :${attr}`);
  };
  if (own) set('#o', 'order', { N: String(own.order) });
  if (input.title !== undefined) set('#t', 'title', { S: input.title });
  else if (!before) set('#t', 'title', { S: input.lessonId });
  if (before?.status !== 'published') set('#s', 'status', { S: input.status ?? 'encoding' });
  if (input.sourceKey !== undefined) set('#k', 'sourceKey', { S: input.sourceKey });
  if (input.jobId !== undefined) set('#j', 'jobId', { S: input.jobId });
  if ((input.status ?? 'encoding') === 'encoding' && input.sourceKey !== undefined) set('#q', 'encodeRequestedAt', { S: now });
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { courseId: { S: input.courseId }, lessonId: { S: input.lessonId } },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
      ExpressionAttributeValues: values,
    }),
  );
  return before;
}

export interface PublishedFields {
  /** The version folder the new master.m3u8 names. */
  readonly version: string;
  readonly manifestKey: string;
  readonly durationSeconds: number;
  readonly renditions: readonly RenditionSummary[];
  /** Absent: none (an AWS job whose poster capture is missing); any previous one is removed. */
  readonly posterKey?: string;
  readonly thumbnailsKey?: string;
  readonly title?: string;
  /** See LessonRecord.sourceFingerprint. */
  readonly sourceFingerprint?: string;
}

export async function markPublished(
  dynamo: DynamoDBClient,
  table: string,
  courseId: string,
  lessonId: string,
  fields: PublishedFields,
  now = new Date().toISOString(),
): Promise<void> {
  const values: Record<string, AttributeValue> = {
    ':s': { S: 'published' },
    ':m': { S: fields.manifestKey },
    ':d': { N: String(fields.durationSeconds) },
    ':r': renditionsValue(fields.renditions),
    ':now': { S: now },
  };
  const sets = ['#s = :s', 'manifestKey = :m', 'durationSeconds = :d', 'renditions = :r', 'updatedAt = :now', 'publishedVersion = :ver'];
  const removes = ['#e', '#ek', '#j'];
  values[':ver'] = { S: fields.version };
  // The version this one replaces stays readable for a while: players that loaded its master
  // just before this publish finish their lesson (edge/lesson-versions.ts).
  const before = publishedVersionOf(await getLesson(dynamo, table, courseId, lessonId));
  if (before !== undefined && before !== fields.version) {
    sets.push('replacedVersion = :pv', 'replacedUntil = :pu');
    values[':pv'] = { S: before };
    values[':pu'] = { N: String(Math.floor(Date.parse(now) / 1000) + REPLACED_VERSION_GRACE_SECONDS) };
  }
  if (fields.posterKey !== undefined) {
    sets.push('posterKey = :p');
    values[':p'] = { S: fields.posterKey };
  } else removes.push('posterKey');
  if (fields.thumbnailsKey !== undefined) {
    sets.push('thumbnailsKey = :v');
    values[':v'] = { S: fields.thumbnailsKey };
  } else removes.push('thumbnailsKey');
  const names: Record<string, string> = { '#s': 'status', '#e': 'error', '#ek': 'errorKind', '#j': 'jobId' };
  if (fields.title !== undefined) {
    sets.push('#t = :t');
    names['#t'] = 'title';
    values[':t'] = { S: fields.title };
  }
  if (fields.sourceFingerprint !== undefined) {
    sets.push('#f = :f');
    names['#f'] = 'sourceFingerprint';
    values[':f'] = { S: fields.sourceFingerprint };
  }
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { courseId: { S: courseId }, lessonId: { S: lessonId } },
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * After a failed encode: record the message. A lesson that has a published version stays
 * `published` (that version is still what students get); otherwise it becomes `failed`.
 */
export async function markFailed(
  dynamo: DynamoDBClient,
  table: string,
  courseId: string,
  lessonId: string,
  message: string,
  now = new Date().toISOString(),
  errorKind = 'unknown',
): Promise<void> {
  const current = await getLesson(dynamo, table, courseId, lessonId);
  const keepPublished = current?.status === 'published';
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { courseId: { S: courseId }, lessonId: { S: lessonId } },
      UpdateExpression: `SET #e = :e, #ek = :k, updatedAt = :now${keepPublished ? '' : ', #s = :s'} REMOVE #j`,
      ExpressionAttributeNames: { '#e': 'error', '#ek': 'errorKind', '#j': 'jobId', ...(keepPublished ? {} : { '#s': 'status' }) },
      ExpressionAttributeValues: {
        ':e': { S: message.slice(0, 2000) },
        ':k': { S: errorKind.slice(0, 64) },
        ':now': { S: now },
        ...(keepPublished ? {} : { ':s': { S: 'failed' } }),
      },
    }),
  );
}

/**
 * Back to `pending` (on-demand): an `encoding` claim whose encode will never finish (the local
 * system stopped mid-encode, or the job could not be submitted). Only a lesson with a registered
 * source that is still `encoding` is touched, so a published or failed record is left alone.
 */
export async function releaseEncodeClaim(dynamo: DynamoDBClient, table: string, courseId: string, lessonId: string, now = new Date().toISOString()): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { courseId: { S: courseId }, lessonId: { S: lessonId } },
        UpdateExpression: 'SET #s = :pending, updatedAt = :now REMOVE encodeRequestedAt, #j',
        ConditionExpression: '#s = :encoding AND attribute_exists(sourceKey)',
        ExpressionAttributeNames: { '#s': 'status', '#j': 'jobId' },
        ExpressionAttributeValues: { ':pending': { S: 'pending' }, ':encoding': { S: 'encoding' }, ':now': { S: now } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Every lesson left `encoding` with a registered source: on-demand claims to release at start-up. */
export async function listInterruptedOnDemandEncodes(dynamo: DynamoDBClient, table: string): Promise<{ courseId: string; lessonId: string }[]> {
  const items = await allItems(dynamo, (ExclusiveStartKey) =>
    new ScanCommand({
      TableName: table,
      ProjectionExpression: 'courseId, lessonId',
      FilterExpression: '#s = :encoding AND attribute_exists(sourceKey)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':encoding': { S: 'encoding' } },
      ConsistentRead: true,
      ExclusiveStartKey,
    }),
  );
  return items.map((item) => ({ courseId: s(item, 'courseId') ?? '', lessonId: s(item, 'lessonId') ?? '' }));
}

/** Rebuilds `<dataDir>/kvs/next-lesson.json` from the whole lessons table, atomically. */
export async function rebuildNextLessonMap(dynamo: DynamoDBClient, table: string, dataDir: string, pending?: PendingVersion): Promise<KvsImport> {
  const map = buildNextLessonMap(await scanAllLessons(dynamo, table), pending ? { pending } : {});
  const path = nextLessonMapPath(dataDir);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(map, null, 2)}\n`);
  return map;
}
