/**
 * The on-demand encode claim on a lesson record: `pending` -> `encoding` for the one request
 * that wins (the cookie issuer, on a student's request), and its release back to `pending` (the
 * issuer when the encode could not be requested; the local system at start-up for encodes it
 * was running when it stopped). One condition for both releases: still `encoding`, with a
 * registered source, and, when the caller names the claim it made, still that claim.
 */
import { ScanCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { allItems, isConditionFailure, sendOptions, str, type CallOptions } from './call.ts';
import { lessonKey } from './lessons.ts';

/**
 * Conditional update `pending` -> `encoding` (or a stale `encoding` claim retaken), only for a
 * lesson with a registered source. True for the one caller that wins, false for the rest.
 */
export async function claimEncode(
  dynamo: DynamoDBClient,
  table: string,
  courseId: string,
  lessonId: string,
  now: Date,
  staleBefore: Date,
  options: CallOptions = {},
): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: lessonKey(courseId, lessonId),
        UpdateExpression: 'SET #s = :encoding, encodeRequestedAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(sourceKey) AND (#s = :pending OR (#s = :encoding AND encodeRequestedAt < :stale))',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':encoding': { S: 'encoding' },
          ':pending': { S: 'pending' },
          ':now': { S: now.toISOString() },
          ':stale': { S: staleBefore.toISOString() },
        },
      }),
      sendOptions(options),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export interface ReleaseOptions extends CallOptions {
  /** Only release the claim made at this instant (its `encodeRequestedAt`): someone else's is left alone. */
  readonly claimedAt?: Date;
  /** ISO time for updatedAt. Default: now. */
  readonly now?: string;
}

/**
 * Back to `pending`: an `encoding` claim whose encode will never finish. Only a lesson with a
 * registered source that is still `encoding` (and, with `claimedAt`, still that claim) is
 * touched, so a published or failed record is left alone. True when released.
 */
export async function releaseEncodeClaim(dynamo: DynamoDBClient, table: string, courseId: string, lessonId: string, options: ReleaseOptions = {}): Promise<boolean> {
  const own = options.claimedAt !== undefined;
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: lessonKey(courseId, lessonId),
        UpdateExpression: 'SET #s = :pending, updatedAt = :now REMOVE encodeRequestedAt, #j',
        ConditionExpression: `#s = :encoding AND attribute_exists(sourceKey)${own ? ' AND encodeRequestedAt = :claimed' : ''}`,
        ExpressionAttributeNames: { '#s': 'status', '#j': 'jobId' },
        ExpressionAttributeValues: {
          ':pending': { S: 'pending' },
          ':encoding': { S: 'encoding' },
          ':now': { S: options.now ?? new Date().toISOString() },
          ...(own ? { ':claimed': { S: options.claimedAt!.toISOString() } } : {}),
        },
      }),
      sendOptions(options),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Every lesson left `encoding` with a registered source: on-demand claims to release at start-up. */
export async function listInterruptedOnDemandEncodes(dynamo: DynamoDBClient, table: string, options: CallOptions = {}): Promise<{ courseId: string; lessonId: string }[]> {
  const items = await allItems(
    dynamo,
    (ExclusiveStartKey) =>
      new ScanCommand({
        TableName: table,
        ProjectionExpression: 'courseId, lessonId',
        FilterExpression: '#s = :encoding AND attribute_exists(sourceKey)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':encoding': { S: 'encoding' } },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    options,
  );
  return items.map((item) => ({ courseId: str(item, 'courseId') ?? '', lessonId: str(item, 'lessonId') ?? '' }));
}
