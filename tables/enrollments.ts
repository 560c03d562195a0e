/**
 * The enrollment record (TABLES.enrollments: userId + courseId): who may watch which course.
 * Written by the local start-up and tests (enroll/unenroll); read by both Lambda@Edge
 * functions (isEnrolled, with their per-call timeout).
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sendOptions, str, type CallOptions, type Item } from './call.ts';
import { TABLES, tableName } from './schema.ts';

export interface EnrollmentRecord {
  /** The Cognito `sub`. */
  readonly userId: string;
  readonly courseId: string;
  /** ISO time. */
  readonly enrolledAt?: string;
  readonly email?: string;
}

export function enrollmentsTable(prefix: string): string {
  return tableName(prefix, TABLES.enrollments);
}

export function enrollmentKey(userId: string, courseId: string): Item {
  return { userId: { S: userId }, courseId: { S: courseId } };
}

export function enrollmentToItem(record: EnrollmentRecord): Item {
  return {
    ...enrollmentKey(record.userId, record.courseId),
    ...(record.enrolledAt !== undefined ? { enrolledAt: { S: record.enrolledAt } } : {}),
    ...(record.email ? { email: { S: record.email } } : {}),
  };
}

export function enrollmentFromItem(item: Item): EnrollmentRecord {
  const enrolledAt = str(item, 'enrolledAt');
  const email = str(item, 'email');
  return {
    userId: str(item, 'userId') ?? '',
    courseId: str(item, 'courseId') ?? '',
    ...(enrolledAt !== undefined ? { enrolledAt } : {}),
    ...(email !== undefined ? { email } : {}),
  };
}

export async function enroll(client: DynamoDBClient, prefix: string, enrollment: { userId: string; courseId: string; email?: string }): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: enrollmentsTable(prefix),
      Item: enrollmentToItem({ ...enrollment, enrolledAt: new Date().toISOString() }),
    }),
  );
}

export async function unenroll(client: DynamoDBClient, prefix: string, userId: string, courseId: string): Promise<void> {
  await client.send(new DeleteItemCommand({ TableName: enrollmentsTable(prefix), Key: enrollmentKey(userId, courseId) }));
}

/** One GetItem on (userId, courseId), projecting only the key: true when the item exists. */
export async function isEnrolled(client: DynamoDBClient, table: string, userId: string, courseId: string, options: CallOptions = {}): Promise<boolean> {
  const result = await client.send(
    new GetItemCommand({ TableName: table, Key: enrollmentKey(userId, courseId), ProjectionExpression: 'userId' }),
    sendOptions(options),
  );
  return result.Item !== undefined;
}
