import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getProgress, saveProgress, type ProgressWrite, type StoredProgress } from '../../tables/progress.ts';
import { LecternError } from '../errors.ts';

/** The record types live with the table (tables/progress.ts). */
export type { ProgressWrite, StoredProgress };

export interface ProgressTable {
  /** The record, or an empty one (version 0). Throws ERR_PROGRESS_UNAVAILABLE. */
  get(userId: string, courseId: string, lessonId: string, signal?: AbortSignal): Promise<StoredProgress>;
  /**
   * Writes `next` if the record is still at `expectedVersion`: true when written, false when
   * another report got there first (read again and retry). `completedAt` is only ever set if
   * absent. Throws ERR_PROGRESS_UNAVAILABLE.
   */
  save(userId: string, courseId: string, lessonId: string, next: ProgressWrite, expectedVersion: number, signal?: AbortSignal): Promise<boolean>;
}

/**
 * The progress table: GetItem (consistent) and a conditional UpdateItem, nothing else (the
 * function's role allows exactly those). Each call is cut off at `timeoutMs`, or sooner when the
 * request's own budget (`signal`) runs out; any failure is ERR_PROGRESS_UNAVAILABLE.
 */
export function createProgressTable(client: DynamoDBClient, tableName: string, timeoutMs: number): ProgressTable {
  return {
    async get(userId, courseId, lessonId, signal) {
      try {
        return await getProgress(client, tableName, userId, courseId, lessonId, { timeoutMs, ...(signal ? { signal } : {}) });
      } catch (error) {
        throw new LecternError('ERR_PROGRESS_UNAVAILABLE', 'progress read failed', { cause: error });
      }
    },
    async save(userId, courseId, lessonId, next, expectedVersion, signal) {
      try {
        return await saveProgress(client, tableName, userId, courseId, lessonId, next, expectedVersion, { timeoutMs, ...(signal ? { signal } : {}) });
      } catch (error) {
        throw new LecternError('ERR_PROGRESS_UNAVAILABLE', 'progress write failed', { cause: error });
      }
    },
  };
}
