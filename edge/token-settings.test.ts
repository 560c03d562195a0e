import { describe, expect, it } from 'vitest';
import { parseIssuerConfig } from './cookie-issuer/config.ts';
import { parseProgressApiConfig } from './progress-api/config.ts';
import { TOKEN_SETTING_DEFAULTS, type TokenSettings } from './token-settings.ts';

const token = {
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool',
  clientIds: ['client'],
  jwks: { keys: [] },
};
const issuerRaw = {
  ...token,
  enrollments: { region: 'us-east-1', tableName: 'lectern-enrollments' },
  signing: { keyPairId: 'K2JCJMDEHXQW5F', key: { source: 'pem-file', path: '/k.pem' } },
};
const progressRaw = { ...token, enrollments: { region: 'us-east-1', tableName: 'lectern-enrollments' } };

const pick = (c: TokenSettings): TokenSettings => ({
  issuer: c.issuer, clientIds: c.clientIds, tokenUse: c.tokenUse, jwks: c.jwks, jwksUri: c.jwksUri,
  jwksTimeoutMs: c.jwksTimeoutMs, jwksCooldownMs: c.jwksCooldownMs, clockSkewSeconds: c.clockSkewSeconds, maxTokenBytes: c.maxTokenBytes,
});

describe('the token settings both edge functions share', () => {
  it('parse to the same values, with one set of defaults', () => {
    const issuer = pick(parseIssuerConfig(issuerRaw));
    expect(issuer).toEqual(pick(parseProgressApiConfig(progressRaw)));
    expect(issuer).toEqual({
      ...token,
      tokenUse: TOKEN_SETTING_DEFAULTS.tokenUse,
      jwksUri: `${token.issuer}/.well-known/jwks.json`,
      jwksTimeoutMs: 1000,
      jwksCooldownMs: 300_000,
      clockSkewSeconds: 60,
      maxTokenBytes: 8192,
    });
  });

  it.each([
    ['a JWKS timeout over 3 s', { jwksTimeoutMs: 3001 }, /jwksTimeoutMs/],
    ['a token cap over 16 KiB', { maxTokenBytes: 16_385 }, /maxTokenBytes/],
    ['a clock skew over 300 s', { clockSkewSeconds: 301 }, /clockSkewSeconds/],
    ['an issuer with a trailing slash', { issuer: `${token.issuer}/` }, /trailing slash/],
    ['jwks without keys', { jwks: {} }, /jwks.keys/],
  ])('are refused alike by both: %s', (_name, extra, message) => {
    expect(() => parseIssuerConfig({ ...issuerRaw, ...extra })).toThrow(message);
    expect(() => parseProgressApiConfig({ ...progressRaw, ...extra })).toThrow(message);
  });
});
