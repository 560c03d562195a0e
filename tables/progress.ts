/**
 * The progress record (TABLES.progress: userId + lessonKey `<courseId>/<lessonId>`): its key,
 * its codec and its two calls, a consistent read and a write conditional on the version read.
 * The progress API (edge/progress-api/progress-table.ts) maps failures to its error codes.
 */
import { GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EMPTY_WATCH_STATE, watchedSeconds, type Interval, type WatchState } from '../edge/progress-api/completion.ts';
import { isConditionFailure, sendOptions, type CallOptions, type Item } from './call.ts';
import { TABLES, tableName } from './schema.ts';

/**
 * One progress record as the progress API keeps it. `version` is 0 when there is no item yet (or an item written before
 * records had versions); every write is conditional on the version it read, so two reports
 * racing on one record never lose each other's intervals.
 */
export interface StoredProgress extends WatchState {
  readonly version: number;
  readonly updatedAt: string | null;
}

export interface ProgressWrite extends WatchState {
  /** Seconds: the lesson's real duration the record was judged against. */
  readonly durationSeconds: number;
  readonly updatedAt: string;
}

export function progressTable(prefix: string): string {
  return tableName(prefix, TABLES.progress);
}

/** The table key of one user's progress on one lesson. */
export function progressKey(userId: string, courseId: string, lessonId: string): Item {
  return { userId: { S: userId }, lessonKey: { S: `${courseId}/${lessonId}` } };
}

/** The table key of a stored progress item (one a Scan returned, say): its userId and lessonKey. */
export function progressKeyOf(item: Item): Item {
  const { partitionKey, sortKey } = TABLES.progress;
  const key: Item = {};
  for (const name of [partitionKey, sortKey]) {
    const value = item[name];
    if (value === undefined) throw new Error(`progress item without its key attribute ${name}`);
    key[name] = value;
  }
  return key;
}

const N = (value: number): AttributeValue => ({ N: String(value) });

function num(item: Record<string, AttributeValue>, key: string): number | undefined {
  const raw = item[key]?.N;
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function intervalsFrom(value: AttributeValue | undefined): Interval[] {
  const out: Interval[] = [];
  for (const pair of value?.L ?? []) {
    const [a, b] = (pair.L ?? []).map((x) => Number(x.N));
    if (Number.isFinite(a) && Number.isFinite(b) && (a as number) >= 0 && (b as number) > (a as number)) out.push([a as number, b as number]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

export function progressFromItem(item: Record<string, AttributeValue> | undefined): StoredProgress {
  if (!item) return { ...EMPTY_WATCH_STATE, version: 0, updatedAt: null };
  const lastPosition = num(item, 'lastPosition');
  const lastReportAt = num(item, 'lastReportAt');
  return {
    position: num(item, 'position') ?? 0,
    watched: intervalsFrom(item['watched']),
    last: lastPosition !== undefined && lastReportAt !== undefined ? { position: lastPosition, atMs: lastReportAt } : null,
    completed: item['completed']?.BOOL === true,
    completedAt: item['completedAt']?.S ?? null,
    updatedAt: item['updatedAt']?.S ?? null,
    version: num(item, 'version') ?? 0,
  };
}

/** The record, or an empty one (version 0). */
export async function getProgress(
  client: DynamoDBClient,
  table: string,
  userId: string,
  courseId: string,
  lessonId: string,
  options: CallOptions = {},
): Promise<StoredProgress> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: table, Key: progressKey(userId, courseId, lessonId), ConsistentRead: true }),
    sendOptions(options),
  );
  return progressFromItem(Item);
}

/**
 * Writes `next` if the record is still at `expectedVersion`: true when written, false when
 * another report got there first. `completedAt` is only ever set if absent.
 */
export async function saveProgress(
  client: DynamoDBClient,
  table: string,
  userId: string,
  courseId: string,
  lessonId: string,
  next: ProgressWrite,
  expectedVersion: number,
  options: CallOptions = {},
): Promise<boolean> {
    // Every attribute by placeholder: POSITION (and others) are DynamoDB reserved words.
    const names: Record<string, string> = {
      '#position': 'position', '#duration': 'duration', '#watched': 'watched', '#watchedSeconds': 'watchedSeconds',
      '#lastPosition': 'lastPosition', '#lastReportAt': 'lastReportAt', '#completed': 'completed', '#updatedAt': 'updatedAt',
      '#courseId': 'courseId', '#lessonId': 'lessonId', '#version': 'version',
    };
    const values: Record<string, AttributeValue> = {
      ':position': N(next.position),
      ':duration': N(next.durationSeconds),
      ':watched': { L: next.watched.map(([a, b]) => ({ L: [N(a), N(b)] })) },
      ':watchedSeconds': N(watchedSeconds(next.watched)),
      ':lastPosition': N(next.last?.position ?? next.position),
      ':lastReportAt': N(next.last?.atMs ?? Date.parse(next.updatedAt)),
      ':completed': { BOOL: next.completed },
      ':updatedAt': { S: next.updatedAt },
      ':courseId': { S: courseId },
      ':lessonId': { S: lessonId },
      ':version': N(expectedVersion + 1),
    };
    const sets = [
      '#position = :position', '#duration = :duration', '#watched = :watched', '#watchedSeconds = :watchedSeconds',
      '#lastPosition = :lastPosition', '#lastReportAt = :lastReportAt', '#completed = :completed', '#updatedAt = :updatedAt',
      '#courseId = :courseId', '#lessonId = :lessonId', '#version = :version',
    ];
    if (next.completedAt) {
      names['#completedAt'] = 'completedAt';
      values[':completedAt'] = { S: next.completedAt };
      // Set once: a record that has it keeps it, whatever this report computed.
      sets.push('#completedAt = if_not_exists(#completedAt, :completedAt)');
    }
    let condition = 'attribute_not_exists(#version)';
    if (expectedVersion > 0) {
      condition = '#version = :expected';
      values[':expected'] = N(expectedVersion);
    }
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: progressKey(userId, courseId, lessonId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
      sendOptions(options),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
