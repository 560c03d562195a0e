import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../edge/local/start.ts';
import { deadEndpoints, type DeadEndpoints } from '../support/dead-endpoints.ts';
import { startTestSystem } from '../support/local-system.ts';

/**
 * When the IdP or DynamoDB is down or hangs, the issuer must fail closed: 503 with Retry-After,
 * no cookies, and well inside Lambda@Edge's 5 s viewer budget.
 */
let dead: DeadEndpoints;
let hangingUrl: string;
let closedUrl: string;

beforeAll(async () => {
  dead = await deadEndpoints();
  ({ hangingUrl, closedUrl } = dead);
});
afterAll(() => dead?.close());

async function expectUnavailable(overrides: Record<string, unknown>, code: string, budgetMs: number): Promise<void> {
  const system = await startTestSystem({ issuerOverrides: overrides });
  try {
    const token = await system.token('student@example.com');
    const started = Date.now();
    const { response, body } = await system.session(token, 'demo');
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(body.error.code).toBe(code);
    expect(elapsed).toBeLessThan(budgetMs);
  } finally {
    await system.cleanup();
  }
}

describe('the cookie issuer with a failing dependency', () => {
  it('answers 503 at once when the IdP is down and the token names a key it must fetch', async () => {
    await expectUnavailable({ jwks: { keys: [] }, jwksUri: `${closedUrl}/jwks.json` }, 'ERR_JWKS_UNAVAILABLE', 2000);
  });

  it('answers 503 within the JWKS timeout when the IdP hangs', async () => {
    await expectUnavailable({ jwks: { keys: [] }, jwksUri: `${hangingUrl}/jwks.json`, jwksTimeoutMs: 1000 }, 'ERR_JWKS_UNAVAILABLE', 2500);
  });

  it('answers 503 when DynamoDB is down', async () => {
    await expectUnavailable({ enrollments: { region: LOCAL_REGION, tableName: 'lectern-enrollments', endpoint: closedUrl, timeoutMs: 1500 } }, 'ERR_ENROLLMENT_UNAVAILABLE', 3000);
  });

  it('answers 503 within its budget when DynamoDB hangs', async () => {
    await expectUnavailable({ enrollments: { region: LOCAL_REGION, tableName: 'lectern-enrollments', endpoint: hangingUrl, timeoutMs: 1200 } }, 'ERR_ENROLLMENT_UNAVAILABLE', 2500);
  });

  it('answers 503 when the signing key cannot be read', async () => {
    await expectUnavailable({ signing: { keyPairId: 'KMISSINGKEY0001', key: { source: 'pem-file', path: '/nonexistent/key.pem' } } }, 'ERR_SIGNING_KEY_UNAVAILABLE', 2000);
  });
});
