/**
 * What the lesson record says about its automatic captions, for the course team: the job,
 * its state (`started`, `published`, `skipped`, `failed`) and why, set on the existing record
 * only (ConditionExpression: a lesson deleted meanwhile is not recreated). These attributes
 * are written here alone; the lesson codec (tables/lessons.ts) leaves them untouched, and no
 * other write removes them.
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lessonKey } from '../../tables/lessons.ts';

export type AutoCaptionsState = 'started' | 'published' | 'skipped' | 'failed';

export interface AutoCaptionsRecord {
  readonly courseId: string;
  readonly lessonId: string;
  readonly version: string;
  readonly state: AutoCaptionsState;
  readonly jobName?: string;
  /** The language of the published track, or the reason for skipped/failed. */
  readonly detail?: string;
}

export async function recordAutoCaptions(dynamo: Pick<DynamoDBClient, 'send'>, table: string, r: AutoCaptionsRecord, now = new Date().toISOString()): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: lessonKey(r.courseId, r.lessonId),
      UpdateExpression: 'SET autoCaptionsState = :s, autoCaptionsVersion = :v, autoCaptionsJob = :j, autoCaptionsDetail = :d, autoCaptionsAt = :t',
      ConditionExpression: 'attribute_exists(lessonId)',
      ExpressionAttributeValues: {
        ':s': { S: r.state },
        ':v': { S: r.version },
        ':j': { S: r.jobName ?? '' },
        ':d': { S: r.detail ?? '' },
        ':t': { S: now },
      },
    }),
  );
}
