import { describe, expect, it } from 'vitest';
import { behaviorFor, defineDistribution, matchesPathPattern } from './distribution-spec.ts';

const spec = defineDistribution({ corsAllowedOrigins: ['https://school.example'], trustedKeys: [{ id: 'KTEST000000001', publicKeyPem: 'pem' }] });

describe('the distribution spec', () => {
  it('matches CloudFront path patterns: * any run, ? one character, case-sensitive', () => {
    expect(matchesPathPattern('/courses/*', '/courses/demo/lesson-1/master.m3u8')).toBe(true);
    expect(matchesPathPattern('/courses/*', '/Courses/demo')).toBe(false);
    expect(matchesPathPattern('/a?c', '/abc')).toBe(true);
    expect(matchesPathPattern('/a?c', '/abbc')).toBe(false);
    expect(matchesPathPattern('/x.y', '/xzy')).toBe(false);
  });

  it('routes each path to the behavior the design names, first match first', () => {
    expect(behaviorFor(spec, '/auth/session').viewerRequest.kind).toBe('lambda-edge');
    expect(behaviorFor(spec, '/courses/demo/lesson-1/master.m3u8').protection).toBe('trusted-key-group');
    expect(behaviorFor(spec, '/watch/demo/lesson-1').protection).toBe('public');
    expect(behaviorFor(spec, '/').pathPattern).toBe('*');
  });

  it('sends /api/progress/... to the progress-api Lambda@Edge, with the body, no origin and no cache, before the default', () => {
    const api = behaviorFor(spec, '/api/progress/demo/lesson-1');
    expect(api).toMatchObject({
      pathPattern: '/api/*',
      protection: 'bearer-token',
      origin: 'none',
      viewerRequest: { kind: 'lambda-edge', name: 'progress-api', event: 'viewer-request', includeBody: true },
      cachePolicy: 'disabled',
      responseHeaders: 'security-only',
    });
    expect(api.allowedMethods).toEqual(expect.arrayContaining(['GET', 'PUT', 'POST', 'OPTIONS']));
    expect(spec.behaviors.map((b) => b.pathPattern)).toContain('/api/*');
    expect(behaviorFor(spec, '/auth/session').viewerRequest).toMatchObject({ name: 'cookie-issuer' });
  });

  it('protects every /courses/ path with the trusted key group and only that', () => {
    const protectedPatterns = spec.behaviors.filter((b) => b.protection === 'trusted-key-group').map((b) => b.pathPattern);
    expect(protectedPatterns).toEqual(['/courses/*']);
    expect(spec.defaultBehavior.origin).toBe('player');
  });

  it('refuses a wildcard or malformed CORS origin and an empty key group', () => {
    expect(() => defineDistribution({ corsAllowedOrigins: ['*'], trustedKeys: [{ id: 'K', publicKeyPem: 'p' }] })).toThrow(/CORS origin/);
    expect(() => defineDistribution({ corsAllowedOrigins: ['https://a.example/path'], trustedKeys: [{ id: 'K', publicKeyPem: 'p' }] })).toThrow(/CORS origin/);
    expect(() => defineDistribution({ corsAllowedOrigins: [], trustedKeys: [] })).toThrow(/at least one public key/);
  });
});
