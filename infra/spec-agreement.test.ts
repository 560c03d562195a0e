/**
 * The spec (edge/distribution-spec.ts) is the program's input; the deployed distribution is
 * what the local system serves (emulator/cloudfront/deployed-distribution.ts). For any request
 * path, the behavior the spec names, the behavior CloudFront would pick from the deployed
 * configuration (first matching ordered behavior, else the default) and the behavior the local
 * distribution picks from the same resources agree: pattern, protection, edge code, origin,
 * methods, cache policy and CORS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behaviorFor, defineDistribution, matchesPathPattern, type Behavior, type DistributionInput } from '../edge/distribution-spec.ts';
import { cachePolicyPlan, CACHED_METHODS } from './cloudfront-mapping.ts';
import { ORIGIN_IDS } from './components/distribution.ts';
import type { ProgramRun } from './mock-run.ts';
import { behaviorFor as emulatedBehaviorFor, readDeployedDistribution } from '../emulator/cloudfront/deployed-distribution.ts';
import { run, stackConfig, testArtifacts } from './testing/fixtures.ts';

type Deployed = Record<string, any> & { pathPattern: string };

let program: ProgramRun;
let deployed: Deployed[];
beforeAll(async () => {
  program = await run();
  const dist = program.one('aws:cloudfront/distribution:Distribution').inputs;
  deployed = [...dist['orderedCacheBehaviors'], { ...dist['defaultCacheBehavior'], pathPattern: '*' }];
});
afterAll(async () => (await testArtifacts()).cleanup());

/** CloudFront's choice: ordered behaviors first to last, then the default. */
function cloudFrontBehavior(path: string): Deployed {
  return (deployed.slice(0, -1).find((b) => matchesPathPattern(b.pathPattern, path)) ?? deployed[deployed.length - 1]) as Deployed;
}

const PATHS = [
  '/',
  '/index.html',
  '/favicon.ico',
  '/auth/session',
  '/auth/',
  '/courses/demo/lesson-1/master.m3u8',
  '/courses/demo/lesson-1/v0mwq9a000-0000/720p/seg-00001.m4s',
  '/courses/demo/lesson-1/next.m3u8',
  '/courses',
  '/coursesX/a',
  '/watch/demo/lesson-1',
  '/player/assets/app.js',
  '/errors/403.html',
  '/Courses/demo/lesson-1/master.m3u8',
  '/api/progress/demo/lesson-1',
  '/api/',
];

describe('the emulator and the program agree', () => {
  it('the program builds its distribution from defineDistribution, unchanged', () => {
    const config = program.config;
    const input: DistributionInput = {
      corsAllowedOrigins: config.corsAllowedOrigins,
      trustedKeys: config.signing.trustedPublicKeys.map((k) => ({ id: k.name, publicKeyPem: k.publicKeyPem })),
      keyGroupName: `${config.namePrefix}-signers`,
    };
    expect(program.lectern.spec).toEqual(defineDistribution(input));
  });

  it.each(PATHS)('%s: the local distribution, built from the deployed resources, picks the behavior CloudFront would', (requestPath) => {
    const local = emulatedBehaviorFor(readDeployedDistribution(program), requestPath);
    const cloudFront = cloudFrontBehavior(requestPath);
    expect(local.pathPattern).toBe(cloudFront.pathPattern);
    expect(local.originId).toBe(cloudFront['targetOriginId']);
    expect(local.trustedKeys === null).toBe(cloudFront['trustedKeyGroups'] === undefined);
    const code = cloudFront['lambdaFunctionAssociations']?.[0]?.lambdaArn ?? cloudFront['functionAssociations']?.[0]?.functionArn;
    expect(local.viewerRequest?.arn).toBe(code);
  });

  it('behaviors are in the spec\'s order', () => {
    expect(deployed.map((b) => b.pathPattern)).toEqual([...program.lectern.spec.behaviors.map((b) => b.pathPattern), '*']);
  });

  it.each(PATHS)('%s: same behavior, protection, edge code, origin, methods, cache and CORS', (requestPath) => {
    const spec = program.lectern.spec;
    const emulator: Behavior = behaviorFor(spec, requestPath);
    const cloudFront = cloudFrontBehavior(requestPath);
    // The spec's default behavior has the pattern `*`, the deployed default none (listed as `*` here).
    expect(cloudFront.pathPattern).toBe(emulator.pathPattern);

    const keyGroup = program.one('aws:cloudfront/keyGroup:KeyGroup').id;
    expect(cloudFront['trustedKeyGroups'] ?? []).toEqual(emulator.protection === 'trusted-key-group' ? [keyGroup] : []);

    const code = emulator.viewerRequest;
    if (code.kind === 'cloudfront-function') {
      expect(cloudFront['functionAssociations']).toEqual([{ eventType: code.event, functionArn: program.one('aws:cloudfront/function:Function').state['arn'] }]);
      expect(cloudFront['lambdaFunctionAssociations']).toBeUndefined();
    } else {
      // The function the spec names (cookie-issuer, progress-api), by its numbered version.
      expect(cloudFront['lambdaFunctionAssociations']).toEqual([{ eventType: code.event, lambdaArn: program.one('aws:lambda/function:Function', code.name).state['qualifiedArn'], includeBody: code.includeBody }]);
      expect(cloudFront['functionAssociations']).toBeUndefined();
    }

    expect(cloudFront['targetOriginId']).toBe(ORIGIN_IDS[emulator.origin]);
    expect(cloudFront['allowedMethods']).toEqual([...emulator.allowedMethods]);
    expect(cloudFront['cachedMethods']).toEqual([...CACHED_METHODS]);
    const plan = cachePolicyPlan(emulator.cachePolicy);
    expect(cloudFront['cachePolicyId']).toBe(plan.kind === 'managed' ? plan.id : program.one('aws:cloudfront/cachePolicy:CachePolicy', `-${emulator.cachePolicy}`).id);
    const headers = program.one('aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy', `-${emulator.responseHeaders}`);
    expect(cloudFront['responseHeadersPolicyId']).toBe(headers.id);
    // CORS reaches exactly the behaviors the emulator answers CORS on, with its allowlist.
    expect(headers.inputs['corsConfig']?.accessControlAllowOrigins.items ?? []).toEqual(emulator.responseHeaders === 'media-cors' ? spec.cors.allowedOrigins : []);
  });

  it('error responses, root object and security headers are the spec\'s', () => {
    const dist = program.one('aws:cloudfront/distribution:Distribution').inputs;
    const spec = program.lectern.spec;
    expect(dist['customErrorResponses']).toEqual(spec.customErrorResponses.map((e) => ({ ...e })));
    expect(dist['defaultRootObject']).toBe(spec.defaultRootObject);
    const security = program.one('aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy', '-security-only').inputs['securityHeadersConfig'];
    expect(Object.keys(security).length).toBe(Object.keys(spec.securityHeaders).length);
  });

  it('a change to the spec is a change to the distribution (nothing is restated in infra/)', async () => {
    const extended = await run(stackConfig(), {
      defineSpec: (input) => {
        const spec = defineDistribution(input);
        const downloads: Behavior = { ...(spec.behaviors[1] as Behavior), pathPattern: '/downloads/*', why: 'Lesson downloads.' };
        return { ...spec, behaviors: [spec.behaviors[0] as Behavior, downloads, ...spec.behaviors.slice(1)] };
      },
    });
    const behaviors = extended.one('aws:cloudfront/distribution:Distribution').inputs['orderedCacheBehaviors'] as Deployed[];
    expect(behaviors.map((b) => b.pathPattern)).toEqual(['/auth/*', '/downloads/*', '/courses/*', '/watch/*', '/player/*', '/errors/*', '/api/*']);
    expect(behaviors[1]?.['trustedKeyGroups']).toEqual([extended.one('aws:cloudfront/keyGroup:KeyGroup').id]);
  });
});
