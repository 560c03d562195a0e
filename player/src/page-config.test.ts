import { describe, expect, it } from 'vitest';
import { parsePageConfig, PageConfigError } from './page-config.ts';

describe("the watch page's config.json", () => {
  const good = { idpUrl: 'https://lectern.auth.us-east-1.amazoncognito.com', clientId: 'abc123', scopes: 'openid email', progressUrl: '/api/progress' };

  it('accepts what ../page-config.ts writes, and fills the optional fields', () => {
    expect(parsePageConfig(good)).toEqual(good);
    expect(parsePageConfig({ idpUrl: 'http://localhost:4100', clientId: 'local' })).toEqual({ idpUrl: 'http://localhost:4100', clientId: 'local', scopes: 'openid email', progressUrl: '/api/progress' });
    expect(parsePageConfig({ ...good, redirectUri: 'https://cdn.example/watch/' })).toMatchObject({ redirectUri: 'https://cdn.example/watch/' });
  });

  it('names the field that is wrong', () => {
    expect(() => parsePageConfig(null)).toThrow(new PageConfigError('player/config.json: idpUrl must be scheme://host with no path (got undefined)'));
    expect(() => parsePageConfig({ ...good, idpUrl: 'https://idp.example/oauth2' })).toThrow(/idpUrl must be scheme:\/\/host with no path \(got "https:\/\/idp.example\/oauth2"\)/);
    expect(() => parsePageConfig({ ...good, clientId: '' })).toThrow(/clientId must be a non-empty string \(got ""\)/);
    expect(() => parsePageConfig({ ...good, progressUrl: 42 })).toThrow(/progressUrl must be a non-empty string \(got 42\)/);
    expect(() => parsePageConfig({ ...good, redirectUri: null })).toThrow(/redirectUri/);
  });
});
