import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystemOptions } from '../../local/start.ts';
import { deadEndpoints, type DeadEndpoints } from '../support/dead-endpoints.ts';
import { startTestSystem } from '../support/local-system.ts';

/**
 * The deployed issuer in the local stack, its sandbox's network broken the way AWS's can
 * break (an endpoint refused or hanging, Cognito down or hanging). When the IdP or DynamoDB is down or hangs, the issuer must fail closed: 503 with Retry-After,
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

/** Where the deployed issuer fetches its JWKS (the local stack's pool is in us-east-1). */
const COGNITO = 'https://cognito-idp.us-east-1.amazonaws.com';
/** A pinned key set that holds no key of the local IdP: every token needs a JWKS fetch. */
const NO_PINNED_KEYS = { cognitoJwks: JSON.stringify({ keys: [] }) };

async function expectUnavailable(options: Partial<LocalSystemOptions>, code: string, budgetMs: number): Promise<void> {
  const system = await startTestSystem(options);
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
    await expectUnavailable({ stack: NO_PINNED_KEYS, standIns: { routes: { [COGNITO]: closedUrl } } }, 'ERR_JWKS_UNAVAILABLE', 2000);
  });

  it('answers 503 within the JWKS timeout when the IdP hangs', async () => {
    await expectUnavailable({ stack: NO_PINNED_KEYS, standIns: { routes: { [COGNITO]: hangingUrl } } }, 'ERR_JWKS_UNAVAILABLE', 2500);
  });

  it('answers 503 when DynamoDB is down', async () => {
    await expectUnavailable({ standIns: { endpointOverrides: { DYNAMODB: closedUrl } } }, 'ERR_ENROLLMENT_UNAVAILABLE', 3000);
  });

  it('answers 503 within its budget when DynamoDB hangs', async () => {
    await expectUnavailable({ standIns: { endpointOverrides: { DYNAMODB: hangingUrl } } }, 'ERR_ENROLLMENT_UNAVAILABLE', 2500);
  });

  it('answers 503 when the signing key cannot be read', async () => {
    await expectUnavailable({ standIns: { endpointOverrides: { SECRETS_MANAGER: closedUrl } } }, 'ERR_SIGNING_KEY_UNAVAILABLE', 2000);
  });
});
