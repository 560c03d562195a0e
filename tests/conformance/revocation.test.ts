import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../tables/client.ts';
import { unenroll } from '../../tables/enrollments.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { subFor } from '../../local/demo-data.ts';
import { LOCAL_REGION } from '../../local/start.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

/**
 * Access ends when it should, measured at the edge with no player involved: after an enrollment
 * is removed, the cookies already handed out stop working within the session lifetime, and no
 * new session is issued. (The browser suite shows the player's side of the same bound.)
 */
const LIFETIME = 10;
let system: TestSystem & { cleanup(): Promise<void> };

beforeAll(async () => {
  system = await startTestSystem({ stack: { cookieTtlSeconds: LIFETIME } });
});
afterAll(async () => system?.cleanup());

describe('revoking an enrollment', () => {
  it('stops media requests at the edge within the session lifetime, and refuses renewal at once', async () => {
    await system.enroll('other@example.com', 'demo');
    const token = await system.token('other@example.com');
    const { response, cookie, body } = await system.session(token, 'demo');
    expect(response.status).toBe(200);
    expect(body.expiresIn).toBeLessThanOrEqual(LIFETIME);
    const segment = '/courses/demo/lesson-1/v0mwq9a000-0000/720p/segment_00001.m4s';
    expect((await system.fetch(segment, { cookie })).status).toBe(200);

    await unenroll(dynamoClient({ region: LOCAL_REGION, endpoint: system.dynamoEndpoint }), DEFAULT_TABLE_PREFIX, subFor('other@example.com'), 'demo');
    const revokedAt = Date.now();
    expect((await system.session(token, 'demo')).body.error.code).toBe('ERR_NOT_ENROLLED');

    let status = 200;
    while (status === 200 && Date.now() - revokedAt < (LIFETIME + 3) * 1000) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await system.fetch(segment, { cookie })).status;
    }
    const elapsedSeconds = (Date.now() - revokedAt) / 1000;
    expect(status).toBe(403);
    // DateLessThan is whole seconds, so the bound is the lifetime plus the second it was cut in.
    expect(elapsedSeconds).toBeLessThanOrEqual(LIFETIME + 1);
  }, 30_000);
});
