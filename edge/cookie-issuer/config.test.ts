import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-fields.ts';
import { parseIssuerConfig } from './config.ts';

const valid = {
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool',
  clientIds: ['client'],
  jwks: { keys: [] },
  enrollments: { region: 'us-east-1', tableName: 'lectern-enrollments' },
  signing: { keyPairId: 'K2JCJMDEHXQW5F', key: { source: 'secrets-manager', secretId: 'lectern/signing-key', region: 'us-east-1' } },
};

describe('the baked cookie-issuer config', () => {
  it('fills the stated defaults', () => {
    const config = parseIssuerConfig(valid);
    expect(config.jwksUri).toBe(`${valid.issuer}/.well-known/jwks.json`);
    // One default for both edge functions (edge/token-settings.ts): 1 s, was 1500 ms here.
    expect(config.jwksTimeoutMs).toBe(1000);
    expect(config.jwksCooldownMs).toBe(300_000);
    expect(config.maxTokenBytes).toBe(8192);
    expect(config.clockSkewSeconds).toBe(60);
    expect(config.cookie).toEqual({ ttlSeconds: 50, sameSite: 'None' });
    expect(config.signing.algorithm).toBe('SHA1');
    expect(config.scheme).toBe('https');
    expect(config.tokenUse).toEqual(['access', 'id']);
    expect(config.lessons).toEqual({ region: 'us-east-1', tableName: 'lectern-lessons', timeoutMs: 1000 });
    expect(config.onDemand).toEqual({ retryAfterSeconds: 5, staleEncodingSeconds: 21_600, requester: { kind: 'none' } });
  });

  it('takes an on-demand encode requester: the upload-trigger Lambda (locally too: the local stack runs it)', () => {
    const aws = parseIssuerConfig({ ...valid, onDemand: { requester: { kind: 'lambda', functionName: 'lectern-upload-trigger' } } });
    expect(aws.onDemand.requester).toEqual({ kind: 'lambda', functionName: 'lectern-upload-trigger', region: 'us-east-1', timeoutMs: 1500 });
  });

  it.each([
    ['a missing issuer', { ...valid, issuer: undefined }, /issuer/],
    ['an issuer with a trailing slash', { ...valid, issuer: `${valid.issuer}/` }, /trailing slash/],
    ['no client ids', { ...valid, clientIds: [] }, /clientIds/],
    ['an unknown token use', { ...valid, tokenUse: ['refresh'] }, /tokenUse/],
    ['a clock skew over 300 s', { ...valid, clockSkewSeconds: 3600 }, /clockSkewSeconds/],
    ['a JWKS timeout that would eat the 5 s budget', { ...valid, jwksTimeoutMs: 5000 }, /jwksTimeoutMs/],
    ['a malformed key pair id', { ...valid, signing: { ...valid.signing, keyPairId: 'not an id' } }, /keyPairId/],
    ['an unknown hash algorithm', { ...valid, signing: { ...valid.signing, algorithm: 'MD5' } }, /algorithm/],
    ['a wildcard CORS origin', { ...valid, corsAllowedOrigins: ['*'] }, /corsAllowedOrigins/],
    ['an encode requester of a kind the issuer does not have', { ...valid, onDemand: { requester: { kind: 'http', url: 'http://127.0.0.1:1/x', secret: 's'.repeat(43) } } }, /kind/],
    ['an unknown encode requester', { ...valid, onDemand: { requester: { kind: 'sqs' } } }, /requester.kind/],
    ['a Retry-After of zero', { ...valid, onDemand: { retryAfterSeconds: 0 } }, /retryAfterSeconds/],
    ['a CORS origin with a path', { ...valid, corsAllowedOrigins: ['https://school.example/'] }, /corsAllowedOrigins/],
  ])('refuses %s with a message naming the field', (_name, raw, message) => {
    expect(() => parseIssuerConfig(raw)).toThrow(ConfigError);
    expect(() => parseIssuerConfig(raw)).toThrow(message);
  });
});
