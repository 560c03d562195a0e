/**
 * The lesson record (TABLES.lessons: courseId + lessonId): its type, its key, its codec and
 * its reads. Writes are in lesson-writes.ts, the on-demand encode claim in lesson-claims.ts.
 * The pipeline (pipeline/lessons.ts), the cookie issuer and the progress API all use these.
 */
import { GetItemCommand, QueryCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isVersionName } from '../edge/lesson-versions.ts';
import { allItems, num, sendOptions, str, type CallOptions, type Item } from './call.ts';
import { TABLES, tableName } from './schema.ts';

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

/** A record as a reader may see it: the status, and whichever other fields it has. */
export type LessonView = Pick<LessonRecord, 'status'> & Partial<Omit<LessonRecord, 'status'>>;

export function lessonsTable(prefix: string): string {
  return tableName(prefix, TABLES.lessons);
}

/** The table key of one lesson. */
export function lessonKey(courseId: string, lessonId: string): Item {
  return { courseId: { S: courseId }, lessonId: { S: lessonId } };
}

const STATUSES: ReadonlySet<string> = new Set<LessonStatus>(['pending', 'encoding', 'published', 'failed']);
const OPTIONAL_STRINGS = [
  'manifestKey', 'posterKey', 'thumbnailsKey', 'updatedAt', 'error', 'errorKind', 'sourceKey', 'sourceFingerprint',
  'encodeRequestedAt', 'jobId', 'uploadSequencer', 'publishedVersion', 'replacedVersion',
] as const;
const OPTIONAL_NUMBERS = ['durationSeconds', 'replacedUntil'] as const;

/** Item -> record. Absent required fields read as empty; an unknown status reads as `pending`. */
export function lessonFromItem(item: Item): LessonRecord {
  const renditions = item['renditions']?.L?.map((r) => {
    const m = r.M ?? {};
    return {
      name: m['name']?.S ?? '',
      width: Number(m['width']?.N ?? 0),
      height: Number(m['height']?.N ?? 0),
      bandwidth: Number(m['bandwidth']?.N ?? 0),
    };
  });
  const status = str(item, 'status');
  const record: Record<string, unknown> = {
    courseId: str(item, 'courseId') ?? '',
    lessonId: str(item, 'lessonId') ?? '',
    order: num(item, 'order') ?? 0,
    title: str(item, 'title') ?? '',
    status: status !== undefined && STATUSES.has(status) ? status : 'pending',
  };
  for (const key of OPTIONAL_STRINGS) {
    const value = str(item, key);
    if (value !== undefined) record[key] = value;
  }
  for (const key of OPTIONAL_NUMBERS) {
    const value = num(item, key);
    if (value !== undefined) record[key] = value;
  }
  if (renditions !== undefined) record['renditions'] = renditions;
  return record as unknown as LessonRecord;
}

/** Record -> item (the whole record; writes in lesson-writes.ts set only what they change). */
export function lessonToItem(record: LessonRecord): Item {
  const item: Item = {
    ...lessonKey(record.courseId, record.lessonId),
    order: { N: String(record.order) },
    title: { S: record.title },
    status: { S: record.status },
  };
  for (const key of OPTIONAL_STRINGS) {
    const value = record[key];
    if (value !== undefined) item[key] = { S: value };
  }
  for (const key of OPTIONAL_NUMBERS) {
    const value = record[key];
    if (value !== undefined) item[key] = { N: String(value) };
  }
  if (record.renditions !== undefined) item['renditions'] = renditionsValue(record.renditions);
  return item;
}

export function renditionsValue(renditions: readonly RenditionSummary[]): AttributeValue {
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

// ---------- reads ----------

/** One lesson (consistent read), or null. */
export async function getLesson(dynamo: DynamoDBClient, table: string, courseId: string, lessonId: string, options: CallOptions = {}): Promise<LessonRecord | null> {
  const r = await dynamo.send(new GetItemCommand({ TableName: table, Key: lessonKey(courseId, lessonId), ConsistentRead: true }), sendOptions(options));
  return r.Item ? lessonFromItem(r.Item) : null;
}

/** Every lesson of one course, all pages. */
export async function listCourseLessons(dynamo: DynamoDBClient, table: string, courseId: string, options: CallOptions = {}): Promise<LessonRecord[]> {
  const items = await allItems(
    dynamo,
    (ExclusiveStartKey) =>
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'courseId = :c',
        ExpressionAttributeValues: { ':c': { S: courseId } },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    options,
  );
  return items.map(lessonFromItem);
}

/** Every lesson in the table, with the fields the next-lesson map is built from. */
export async function scanLessonsForMap(dynamo: DynamoDBClient, table: string, options: CallOptions = {}): Promise<LessonRecord[]> {
  const items = await allItems(
    dynamo,
    (ExclusiveStartKey) =>
      new ScanCommand({
        TableName: table,
        ProjectionExpression: 'courseId, lessonId, #o, #s, publishedVersion, replacedVersion, replacedUntil, posterKey, thumbnailsKey',
        ExpressionAttributeNames: { '#o': 'order', '#s': 'status' },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    options,
  );
  return items.map(lessonFromItem);
}
