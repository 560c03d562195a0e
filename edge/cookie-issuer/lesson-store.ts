import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { claimEncode, releaseEncodeClaim } from '../../tables/lesson-claims.ts';
import { getLesson, type LessonView } from '../../tables/lessons.ts';
import { LecternError } from '../errors.ts';

/** What the lesson-status route reads from a lesson record (tables/lessons.ts: the one codec). */
export type { LessonView };

export interface LessonStore {
  /** The record, or null. Throws ERR_LESSONS_UNAVAILABLE when the table cannot be read. */
  get(courseId: string, lessonId: string): Promise<LessonView | null>;
  /**
   * Conditional update `pending` -> `encoding` (or a stale `encoding` claim retaken), only for
   * a lesson with a registered source. True for the one request that wins; false for the rest,
   * so two students asking at once start one encode.
   */
  claimEncode(courseId: string, lessonId: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** Undoes a claim whose encode could not be requested (back to `pending`), only if still this claim. */
  releaseClaim(courseId: string, lessonId: string, claimedAt: Date): Promise<void>;
}

/**
 * Lesson records in DynamoDB (tables/), each call cut off at `timeoutMs` (Lambda@Edge has 5 s
 * in all); any failure is ERR_LESSONS_UNAVAILABLE, never a guess.
 */
export function createLessonStore(client: DynamoDBClient, tableName: string, timeoutMs: number): LessonStore {
  return {
    async get(courseId, lessonId) {
      try {
        return await getLesson(client, tableName, courseId, lessonId, { timeoutMs });
      } catch (error) {
        throw new LecternError('ERR_LESSONS_UNAVAILABLE', 'lesson lookup failed', { cause: error });
      }
    },
    async claimEncode(courseId, lessonId, now, staleBefore) {
      try {
        return await claimEncode(client, tableName, courseId, lessonId, now, staleBefore, { timeoutMs });
      } catch (error) {
        throw new LecternError('ERR_LESSONS_UNAVAILABLE', 'lesson claim failed', { cause: error });
      }
    },
    async releaseClaim(courseId, lessonId, claimedAt) {
      // Best effort: a claim left behind is retaken once it is older than the stale window.
      await releaseEncodeClaim(client, tableName, courseId, lessonId, { claimedAt, timeoutMs }).catch(() => undefined);
    },
  };
}
