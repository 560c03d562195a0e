import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isEnrolled } from '../../tables/enrollments.ts';
import { LecternError } from '../errors.ts';

export interface EnrollmentChecker {
  isEnrolled(userId: string, courseId: string): Promise<boolean>;
}

/**
 * One GetItem on (userId, courseId) (tables/enrollments.ts). The whole lookup, retries included,
 * is cut off at `timeoutMs` so a slow table answers 503 well inside Lambda@Edge's 5 s, and any
 * failure is "unavailable" (never "enrolled").
 */
export function createEnrollmentChecker(client: DynamoDBClient, tableName: string, timeoutMs: number): EnrollmentChecker {
  return {
    async isEnrolled(userId, courseId) {
      try {
        return await isEnrolled(client, tableName, userId, courseId, { timeoutMs });
      } catch (error) {
        throw new LecternError('ERR_ENROLLMENT_UNAVAILABLE', 'enrollment lookup failed', { cause: error });
      }
    },
  };
}
