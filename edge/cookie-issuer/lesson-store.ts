import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LecternError } from '../errors.ts';

/** What the lesson-status route reads from a lesson record (pipeline/lessons.ts writes it). */
export interface LessonView {
  readonly status: 'pending' | 'encoding' | 'published' | 'failed';
  readonly title?: string;
  readonly manifestKey?: string;
  readonly durationSeconds?: number;
  readonly renditions?: readonly { name: string; width: number; height: number; bandwidth: number }[];
  readonly posterKey?: string;
  readonly thumbnailsKey?: string;
  readonly sourceKey?: string;
  readonly errorKind?: string;
  readonly encodeRequestedAt?: string;
}

export interface LessonStore {
  /** The record, or null. Throws ERR_LESSONS_UNAVAILABLE when the table cannot be read. */
  get(courseId: string, lessonId: string): Promise<LessonView | null>;
  /**
   * Conditional update `pending` -> `encoding` (or a stale `encoding` claim retaken), only for
   * a lesson with a registered source. True for the one request that wins; false for the rest,
   * so two students asking at once start one encode.
   */
  claimEncode(courseId: string, lessonId: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** Undoes a claim whose encode could not be requested (back to `pending`). */
  releaseClaim(courseId: string, lessonId: string, claimedAt: Date): Promise<void>;
}

const STATUSES = new Set(['pending', 'encoding', 'published', 'failed']);

function toView(item: Record<string, AttributeValue>): LessonView {
  const s = (k: string) => item[k]?.S;
  const n = (k: string) => (item[k]?.N !== undefined ? Number(item[k]!.N) : undefined);
  const status = s('status');
  const renditions = item['renditions']?.L?.map((r) => {
    const m = r.M ?? {};
    return { name: m['name']?.S ?? '', width: Number(m['width']?.N ?? 0), height: Number(m['height']?.N ?? 0), bandwidth: Number(m['bandwidth']?.N ?? 0) };
  });
  const optional: Record<string, unknown> = {
    title: s('title'),
    manifestKey: s('manifestKey'),
    durationSeconds: n('durationSeconds'),
    renditions,
    posterKey: s('posterKey'),
    thumbnailsKey: s('thumbnailsKey'),
    sourceKey: s('sourceKey'),
    errorKind: s('errorKind'),
    encodeRequestedAt: s('encodeRequestedAt'),
  };
  return {
    status: status && STATUSES.has(status) ? (status as LessonView['status']) : 'pending',
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/**
 * Lesson records in DynamoDB, each call cut off at `timeoutMs` (Lambda@Edge has 5 s in all);
 * any failure is ERR_LESSONS_UNAVAILABLE, never a guess.
 */
export function createLessonStore(client: DynamoDBClient, tableName: string, timeoutMs: number): LessonStore {
  const key = (courseId: string, lessonId: string) => ({ courseId: { S: courseId }, lessonId: { S: lessonId } });
  return {
    async get(courseId, lessonId) {
      try {
        const result = await client.send(
          new GetItemCommand({ TableName: tableName, Key: key(courseId, lessonId), ConsistentRead: true }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
        return result.Item ? toView(result.Item) : null;
      } catch (error) {
        throw new LecternError('ERR_LESSONS_UNAVAILABLE', 'lesson lookup failed', { cause: error });
      }
    },
    async claimEncode(courseId, lessonId, now, staleBefore) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(courseId, lessonId),
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
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw new LecternError('ERR_LESSONS_UNAVAILABLE', 'lesson claim failed', { cause: error });
      }
    },
    async releaseClaim(courseId, lessonId, claimedAt) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(courseId, lessonId),
            UpdateExpression: 'SET #s = :pending REMOVE encodeRequestedAt',
            ConditionExpression: '#s = :encoding AND encodeRequestedAt = :claimed',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':encoding': { S: 'encoding' }, ':pending': { S: 'pending' }, ':claimed': { S: claimedAt.toISOString() } },
          }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
      } catch {
        // Best effort: a claim left behind is retaken once it is older than the stale window.
      }
    },
  };
}
