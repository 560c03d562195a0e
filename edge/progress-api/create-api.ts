import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../tables/client.ts';
import { createEnrollmentChecker } from '../cookie-issuer/enrollment.ts';
import { createCognitoVerifier } from '../cookie-issuer/jwt-verifier.ts';
import { createLessonStore } from '../cookie-issuer/lesson-store.ts';
import type { DynamoTable, ProgressApiConfig } from './config.ts';
import type { ProgressDeps } from './core.ts';
import { createProgressTable } from './progress-table.ts';

/**
 * Wires a validated config into the core's dependencies: the cookie issuer's token verifier
 * and JWKS source through the same createCognitoVerifier (same pool, same rules, the JWKS
 * refresh floor on `now`, the function's one clock), its enrollment checker and lesson store,
 * and the progress table. Called once per cold start, outside the handler, so clients and
 * caches stay warm. Tables in one region and endpoint share one DynamoDB client.
 */
export function createProgressApiDeps(config: ProgressApiConfig, overrides: Partial<ProgressDeps> & { fetch?: typeof fetch } = {}): ProgressDeps {
  const now = overrides.now ?? (() => new Date());
  const clients = new Map<string, DynamoDBClient>();
  const clientFor = (table: DynamoTable): DynamoDBClient => {
    const key = `${table.region} ${table.endpoint ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = dynamoClient({
        region: table.region,
        ...(table.endpoint ? { endpoint: table.endpoint } : {}),
        // Two tries, each with half the call's budget; each call's own timeout caps the total.
        requestTimeoutMs: Math.ceil(table.timeoutMs / 2),
        maxAttempts: 2,
      });
      clients.set(key, client);
    }
    return client;
  };
  return {
    verifier: overrides.verifier ?? createCognitoVerifier(config, { ...(overrides.fetch ? { fetch: overrides.fetch } : {}), now: () => now().getTime() }),
    enrollments: overrides.enrollments ?? createEnrollmentChecker(clientFor(config.enrollments), config.enrollments.tableName, config.enrollments.timeoutMs),
    lessons: overrides.lessons ?? createLessonStore(clientFor(config.lessons), config.lessons.tableName, config.lessons.timeoutMs),
    progress: overrides.progress ?? createProgressTable(clientFor(config.progress), config.progress.tableName, config.progress.timeoutMs),
    now,
  };
}
