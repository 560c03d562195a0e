/**
 * The local stack config is a stack config like any other: the program's own parser accepts
 * it, and the pool it names is the one the local IdP's tokens come from.
 */
import { describe, expect, it } from 'vitest';
import { defineDistribution } from '../edge/distribution-spec.ts';
import { issuerConfigFor, PLACEHOLDER_KEY_PAIR_ID } from '../infra/issuer-config.ts';
import { progressApiConfigFor } from '../infra/progress-api-config.ts';
import { cognitoIssuer, watchCallbackUrls, type StackConfig } from '../infra/stack-config.ts';
import { KEY_A, TEST_JWKS } from '../infra/testing/fixtures.ts';
import { LOCAL_ISSUER, localStackConfig } from './stack-config.ts';

const inputs = { idpUrl: 'http://127.0.0.1:8788', idpJwks: TEST_JWKS, viewerOrigins: ['http://localhost:8787', 'http://127.0.0.1:8787'], publicKeyPem: KEY_A.publicKeyPem, privateKeyPem: KEY_A.privateKeyPem, playerDir: '/repo/dist/player' };

describe('the local stack config', () => {
  it('names the pool whose issuer the local IdP signs as, and the IdP as the Hosted UI', () => {
    const config = localStackConfig(inputs);
    expect(cognitoIssuer(config)).toBe(LOCAL_ISSUER);
    expect(config.cognito.hostedUiUrl).toBe('http://127.0.0.1:8788');
  });

  it('allows the page\'s own http origin and an embed\'s, and refuses what any stack file would', () => {
    const config = localStackConfig({ ...inputs, settings: { corsAllowedOrigins: ['https://school.example'] } });
    expect(config.corsAllowedOrigins).toEqual(['http://localhost:8787', 'http://127.0.0.1:8787', 'https://school.example']);
    expect(() => localStackConfig({ ...inputs, settings: { cookieTtlSeconds: 5 } })).toThrow(/cookieTtlSeconds/);
    expect(() => localStackConfig({ ...inputs, idpUrl: 'http://idp.example:8788' })).toThrow(/cognitoHostedUiUrl/);
    expect(() => localStackConfig({ ...inputs, viewerOrigins: ['http://evil.example:8787'] })).toThrow(/viewerOrigins/);
  });

  it('bakes the distribution\'s own hosts into both Lambda@Edge functions, so a rebinding page\'s Host is refused', () => {
    const config = localStackConfig(inputs);
    const baked = bakedConfigs(config);
    expect(baked.issuer.allowedHosts).toEqual(['localhost:8787', '127.0.0.1:8787']);
    expect(baked.progressApi.allowedHosts).toEqual(['localhost:8787', '127.0.0.1:8787']);
    // A stack file may not widen it: the local listener routes nothing by Host.
    expect(bakedConfigs(localStackConfig({ ...inputs, settings: { viewerOrigins: [] } })).progressApi.allowedHosts).toEqual(['localhost:8787', '127.0.0.1:8787']);
  });

  it('registers the watch page as the app client\'s one callback URL, on localhost only (Cognito takes plain http for localhost alone)', () => {
    expect(watchCallbackUrls(localStackConfig(inputs))).toEqual(['http://localhost:8787/watch/']);
  });
});

/** The two edge configs as the program bakes them (infra/program.ts builds them the same way). */
function bakedConfigs(config: StackConfig) {
  const spec = defineDistribution({ corsAllowedOrigins: config.corsAllowedOrigins, trustedKeys: config.signing.trustedPublicKeys.map((k) => ({ id: k.name, publicKeyPem: k.publicKeyPem })) });
  const tables = { enrollmentsTable: 'enrollments', lessonsTable: 'lessons', jwks: TEST_JWKS };
  return {
    issuer: issuerConfigFor({ config, spec, keyPairId: PLACEHOLDER_KEY_PAIR_ID, secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:local', ...tables }),
    progressApi: progressApiConfigFor({ config, spec, progressTable: 'progress', ...tables }),
  };
}
