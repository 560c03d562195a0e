/**
 * Test helpers for the progress API: dynalite with the three tables from tables/schema.ts,
 * lessons published through the pipeline's own writer, a clock the test moves, and a config
 * pinned to keys the test generates (edge/cookie-issuer/test-kit.ts). No network.
 */
import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JWK } from 'jose';
import { markPublished } from '../../pipeline/lessons.ts';
import { startLocalDynamo } from '../../pipeline/test-dynamo.ts';
import { enroll } from '../../tables/enrollments.ts';
import { ensureTables } from '../../tables/ensure-tables.ts';
import { progressKey } from '../../tables/progress.ts';
import { TABLES, tableName } from '../../tables/schema.ts';
import { CLIENT_ID, FROZEN_NOW, ISSUER } from '../cookie-issuer/test-kit.ts';

export interface TestTables {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly prefix: string;
  /** A lesson as the pipeline publishes it, with its real duration in seconds. */
  publish(courseId: string, lessonId: string, durationSeconds: number): Promise<void>;
  /** A lesson registered but still encoding (not published). */
  encoding(courseId: string, lessonId: string): Promise<void>;
  enroll(userId: string, courseId: string): Promise<void>;
  /** The raw progress item, or undefined: what a refused request must not have written. */
  progressItem(userId: string, courseId: string, lessonId: string): Promise<Record<string, AttributeValue> | undefined>;
  close(): Promise<void>;
}

export async function startTestTables(prefix = 'lectern-test-'): Promise<TestTables> {
  const local = await startLocalDynamo(prefix);
  await ensureTables(local.dynamo, prefix);
  const lessons = tableName(prefix, TABLES.lessons);
  return {
    endpoint: local.endpoint,
    client: local.dynamo,
    prefix,
    publish: (courseId, lessonId, durationSeconds) =>
      markPublished(local.dynamo, lessons, courseId, lessonId, {
        version: 'v0mwq9a000-beef',
        manifestKey: `courses/${courseId}/${lessonId}/master.m3u8`,
        durationSeconds,
        renditions: [{ name: '720p', width: 1280, height: 720, bandwidth: 3_000_000 }],
        title: lessonId,
      }),
    encoding: async (courseId, lessonId) => {
      await local.dynamo.send(new PutItemCommand({ TableName: lessons, Item: { courseId: { S: courseId }, lessonId: { S: lessonId }, status: { S: 'encoding' }, order: { N: '9' } } }));
    },
    enroll: (userId, courseId) => enroll(local.dynamo, prefix, { userId, courseId }),
    progressItem: async (userId, courseId, lessonId) =>
      (await local.dynamo.send(new GetItemCommand({ TableName: tableName(prefix, TABLES.progress), Key: progressKey(userId, courseId, lessonId), ConsistentRead: true }))).Item,
    close: () => local.close(),
  };
}

/** The raw config.json a deploy would bake, pointed at the test tables. */
export function rawTestConfig(tables: TestTables, jwk: JWK, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: ISSUER,
    clientIds: [CLIENT_ID],
    jwks: { keys: [jwk] },
    // Never fetched: the test's key is bundled. A closed port if it ever were.
    jwksUri: 'http://127.0.0.1:9/jwks.json',
    corsAllowedOrigins: ['https://school.example'],
    enrollments: { region: 'us-east-1', tableName: tableName(tables.prefix, TABLES.enrollments), endpoint: tables.endpoint },
    lessons: { tableName: tableName(tables.prefix, TABLES.lessons) },
    progress: { tableName: tableName(tables.prefix, TABLES.progress) },
    ...extra,
  };
}

/** Server time, frozen, moved only by the test. */
export function testClock(start: Date = FROZEN_NOW): { now: () => Date; advance(seconds: number): void; readonly epochSeconds: number } {
  let ms = start.getTime();
  return {
    now: () => new Date(ms),
    advance(seconds) {
      ms += seconds * 1000;
    },
    get epochSeconds() {
      return Math.floor(ms / 1000);
    },
  };
}
