/**
 * The pipeline's writes to a lesson record: its place in the course, the state before an
 * encode, published, failed. Each is one UpdateItem on lessonKey (lessons.ts); where a lesson
 * goes is decided in pipeline/lessons.ts.
 */
import type { LessonErrorKind } from '../pipeline/errors.ts';
import { UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REPLACED_VERSION_GRACE_SECONDS } from '../edge/lesson-versions.ts';
import { getLesson, lessonKey, publishedVersionOf, renditionsValue, type LessonRecord, type RenditionSummary } from './lessons.ts';

/** Sets an existing lesson's order (never creates one). */
export async function setLessonOrder(dynamo: DynamoDBClient, table: string, courseId: string, lessonId: string, order: number, now: string): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: lessonKey(courseId, lessonId),
      UpdateExpression: 'SET #o = :o, updatedAt = :t',
      ConditionExpression: 'attribute_exists(lessonId)',
      ExpressionAttributeNames: { '#o': 'order' },
      ExpressionAttributeValues: { ':o': { N: String(order) }, ':t': { S: now } },
    }),
  );
}

export interface BeforeEncodeFields {
  /** The lesson's new order, when it is new or moved. */
  readonly order?: number;
  readonly title?: string;
  /** Set unless a published version exists (`before` is the record as read). */
  readonly status: 'encoding' | 'pending';
  readonly sourceKey?: string;
  readonly jobId?: string;
}

/**
 * Creates or updates the record before an encode: order, title (the lesson id for a new one
 * without a title), status unless a published version exists, source, job, and the request
 * time of an on-demand encode (status `encoding` with a source).
 */
export async function writeBeforeEncode(
  dynamo: DynamoDBClient,
  table: string,
  courseId: string,
  lessonId: string,
  before: LessonRecord | null,
  fields: BeforeEncodeFields,
  now: string,
): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = { ':now': { S: now } };
  const sets = ['updatedAt = :now'];
  const set = (name: string, attr: string, value: AttributeValue) => {
    names[name] = attr;
    values[`:${attr}`] = value;
    sets.push(`${name} = :${attr}`);
  };
  if (fields.order !== undefined) set('#o', 'order', { N: String(fields.order) });
  if (fields.title !== undefined) set('#t', 'title', { S: fields.title });
  else if (!before) set('#t', 'title', { S: lessonId });
  if (before?.status !== 'published') set('#s', 'status', { S: fields.status });
  if (fields.sourceKey !== undefined) set('#k', 'sourceKey', { S: fields.sourceKey });
  if (fields.jobId !== undefined) set('#j', 'jobId', { S: fields.jobId });
  if (fields.status === 'encoding' && fields.sourceKey !== undefined) set('#q', 'encodeRequestedAt', { S: now });
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: lessonKey(courseId, lessonId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
      ExpressionAttributeValues: values,
    }),
  );
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
      Key: lessonKey(courseId, lessonId),
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
  errorKind: LessonErrorKind = 'unknown',
): Promise<void> {
  const current = await getLesson(dynamo, table, courseId, lessonId);
  const keepPublished = current?.status === 'published';
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: lessonKey(courseId, lessonId),
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
