import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../edge/local/start.ts';
import { dynamoClient } from '../../tables/client.ts';
import { deadEndpoints, type DeadEndpoints } from '../support/dead-endpoints.ts';
import { startTestSystem } from '../support/local-system.ts';

/**
 * GET /auth/lessons with a failing dependency: the lessons table hanging, or the encode
 * endpoint down. Both answer 503 + Retry-After inside Lambda@Edge's budget, and a claim whose
 * encode could not be requested is undone (the lesson is pending again for the next request).
 */
let dead: DeadEndpoints;
let hangingUrl: string;
let closedUrl: string;

beforeAll(async () => {
  dead = await deadEndpoints();
  ({ hangingUrl, closedUrl } = dead);
});
afterAll(() => dead?.close());

describe('lesson status with a failing dependency', () => {
  it('answers 503 within its budget when the lessons table hangs', async () => {
    const system = await startTestSystem({ issuerOverrides: { lessons: { region: LOCAL_REGION, tableName: 'lectern-lessons', endpoint: hangingUrl, timeoutMs: 1000 } } });
    try {
      const token = await system.token('student@example.com');
      const started = Date.now();
      const response = await fetch(`${system.url}/auth/lessons/demo/lesson-1`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await response.json()).error.code).toBe('ERR_LESSONS_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await system.cleanup();
    }
  });

  it('answers 503 and leaves the lesson pending when the encode cannot be requested', async () => {
    const system = await startTestSystem({
      issuerOverrides: { onDemand: { requester: { kind: 'http', url: `${closedUrl}/encode-requests`, secret: 'x'.repeat(43) } } },
    });
    const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint: system.dynamoEndpoint });
    try {
      await dynamo.send(
        new PutItemCommand({
          TableName: 'lectern-lessons',
          Item: { courseId: { S: 'demo' }, lessonId: { S: 'later' }, order: { N: '9' }, title: { S: 'Later' }, status: { S: 'pending' }, sourceKey: { S: 'uploads/demo/later/source.mp4' } },
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
