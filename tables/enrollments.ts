import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, tableName } from './schema.ts';

export async function enroll(client: DynamoDBClient, prefix: string, enrollment: { userId: string; courseId: string; email?: string }): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName(prefix, TABLES.enrollments),
      Item: {
        userId: { S: enrollment.userId },
        courseId: { S: enrollment.courseId },
        enrolledAt: { S: new Date().toISOString() },
        ...(enrollment.email ? { email: { S: enrollment.email } } : {}),
      },
    }),
  );
}

export async function unenroll(client: DynamoDBClient, prefix: string, userId: string, courseId: string): Promise<void> {
  await client.send(
    new DeleteItemCommand({ TableName: tableName(prefix, TABLES.enrollments), Key: { userId: { S: userId }, courseId: { S: courseId } } }),
  );
}
