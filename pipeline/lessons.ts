/**
 * The next-lesson map the viewer-request function reads, and where a lesson goes in its
 * course: pipeline logic over lesson records. The record itself (type, key, codec, reads,
 * writes, the encode claim) lives in tables/ and is re-exported here for the pipeline's callers.
 */
import { formatVersions, REPLACED_VERSION_GRACE_SECONDS, versionsKey, type ServedVersion } from '../edge/lesson-versions.ts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { releaseEncodeClaim as releaseClaim } from '../tables/lesson-claims.ts';
import { setLessonOrder, writeBeforeEncode } from '../tables/lesson-writes.ts';
import { listCourseLessons, publishedVersionOf, scanLessonsForMap, type LessonRecord } from '../tables/lessons.ts';
import { PipelineError } from './errors.ts';
import { writeFileAtomic } from './master-playlist.ts';

export {
  getLesson,
  lessonFromItem as fromItem,
  lessonsTable,
  listCourseLessons,
  publishedVersionOf,
  type LessonRecord,
  type LessonStatus,
  type RenditionSummary,
} from '../tables/lessons.ts';
export { markFailed, markPublished, type PublishedFields } from '../tables/lesson-writes.ts';
export { listInterruptedOnDemandEncodes } from '../tables/lesson-claims.ts';

export function nextLessonMapPath(dataDir: string): string {
  return join(dataDir, 'kvs', 'next-lesson.json');
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
    if (c.lessonId !== input.lessonId) await setLessonOrder(dynamo, table, input.courseId, c.lessonId, c.order, now);
  }
  await writeBeforeEncode(
    dynamo,
    table,
    input.courseId,
    input.lessonId,
    before,
    {
      ...(own && { order: own.order }),
      ...(input.title !== undefined && { title: input.title }),
      status: input.status ?? 'encoding',
      ...(input.sourceKey !== undefined && { sourceKey: input.sourceKey }),
      ...(input.jobId !== undefined && { jobId: input.jobId }),
    },
    now,
  );
  return before;
}

/**
 * Back to `pending` (on-demand): an `encoding` claim whose encode will never finish (the local
 * system stopped mid-encode, or the job could not be submitted). See tables/lesson-claims.ts.
 */
export async function releaseEncodeClaim(dynamo: DynamoDBClient, table: string, courseId: string, lessonId: string, now = new Date().toISOString()): Promise<boolean> {
  return releaseClaim(dynamo, table, courseId, lessonId, { now });
}

/** Rebuilds `<dataDir>/kvs/next-lesson.json` from the whole lessons table, atomically. */
export async function rebuildNextLessonMap(dynamo: DynamoDBClient, table: string, dataDir: string, pending?: PendingVersion): Promise<KvsImport> {
  const map = buildNextLessonMap(await scanLessonsForMap(dynamo, table), pending ? { pending } : {});
  const path = nextLessonMapPath(dataDir);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(map, null, 2)}\n`);
  return map;
}
