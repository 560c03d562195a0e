import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../local/start.ts';
import { dynamoClient } from '../../tables/client.ts';
import { lessonsTable, lessonToItem } from '../../tables/lessons.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { deadEndpoints, selectivelyHangingDynamo, type DeadEndpoints } from '../support/dead-endpoints.ts';
import { startTestSystem } from '../support/local-system.ts';

/**
 * GET /auth/lessons with a failing dependency: the lessons table hanging, or the encode
 * endpoint down. Both answer 503 + Retry-After inside Lambda@Edge's budget, and a claim whose
 * encode could not be requested is undone (the lesson is pending again for the next request).
 */
let dead: DeadEndpoints;
let closedUrl: string;

beforeAll(async () => {
  dead = await deadEndpoints();
  ({ closedUrl } = dead);
});
afterAll(() => dead?.close());

describe('lesson status with a failing dependency', () => {
  it('answers 503 within its budget when the lessons table hangs', async () => {
    // DynamoDB answers for the enrollments table and holds every request on the lessons table.
    let dynamoEndpoint = '';
    const dynamo = await selectivelyHangingDynamo(() => dynamoEndpoint, [lessonsTable(DEFAULT_TABLE_PREFIX)]);
    const system = await startTestSystem({ standIns: { endpointOverrides: { DYNAMODB: dynamo.url } } });
    dynamoEndpoint = system.dynamoEndpoint;
    try {
      const token = await system.token('student@example.com');
      const started = Date.now();
      const response = await fetch(`${system.url}/auth/lessons/demo/lesson-1`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await response.json()).error.code).toBe('ERR_LESSONS_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      dynamo.close();
      await system.cleanup();
    }
  });

  it('answers 503 and leaves the lesson pending when the encode cannot be requested', async () => {
    // On-demand mode: the issuer invokes the upload trigger through Lambda's API, here refused.
    const system = await startTestSystem({ stack: { onDemandEncoding: true }, standIns: { endpointOverrides: { LAMBDA: closedUrl } } });
    const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint: system.dynamoEndpoint });
    try {
      await dynamo.send(
        new PutItemCommand({
          TableName: lessonsTable(DEFAULT_TABLE_PREFIX),
          Item: lessonToItem({ courseId: 'demo', lessonId: 'later', order: 9, title: 'Later', status: 'pending', sourceKey: 'uploads/demo/later/source.mp4' }),
        }),
      );
      const token = await system.token('student@example.com');
      const response = await fetch(`${system.url}/auth/lessons/demo/later`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('10');
      expect((await response.json()).error.code).toBe('ERR_ENCODE_UNAVAILABLE');
      const again = await fetch(`${system.url}/auth/lessons/demo/later`, { headers: { authorization: `Bearer ${token}` } });
      expect(again.status).toBe(503); // claimed again, and released again: not stuck in "encoding"
    } finally {
      dynamo.destroy();
      await system.cleanup();
    }
  });
});
