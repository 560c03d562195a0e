/**
 * What the lesson record says about late caption files (late-captions.ts), for the course team:
 * the last one handled (`lateCaptionsFile`), whether it was `published` or `refused`
 * (`lateCaptionsState`), and the language and URI it published or its `file:line: reason`
 * (`lateCaptionsDetail`), set on the existing record only. A refused file never touches
 * `status` or `error`: those describe the published video, which students still get.
 *
 * `sourceVersion` is the version folder the trigger's last job for `sourceKey` writes: what
 * tells a late sidecar that the published version is made from its video. The lesson codec
 * (tables/lessons.ts) leaves these attributes untouched, like `autoCaptions*`.
 */
import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lessonKey } from '../../tables/lessons.ts';

export type LateCaptionsState = 'published' | 'refused';

export interface LateCaptionsRecord {
  readonly courseId: string;
  readonly lessonId: string;
  readonly state: LateCaptionsState;
  /** The caption file's name in the uploads folder. */
  readonly file: string;
  readonly detail: string;
}

export async function recordLateCaptions(dynamo: Pick<DynamoDBClient, 'send'>, table: string, r: LateCaptionsRecord, now = new Date().toISOString()): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: lessonKey(r.courseId, r.lessonId),
      UpdateExpression: 'SET lateCaptionsState = :s, lateCaptionsFile = :f, lateCaptionsDetail = :d, lateCaptionsAt = :t',
      ConditionExpression: 'attribute_exists(lessonId)',
      ExpressionAttributeValues: { ':s': { S: r.state }, ':f': { S: r.file }, ':d': { S: r.detail.slice(0, 2000) }, ':t': { S: now } },
    }),
  );
}

/**
 * Removed (null) whenever the trigger names a source (prepareLesson): until that source's job is
 * submitted, no version is known to be made from it, whatever happens next (refused captions,
 * a failed submit). Set, with the job id, after a submit.
 */
export async function setSourceVersion(dynamo: Pick<DynamoDBClient, 'send'>, table: string, courseId: string, lessonId: string, version: string | null): Promise<void> {
  await dynamo.send(new UpdateItemCommand({
    TableName: table,
    Key: lessonKey(courseId, lessonId),
    ...(version === null
      ? { UpdateExpression: 'REMOVE sourceVersion' }
      : { UpdateExpression: 'SET sourceVersion = :v', ExpressionAttributeValues: { ':v': { S: version } } }),
  }));
}

/** `sourceVersion` of a lesson record. */
export async function sourceVersionOf(dynamo: Pick<DynamoDBClient, 'send'>, table: string, courseId: string, lessonId: string): Promise<string | undefined> {
  const r = await dynamo.send(new GetItemCommand({ TableName: table, Key: lessonKey(courseId, lessonId), ConsistentRead: true, ProjectionExpression: 'sourceVersion' }));
  return r.Item?.['sourceVersion']?.S;
}

/**
 * One late sidecar at a time per lesson: each rewrites master.m3u8 from what it read, and S3
 * invokes the trigger asynchronously, one invocation per event, so two files dropped together
 * run at once and each would drop the other's track
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html). A lease on the record, not a
 * lock: one whose holder died lapses after LEASE_MS.
 */
export const LEASE_MS = 20_000;

export async function claimCaptionsLease(dynamo: Pick<DynamoDBClient, 'send'>, table: string, courseId: string, lessonId: string, token: string, nowMs = Date.now()): Promise<boolean> {
  try {
    await dynamo.send(new UpdateItemCommand({
      TableName: table,
      Key: lessonKey(courseId, lessonId),
      UpdateExpression: 'SET lateCaptionsLease = :token, lateCaptionsLeaseUntil = :until',
      ConditionExpression: 'attribute_exists(lessonId) AND (attribute_not_exists(lateCaptionsLease) OR lateCaptionsLeaseUntil < :now)',
      ExpressionAttributeValues: { ':token': { S: token }, ':until': { N: String(nowMs + LEASE_MS) }, ':now': { N: String(nowMs) } },
    }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function releaseCaptionsLease(dynamo: Pick<DynamoDBClient, 'send'>, table: string, courseId: string, lessonId: string, token: string): Promise<void> {
  await dynamo.send(new UpdateItemCommand({
    TableName: table,
    Key: lessonKey(courseId, lessonId),
    UpdateExpression: 'REMOVE lateCaptionsLease, lateCaptionsLeaseUntil',
    ConditionExpression: 'lateCaptionsLease = :token',
    ExpressionAttributeValues: { ':token': { S: token } },
  })).catch((error: Error) => {
    if (error.name !== 'ConditionalCheckFailedException') throw error;
  });
}
