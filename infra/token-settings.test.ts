import { describe, expect, it } from 'vitest';
import type { DistributionSpec } from '../edge/distribution-spec.ts';
import { issuerConfigFor } from './issuer-config.ts';
import { progressApiConfigFor } from './progress-api-config.ts';
import { cognitoIssuer } from './stack-config.ts';
import { stackConfig, TEST_JWKS } from './testing/fixtures.ts';
import { tokenSettingsFor } from './token-settings.ts';

const TOKEN_KEYS = ['issuer', 'clientIds', 'tokenUse', 'jwks', 'jwksUri', 'jwksTimeoutMs', 'jwksCooldownMs', 'clockSkewSeconds', 'maxTokenBytes'] as const;
const pick = (c: Record<(typeof TOKEN_KEYS)[number], unknown>) => Object.fromEntries(TOKEN_KEYS.map((k) => [k, c[k]]));

describe('the token settings both edge configs are built with', () => {
  it('come from one mapping of the stack config, so the cookie issuer and the progress API accept the same tokens', () => {
    const config = stackConfig();
    const spec = { cors: { allowedOrigins: [] } } as unknown as DistributionSpec;
    const issuer = issuerConfigFor({ config, spec, keyPairId: 'KPREVIEWPLACEHOLDER', secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:k', enrollmentsTable: 'e', lessonsTable: 'l', jwks: TEST_JWKS });
    const progress = progressApiConfigFor({ config, spec, enrollmentsTable: 'e', lessonsTable: 'l', progressTable: 'p', jwks: TEST_JWKS });
    expect(pick(issuer)).toEqual(pick(progress));
    expect(tokenSettingsFor(config, TEST_JWKS)).toEqual({ issuer: cognitoIssuer(config), clientIds: config.cognito.clientIds, tokenUse: config.cognito.tokenUse, jwks: TEST_JWKS });
    expect(issuer).toMatchObject(tokenSettingsFor(config, TEST_JWKS));
  });
});
