import { dynamoClient } from '../../tables/client.ts';
import type { IssuerConfig } from './config.ts';
import type { IssuerDeps } from './core.ts';
import { lambdaEncodeRequester, type EncodeRequester } from './encode-requester.ts';
import { createEnrollmentChecker } from './enrollment.ts';
import { createCognitoVerifier } from './jwt-verifier.ts';
import { pemFileKeySource, secretsManagerKeySource } from './key-source.ts';
import { createLessonStore } from './lesson-store.ts';
import { createPolicySigner } from './signer.ts';

/**
 * Wires a validated config into the core's dependencies. Called once per cold start, outside
 * the handler, so the verifier, its JWKS cache, the DynamoDB client and the key stay warm.
 */
export function createIssuerDeps(config: IssuerConfig, overrides: Partial<IssuerDeps> & { fetch?: typeof fetch } = {}): IssuerDeps {
  const now = overrides.now ?? (() => new Date());
  const dynamo = dynamoClient({
    region: config.enrollments.region,
    ...(config.enrollments.endpoint ? { endpoint: config.enrollments.endpoint } : {}),
    // Two tries, each with a fraction of the budget; the checker's own timeout caps the total.
    requestTimeoutMs: Math.ceil(config.enrollments.timeoutMs / 2),
    maxAttempts: 2,
  });
  const sameTable = config.lessons.region === config.enrollments.region && config.lessons.endpoint === config.enrollments.endpoint;
  const lessonsDynamo = sameTable
    ? dynamo
    : dynamoClient({
        region: config.lessons.region,
        ...(config.lessons.endpoint ? { endpoint: config.lessons.endpoint } : {}),
        requestTimeoutMs: Math.ceil(config.lessons.timeoutMs / 2),
        maxAttempts: 2,
      });
  const key = config.signing.key;
  const keys = key.source === 'pem-file' ? pemFileKeySource(key.path) : secretsManagerKeySource(key);
  const encoder = overrides.encoder ?? encodeRequesterFor(config.onDemand.requester);
  return {
    verifier: overrides.verifier ?? createCognitoVerifier(config, { ...(overrides.fetch ? { fetch: overrides.fetch } : {}), now: () => now().getTime() }),
    enrollments: overrides.enrollments ?? createEnrollmentChecker(dynamo, config.enrollments.tableName, config.enrollments.timeoutMs),
    signer: overrides.signer ?? createPolicySigner({ keyPairId: config.signing.keyPairId, algorithm: config.signing.algorithm, keys }),
    now,
    lessons: overrides.lessons ?? createLessonStore(lessonsDynamo, config.lessons.tableName, config.lessons.timeoutMs),
    ...(encoder ? { encoder } : {}),
  };
}

function encodeRequesterFor(requester: IssuerConfig['onDemand']['requester']): EncodeRequester | undefined {
  switch (requester.kind) {
    case 'none':
      return undefined;
    case 'lambda':
      return lambdaEncodeRequester({ functionName: requester.functionName, region: requester.region, timeoutMs: requester.timeoutMs });
  }
}
