/**
 * The local stack config is a stack config like any other: the program's own parser accepts
 * it, and the pool it names is the one the local IdP's tokens come from.
 */
import { describe, expect, it } from 'vitest';
import { cognitoIssuer } from '../infra/stack-config.ts';
import { KEY_A, TEST_JWKS } from '../infra/testing/fixtures.ts';
import { LOCAL_ISSUER, localStackConfig } from './stack-config.ts';

const inputs = { idpUrl: 'http://127.0.0.1:8788', idpJwks: TEST_JWKS, viewerOrigins: ['http://localhost:8787'], publicKeyPem: KEY_A.publicKeyPem, privateKeyPem: KEY_A.privateKeyPem, playerDir: '/repo/dist/player' };

describe('the local stack config', () => {
  it('names the pool whose issuer the local IdP signs as, and the IdP as the Hosted UI', () => {
    const config = localStackConfig(inputs);
    expect(cognitoIssuer(config)).toBe(LOCAL_ISSUER);
    expect(config.cognito.hostedUiUrl).toBe('http://127.0.0.1:8788');
  });

  it('allows the page\'s own http origin and an embed\'s, and refuses what any stack file would', () => {
    const config = localStackConfig({ ...inputs, settings: { corsAllowedOrigins: ['https://school.example'] } });
    expect(config.corsAllowedOrigins).toEqual(['http://localhost:8787', 'https://school.example']);
    expect(() => localStackConfig({ ...inputs, settings: { cookieTtlSeconds: 5 } })).toThrow(/cookieTtlSeconds/);
    expect(() => localStackConfig({ ...inputs, idpUrl: 'http://idp.example:8788' })).toThrow(/cognitoHostedUiUrl/);
  });
});
