import { dynamoClient } from '../../tables/client.ts';
import type { IssuerConfig } from './config.ts';
import type { IssuerDeps } from './core.ts';
import { createEnrollmentChecker } from './enrollment.ts';
import { createJwksSource } from './jwks-source.ts';
import { createTokenVerifier } from './jwt-verifier.ts';
import { pemFileKeySource, secretsManagerKeySource } from './key-source.ts';
import { createPolicySigner } from './signer.ts';

/**
 * Wires a validated config into the core's dependencies. Called once per cold start, outside
 * the handler, so the verifier, its JWKS cache, the DynamoDB client and the key stay warm.
 */
export function createIssuerDeps(config: IssuerConfig, overrides: Partial<IssuerDeps> & { fetch?: typeof fetch } = {}): IssuerDeps {
  const jwks = createJwksSource({
    bundled: config.jwks,
    uri: config.jwksUri,
    timeoutMs: config.jwksTimeoutMs,
    cooldownMs: config.jwksCooldownMs,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  const dynamo = dynamoClient({
    region: config.enrollments.region,
    ...(config.enrollments.endpoint ? { endpoint: config.enrollments.endpoint } : {}),
    // Two tries, each with a fraction of the budget; the checker's own timeout caps the total.
    requestTimeoutMs: Math.ceil(config.enrollments.timeoutMs / 2),
    maxAttempts: 2,
  });
  const key = config.signing.key;
  const keys = key.source === 'pem-file' ? pemFileKeySource(key.path) : secretsManagerKeySource(key);
  return {
    verifier: overrides.verifier ?? createTokenVerifier(config, jwks),
    enrollments: overrides.enrollments ?? createEnrollmentChecker(dynamo, config.enrollments.tableName, config.enrollments.timeoutMs),
    signer: overrides.signer ?? createPolicySigner({ keyPairId: config.signing.keyPairId, algorithm: config.signing.algorithm, keys }),
    now: overrides.now ?? (() => new Date()),
  };
}
