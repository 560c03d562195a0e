import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-fields.ts';
import { parseProgressApiConfig } from './config.ts';

const minimal = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC',
  clientIds: ['client-one'],
  jwks: { keys: [] },
  enrollments: { region: 'eu-west-1', tableName: 'lectern-prod-enrollments' },
  lessons: { tableName: 'lectern-prod-lessons' },
  progress: { tableName: 'lectern-prod-progress' },
};

describe('the progress API config', () => {
  it('fills the stated defaults: both token kinds, 60 s skew, https, a 3.5 s budget inside the 5 s limit, tables in the enrollments region', () => {
    const config = parseProgressApiConfig(minimal);
    expect(config).toMatchObject({
      tokenUse: ['access', 'id'],
      jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json',
      clockSkewSeconds: 60,
      maxTokenBytes: 8192,
      scheme: 'https',
      allowedHosts: [],
      corsAllowedOrigins: [],
      budgetMs: 3500,
      enrollments: { region: 'eu-west-1', tableName: 'lectern-prod-enrollments', timeoutMs: 1000 },
      lessons: { region: 'eu-west-1', tableName: 'lectern-prod-lessons', timeoutMs: 1000 },
      progress: { region: 'eu-west-1', tableName: 'lectern-prod-progress', timeoutMs: 1000, writeAttempts: 4 },
    });
    expect(config.enrollments.endpoint).toBeUndefined();
    // What it writes is what it reads back: config.json round-trips.
    expect(parseProgressApiConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it('refuses what would fail a student later: a bad issuer, no client, a wildcard origin, a budget over the limit', () => {
    expect(() => parseProgressApiConfig({ ...minimal, issuer: 'https://idp.example/' })).toThrow(ConfigError);
    expect(() => parseProgressApiConfig({ ...minimal, clientIds: [] })).toThrow(/clientIds/);
    expect(() => parseProgressApiConfig({ ...minimal, corsAllowedOrigins: ['*'] })).toThrow(/corsAllowedOrigins/);
    expect(() => parseProgressApiConfig({ ...minimal, budgetMs: 6000 })).toThrow(/budgetMs/);
    expect(() => parseProgressApiConfig({ ...minimal, enrollments: { region: 'eu-west-1' } })).toThrow(/enrollments.tableName/);
    expect(() => parseProgressApiConfig({ ...minimal, progress: { tableName: 'x', endpoint: 42 } })).toThrow(/endpoint/);
  });
});
