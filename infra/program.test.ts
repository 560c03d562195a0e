/**
 * The real Pulumi program under pulumi.runtime.setMocks: no engine, no AWS. Each test reads the
 * inputs of the resources the program declares and checks what matters for who can reach what.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIssuerConfig } from '../edge/cookie-issuer/config.ts';
import { matchesPathPattern } from '../edge/distribution-spec.ts';
import { parseProgressApiConfig } from '../edge/progress-api/config.ts';
import { TABLES } from '../tables/schema.ts';
import { MissingArtifactError } from './artifacts.ts';
import { evaluatePolicies } from './audit/evaluate.ts';
import { MANAGED_CACHING_DISABLED } from './cloudfront-mapping.ts';
import { SIGNED_URL_PARAMS as SIGNED_URL_PARAMETERS } from '../edge/signed-url.ts';
import { EDGE_NODE_RUNTIMES } from './components/edge-lambda.ts';
import { parseCompletionHandlerConfig, parseUploadTriggerConfig } from '../pipeline/aws/config.ts';
import type { ProgramRun, RecordedResource } from './mock-run.ts';
import { KEY_A, KEY_B, run, stackConfig, TEST_JWKS, testArtifacts, valueOf } from './testing/fixtures.ts';
import { matchesEventPattern } from '../emulator/event-pattern.ts';
import completeFixture from '../pipeline/aws/fixtures/mediaconvert-complete.json' with { type: 'json' };

const T = {
  dist: 'aws:cloudfront/distribution:Distribution',
  bucket: 'aws:s3/bucket:Bucket',
  pab: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  ownership: 'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  bucketPolicy: 'aws:s3/bucketPolicy:BucketPolicy',
  oac: 'aws:cloudfront/originAccessControl:OriginAccessControl',
  lambda: 'aws:lambda/function:Function',
  cfFunction: 'aws:cloudfront/function:Function',
  kvs: 'aws:cloudfront/keyValueStore:KeyValueStore',
  cachePolicy: 'aws:cloudfront/cachePolicy:CachePolicy',
  rhp: 'aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy',
  keyGroup: 'aws:cloudfront/keyGroup:KeyGroup',
  publicKey: 'aws:cloudfront/publicKey:PublicKey',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  table: 'aws:dynamodb/table:Table',
  secret: 'aws:secretsmanager/secret:Secret',
  secretVersion: 'aws:secretsmanager/secretVersion:SecretVersion',
} as const;

type Behavior = Record<string, any>;
const behaviors = (r: ProgramRun): Behavior[] => r.one(T.dist).inputs['orderedCacheBehaviors'] as Behavior[];
const allBehaviors = (r: ProgramRun): Behavior[] => [...behaviors(r), { ...r.one(T.dist).inputs['defaultCacheBehavior'], pathPattern: '*' }];
const statements = (policy: RecordedResource): Array<Record<string, any>> => JSON.parse(policy.inputs['policy']).Statement;

let program: ProgramRun;
beforeAll(async () => {
  program = await run();
});
afterAll(async () => (await testArtifacts()).cleanup());

describe('protected paths', () => {
  it('every /courses/* behavior requires the trusted key group, and only those do', () => {
    const keyGroup = program.one(T.keyGroup);
    const courses = behaviors(program).filter((b) => b.pathPattern.startsWith('/courses/'));
    expect(courses.length).toBeGreaterThan(0);
    for (const b of courses) expect(b.trustedKeyGroups).toEqual([keyGroup.id]);
    for (const b of allBehaviors(program).filter((b) => !b.pathPattern.startsWith('/courses/'))) expect(b.trustedKeyGroups ?? []).toEqual([]);
    for (const b of allBehaviors(program)) expect(b.trustedSigners ?? []).toEqual([]);
  });

  it('the key group holds exactly the configured public keys', async () => {
    const two = await run(stackConfig({ trustedPublicKeys: [KEY_A.publicKeyPem, KEY_B.publicKeyPem], activeSigningKey: KEY_B.name }, KEY_B.privateKeyPem));
    const keys = two.ofType(T.publicKey);
    expect(keys.map((k) => k.inputs['encodedKey']).sort()).toEqual([KEY_A.publicKeyPem, KEY_B.publicKeyPem].sort());
    expect(two.one(T.keyGroup).inputs['items'].sort()).toEqual(keys.map((k) => k.id).sort());
    const active = keys.find((k) => k.inputs['encodedKey'] === KEY_B.publicKeyPem) as RecordedResource;
    expect(two.outputs['activeKeyPairId']).toBe(active.id);
  });
});

describe('storage', () => {
  it('every bucket is private: public access blocked, ACLs disabled', () => {
    const buckets = program.ofType(T.bucket);
    expect(buckets.map((b) => b.name).sort()).toEqual(['storage-media', 'storage-player', 'storage-uploads']);
    for (const bucket of buckets) {
      const pab = program.ofType(T.pab).find((p) => p.inputs['bucket'] === bucket.id);
      expect(pab?.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(program.ofType(T.ownership).find((o) => o.inputs['bucket'] === bucket.id)?.inputs['rule']).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
      expect(bucket.inputs['acl']).toBeUndefined();
    }
  });

  it('media and player are readable only by this distribution, through OAC (GetObject + ListBucket so missing keys are 404)', () => {
    const dist = program.one(T.dist);
    const oac = program.one(T.oac);
    expect(oac.inputs).toMatchObject({ originAccessControlOriginType: 's3', signingBehavior: 'always', signingProtocol: 'sigv4' });
    expect(program.ofType('aws:cloudfront/originAccessIdentity:OriginAccessIdentity')).toEqual([]);
    for (const origin of dist.inputs['origins'] as Array<Record<string, any>>) {
      expect(origin['originAccessControlId']).toBe(oac.id);
      expect(origin['s3OriginConfig']).toBeUndefined();
      expect(origin['customOriginConfig']).toBeUndefined();
    }
    for (const kind of ['media', 'player']) {
      const bucket = program.one(T.bucket, `-${kind}`);
      const allows = statements(program.ofType(T.bucketPolicy).find((p) => p.inputs['bucket'] === bucket.id) as RecordedResource).filter((s) => s['Effect'] === 'Allow');
      expect(allows).toHaveLength(2);
      for (const s of allows) {
        expect(s['Principal']).toEqual({ Service: 'cloudfront.amazonaws.com' });
        expect(s['Condition']).toEqual({ StringEquals: { 'AWS:SourceArn': dist.state['arn'] } });
      }
      expect(allows.map((s) => [s['Action'], s['Resource']])).toEqual([
        ['s3:GetObject', `${bucket.state['arn']}/*`],
        ['s3:ListBucket', bucket.state['arn']],
      ]);
    }
    const uploads = program.one(T.bucket, '-uploads');
    const uploadsPolicy = program.ofType(T.bucketPolicy).find((p) => p.inputs['bucket'] === uploads.id) as RecordedResource;
    expect(statements(uploadsPolicy).filter((s) => s['Effect'] === 'Allow')).toEqual([]);
    for (const policy of program.ofType(T.bucketPolicy)) {
      expect(statements(policy).find((s) => s['Sid'] === 'DenyInsecureTransport')?.['Condition']).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });

  it('raw uploads expire; incomplete multipart uploads are aborted', () => {
    const lifecycle = program.ofType('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').find((l) => l.inputs['bucket'] === program.one(T.bucket, '-uploads').id);
    expect(lifecycle?.inputs['rules'][0]).toMatchObject({ status: 'Enabled', filter: { prefix: 'uploads/' }, expiration: { days: 14 } });
  });
});

describe('the player bucket', () => {
  const objects = () => program.ofType('aws:s3/bucketObjectv2:BucketObjectv2');

  it('holds the built player: the watch page, its scripts and the 403 page, from dist/player by default', () => {
    const keys = objects().map((o) => o.inputs['key'] as string);
    expect(keys).toEqual(expect.arrayContaining(['index.html', 'errors/403.html', 'player/config.json']));
    expect(keys.some((k) => /^player\/.+\.js$/.test(k))).toBe(true);
    for (const o of objects()) expect(o.inputs['bucket']).toBe(program.one(T.bucket, '-player').id);
  });

  it('holds player/config.json with the Hosted UI and the first app client, which the watch page signs in with', () => {
    const config = objects().find((o) => o.inputs['key'] === 'player/config.json')!;
    expect(JSON.parse(config.inputs['content'])).toEqual({
      idpUrl: 'https://lectern-test.auth.eu-west-1.amazoncognito.com',
      clientId: 'client-one',
      scopes: 'openid email',
      progressUrl: '/api/progress',
    });
    expect(config.inputs['contentType']).toBe('application/json');
    expect(config.inputs['cacheControl']).toBe('no-cache');
  });

  it('refuses a playerDir without the built watch page, saying how to build it', async () => {
    await expect(run(stackConfig({ playerDir: 'infra' }))).rejects.toThrow(/lectern:playerDir \(infra\) has no index\.html: run `npm run build`/);
  });

  it('refuses a stack without the Hosted UI URL the watch page needs', () => {
    expect(() => stackConfig({ cognitoHostedUiUrl: undefined })).toThrow(/cognitoHostedUiUrl/);
    expect(() => stackConfig({ cognitoHostedUiUrl: 'https://x.example/path' })).toThrow(/no path/);
  });
});

describe('the cookie issuer (Lambda@Edge)', () => {
  it('is created by an explicit us-east-1 provider, published, and the distribution runs its numbered version', () => {
    const fn = program.one(T.lambda, 'cookie-issuer');
    const provider = program.providerOf(fn);
    expect(provider.name).toBe('edge-us-east-1');
    expect(provider.props['region']).toBe('us-east-1');
    expect(fn.inputs['publish']).toBe(true);
    expect(fn.state['qualifiedArn']).toMatch(/^arn:aws:lambda:us-east-1:\d{12}:function:lectern-test-cookie-issuer:1$/);
    const auth = behaviors(program).find((b) => b.pathPattern === '/auth/*') as Behavior;
    expect(auth.lambdaFunctionAssociations).toEqual([{ eventType: 'viewer-request', lambdaArn: fn.state['qualifiedArn'], includeBody: true }]);
    expect(auth.viewerProtocolPolicy).toBe('https-only');
    expect(auth.cachePolicyId).toBe(MANAGED_CACHING_DISABLED);
  });

  it('respects the Lambda@Edge restrictions: supported runtime, x86_64, no environment, viewer quotas', () => {
    const fn = program.one(T.lambda, 'cookie-issuer');
    expect(EDGE_NODE_RUNTIMES).toContain(fn.inputs['runtime']);
    expect(fn.inputs).toMatchObject({ architectures: ['x86_64'], handler: 'index.handler', memorySize: 128, timeout: 5 });
    expect(fn.inputs['environment']).toBeUndefined();
    expect(fn.inputs['layers']).toBeUndefined();
  });

  it('ships the built bundle with a config.json the issuer itself accepts', async () => {
    const fn = program.one(T.lambda, 'cookie-issuer');
    const assets = await fn.inputs['code'].assets;
    expect(Object.keys(assets).sort()).toEqual(['config.json', 'index.mjs']);
    expect(await assets['index.mjs'].path).toBe(program.lectern.artifacts.cookieIssuer.path);
    const config = parseIssuerConfig(JSON.parse(await assets['config.json'].text));
    expect(config.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123');
    expect(config.clientIds).toEqual(['client-one', 'client-two']);
    expect(config.jwks).toEqual(TEST_JWKS);
    expect(config.enrollments).toMatchObject({ region: 'eu-west-1', tableName: 'lectern-test-enrollments' });
    // Fields a newer issuer reads (lesson status); an older parser ignores them.
    expect(JSON.parse(await assets['config.json'].text)).toMatchObject({ lessons: { region: 'eu-west-1', tableName: 'lectern-test-lessons' } });
    expect(config.signing.keyPairId).toBe(program.outputs['activeKeyPairId']);
    expect(config.signing.key).toMatchObject({ source: 'secrets-manager', secretId: program.one(T.secret).state['arn'], region: 'eu-west-1' });
    expect(config.corsAllowedOrigins).toEqual(['https://school.example', 'http://localhost:5173']);
    expect(config.cookie).toEqual({ ttlSeconds: 50, sameSite: 'None' });
    expect(config.scheme).toBe('https');
  });

  it('runs with a role edgelambda may assume, allowed only GetItem on enrollments and lessons, GetSecretValue on the key', () => {
    const fn = program.one(T.lambda, 'cookie-issuer');
    const role = program.ofType(T.role).find((r) => r.state['arn'] === fn.inputs['role']) as RecordedResource;
    const trust = JSON.parse(role.inputs['assumeRolePolicy']).Statement[0];
    expect(trust.Principal.Service.sort()).toEqual(['edgelambda.amazonaws.com', 'lambda.amazonaws.com']);
    const policy = program.ofType(T.rolePolicy).find((p) => p.inputs['role'] === role.id) as RecordedResource;
    expect(statements(policy).map((s) => [s['Action'], s['Resource']])).toEqual([
      ['dynamodb:GetItem', program.one(T.table, 'enrollments').state['arn']],
      ['dynamodb:GetItem', program.one(T.table, 'lessons').state['arn']],
      ['secretsmanager:GetSecretValue', program.one(T.secret).state['arn']],
    ]);
  });
});

describe('the progress API (Lambda@Edge)', () => {
  /** CloudFront's choice for a path: the first matching ordered behavior, else the default. */
  const behaviorFor = (r: ProgramRun, requestPath: string): Behavior =>
    behaviors(r).find((b) => matchesPathPattern(b.pathPattern, requestPath)) ?? { ...r.one(T.dist).inputs['defaultCacheBehavior'], pathPattern: '*' };

  it('is what the deployed distribution runs for /api/progress/...: its numbered us-east-1 version, with the body, never cached, HTTPS only', () => {
    const fn = program.one(T.lambda, 'progress-api');
    const provider = program.providerOf(fn);
    expect(provider.name).toBe('edge-us-east-1');
    expect(provider.props['region']).toBe('us-east-1');
    expect(fn.inputs['publish']).toBe(true);
    expect(fn.state['qualifiedArn']).toMatch(/^arn:aws:lambda:us-east-1:\d{12}:function:lectern-test-progress-api:1$/);
    for (const requestPath of ['/api/progress/demo/lesson-1', '/api/progress/other-course/intro']) {
      const api = behaviorFor(program, requestPath);
      expect(api.pathPattern).toBe('/api/*');
      expect(api.lambdaFunctionAssociations).toEqual([{ eventType: 'viewer-request', lambdaArn: fn.state['qualifiedArn'], includeBody: true }]);
      expect(api.functionAssociations).toBeUndefined();
      expect(api.viewerProtocolPolicy).toBe('https-only');
      expect(api.cachePolicyId).toBe(MANAGED_CACHING_DISABLED);
      expect(api.allowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE']);
      expect(api.trustedKeyGroups ?? []).toEqual([]);
      // Its CORS is the function's own: the behavior's headers policy adds none.
      expect(api.responseHeadersPolicyId).toBe(program.one(T.rhp, '-security-only').id);
    }
    // It no longer falls to the player bucket, and the issuer keeps /auth/*.
    expect(behaviorFor(program, '/api/progress/demo/lesson-1').pathPattern).not.toBe('*');
    expect(behaviorFor(program, '/auth/session').lambdaFunctionAssociations?.[0]?.lambdaArn).toBe(program.one(T.lambda, 'cookie-issuer').state['qualifiedArn']);
    expect(program.outputs['progressApiVersionArn']).toBe(fn.state['qualifiedArn']);
  });

  it('respects the Lambda@Edge restrictions: supported runtime, x86_64, no environment, viewer quotas', () => {
    const fn = program.one(T.lambda, 'progress-api');
    expect(EDGE_NODE_RUNTIMES).toContain(fn.inputs['runtime']);
    expect(fn.inputs).toMatchObject({ architectures: ['x86_64'], handler: 'index.handler', memorySize: 128, timeout: 5, tags: { 'lectern:edge-function': 'viewer-request' } });
    expect(fn.inputs['environment']).toBeUndefined();
    expect(fn.inputs['layers']).toBeUndefined();
  });

  it('ships the built bundle with a config.json the function itself accepts: the issuer\'s token rules, the three tables, the CORS allowlist', async () => {
    const fn = program.one(T.lambda, 'progress-api');
    const assets = await fn.inputs['code'].assets;
    expect(Object.keys(assets).sort()).toEqual(['config.json', 'index.mjs']);
    expect(await assets['index.mjs'].path).toBe(program.lectern.artifacts.progressApi.path);
    const config = parseProgressApiConfig(JSON.parse(await assets['config.json'].text));
    expect(config.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123');
    expect(config.clientIds).toEqual(['client-one', 'client-two']);
    expect(config.jwks).toEqual(TEST_JWKS);
    expect(config.enrollments).toMatchObject({ region: 'eu-west-1', tableName: 'lectern-test-enrollments' });
    expect(config.lessons).toMatchObject({ region: 'eu-west-1', tableName: 'lectern-test-lessons' });
    expect(config.progress).toMatchObject({ region: 'eu-west-1', tableName: 'lectern-test-progress' });
    for (const table of [config.enrollments, config.lessons, config.progress]) expect(table.endpoint).toBeUndefined();
    expect(config.corsAllowedOrigins).toEqual(['https://school.example', 'http://localhost:5173']);
    expect(config.scheme).toBe('https');
    expect(config.budgetMs).toBeLessThan(5000);
  });

  it('runs with a role edgelambda may assume, allowed exactly GetItem and UpdateItem on progress, GetItem on enrollments and lessons', () => {
    const fn = program.one(T.lambda, 'progress-api');
    const role = program.ofType(T.role).find((r) => r.state['arn'] === fn.inputs['role']) as RecordedResource;
    const trust = JSON.parse(role.inputs['assumeRolePolicy']).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal.Service.sort()).toEqual(['edgelambda.amazonaws.com', 'lambda.amazonaws.com']);
    const policies = program.ofType(T.rolePolicy).filter((p) => p.inputs['role'] === role.id);
    expect(policies).toHaveLength(1);
    const granted = statements(policies[0] as RecordedResource).flatMap((s) => {
      expect(s['Effect']).toBe('Allow');
      return [s['Action']].flat().map((action: string) => [action, s['Resource']]);
    });
    expect(granted.sort()).toEqual([
      ['dynamodb:GetItem', program.one(T.table, 'enrollments').state['arn']],
      ['dynamodb:GetItem', program.one(T.table, 'lessons').state['arn']],
      ['dynamodb:GetItem', program.one(T.table, 'progress').state['arn']],
      ['dynamodb:UpdateItem', program.one(T.table, 'progress').state['arn']],
    ].sort());
    // Besides logs (the managed basic-execution policy), nothing else is attached.
    const attached = program.ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').filter((a) => a.inputs['role'] === role.state['name']);
    expect(attached.map((a) => a.inputs['policyArn'])).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
  });
});

describe('on-demand encoding (seed 003 mode)', () => {
  it('is off by default: every upload is encoded, and the issuer requests no encodes', async () => {
    const fn = program.one(T.lambda, 'cookie-issuer');
    const config = JSON.parse(await (await fn.inputs['code'].assets)['config.json'].text);
    expect(config.onDemand.requester).toEqual({ kind: 'none' });
  });

  it('when on, registers uploads only and lets the issuer claim a lesson and invoke the upload trigger, nothing more', async () => {
    const onDemand = await run(stackConfig({ onDemandEncoding: true }));
    const trigger = onDemand.one(T.lambda, 'upload-trigger');
    const triggerConfig = parseUploadTriggerConfig(JSON.parse(await (await trigger.inputs['code'].assets)['config.json'].text));
    expect(triggerConfig.encodeOnUpload).toBe(false);

    const issuer = onDemand.one(T.lambda, 'cookie-issuer');
    const issuerConfig = parseIssuerConfig(JSON.parse(await (await issuer.inputs['code'].assets)['config.json'].text));
    expect(issuerConfig.onDemand.requester).toMatchObject({ kind: 'lambda', functionName: trigger.inputs['name'], region: 'eu-west-1' });

    const role = onDemand.ofType(T.role).find((r) => r.state['arn'] === issuer.inputs['role']) as RecordedResource;
    const policy = onDemand.ofType(T.rolePolicy).find((p) => p.inputs['role'] === role.id) as RecordedResource;
    const granted = statements(policy).map((s) => [s['Action'], s['Resource']]);
    expect(granted).toContainEqual(['dynamodb:UpdateItem', onDemand.one(T.table, 'lessons').state['arn']]);
    expect(granted).toContainEqual(['lambda:InvokeFunction', `arn:aws:lambda:eu-west-1:*:function:${trigger.inputs['name']}`]);
    expect(granted).toHaveLength(5);
  });
});

describe('the viewer-request CloudFront Function', () => {
  it('is the built artifact byte for byte, on cloudfront-js-2.0, published, with its KeyValueStore', () => {
    const fn = program.one(T.cfFunction);
    const built = readFileSync(program.lectern.artifacts.paths.viewerRequest);
    expect(Buffer.from(fn.inputs['code'], 'utf8').equals(built)).toBe(true);
    expect(fn.inputs).toMatchObject({ runtime: 'cloudfront-js-2.0', publish: true });
    expect(fn.inputs['keyValueStoreAssociations']).toEqual([program.one(T.kvs).state['arn']]);
    // Every behavior but the two whose Lambda@Edge generates the response runs the function.
    const spec = program.lectern.spec;
    const lambdaEdge = [...spec.behaviors, spec.defaultBehavior].filter((b) => b.viewerRequest.kind === 'lambda-edge').map((b) => b.pathPattern);
    expect(lambdaEdge).toEqual(['/auth/*', '/api/*']);
    for (const b of allBehaviors(program)) {
      if (lambdaEdge.includes(b.pathPattern)) expect(b.functionAssociations).toBeUndefined();
      else expect(b.functionAssociations).toEqual([{ eventType: 'viewer-request', functionArn: fn.state['arn'] }]);
    }
  });
});

describe('cache keys', () => {
  it('no cookie, query string (signed-URL parameters included) or header is in any cache key', () => {
    const policies = program.ofType(T.cachePolicy);
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      const key = policy.inputs['parametersInCacheKeyAndForwardedToOrigin'];
      expect(key.cookiesConfig).toEqual({ cookieBehavior: 'none' });
      expect(key.queryStringsConfig).toEqual({ queryStringBehavior: 'none' });
      expect(key.headersConfig).toEqual({ headerBehavior: 'none' });
    }
    expect(SIGNED_URL_PARAMETERS).toContain('Key-Pair-Id');
    const media = program.one(T.cachePolicy, '-media');
    for (const b of allBehaviors(program)) {
      expect(b.forwardedValues).toBeUndefined();
      if (b.pathPattern === '/courses/*') expect(b.cachePolicyId).toBe(media.id);
    }
  });
});

describe('CORS and headers', () => {
  it('CORS names the allowlist exactly, with credentials, and never *', () => {
    const cors = program.ofType(T.rhp).filter((p) => p.inputs['corsConfig']);
    expect(cors).toHaveLength(1);
    const config = (cors[0] as RecordedResource).inputs['corsConfig'];
    expect(config.accessControlAllowCredentials).toBe(true);
    expect(config.accessControlAllowOrigins.items).toEqual(['https://school.example', 'http://localhost:5173']);
    for (const policy of program.ofType(T.rhp)) {
      expect(JSON.stringify(policy.inputs['corsConfig'] ?? {})).not.toContain('*');
      expect(policy.inputs['securityHeadersConfig'].strictTransportSecurity).toMatchObject({ accessControlMaxAgeSec: 63072000, includeSubdomains: true, override: true });
    }
    const mediaBehavior = behaviors(program).find((b) => b.pathPattern === '/courses/*') as Behavior;
    expect(mediaBehavior.responseHeadersPolicyId).toBe((cors[0] as RecordedResource).id);
  });

  it('a * origin never gets as far as a resource', () => {
    expect(() => stackConfig({ corsAllowedOrigins: ['*'] })).toThrow(/corsAllowedOrigins/);
    expect(() => stackConfig({ corsAllowedOrigins: ['https://*.example.com'] })).toThrow(/corsAllowedOrigins/);
  });

  it('without an allowlist there is no CORS at all', async () => {
    const closed = await run(stackConfig({ corsAllowedOrigins: [] }));
    for (const policy of closed.ofType(T.rhp)) expect(policy.inputs['corsConfig']).toBeUndefined();
    expect(closed.ofType('aws:s3/bucketCorsConfiguration:BucketCorsConfiguration')).toEqual([]);
  });
});

describe('viewer protocols and TLS', () => {
  it('HTTPS only; the *.cloudfront.net certificate without a custom domain', () => {
    for (const b of allBehaviors(program)) expect(['https-only', 'redirect-to-https']).toContain(b.viewerProtocolPolicy);
    expect(program.one(T.dist).inputs['viewerCertificate']).toEqual({ cloudfrontDefaultCertificate: true });
  });

  it('a custom domain gets its ACM certificate, SNI and TLS 1.2+', async () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
    const custom = await run(stackConfig({ domainName: 'video.example.com', certificateArn }));
    const dist = custom.one(T.dist);
    expect(dist.inputs['aliases']).toEqual(['video.example.com']);
    expect(dist.inputs['viewerCertificate']).toEqual({ acmCertificateArn: certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' });
    expect(custom.outputs['url']).toBe('https://video.example.com');
    const assets = await custom.one(T.lambda, 'cookie-issuer').inputs['code'].assets;
    expect(JSON.parse(await assets['config.json'].text).allowedHosts).toEqual(['video.example.com']);
  });

  it('a certificate outside us-east-1 is refused', () => {
    expect(() => stackConfig({ domainName: 'video.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' })).toThrow(/us-east-1/);
  });
});

describe('distribution settings from the spec', () => {
  it('custom error responses, default root object, price class', () => {
    const dist = program.one(T.dist);
    expect(dist.inputs['customErrorResponses']).toEqual(program.lectern.spec.customErrorResponses.map((e) => ({ ...e })));
    expect(dist.inputs['defaultRootObject']).toBe('index.html');
    expect(dist.inputs['priceClass']).toBe('PriceClass_100');
  });
});

describe('signing key', () => {
  it('the private key goes to Secrets Manager as a secret', async () => {
    const version = program.one(T.secretVersion);
    expect(version.inputs['secretId']).toBe(program.one(T.secret).id);
    // Marked secret: the engine encrypts it in the state and masks it in every display.
    expect(version.inputs['secretString']).toEqual({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: KEY_A.privateKeyPem });
    expect(await valueOf(program.lectern.signingKey.version.secretString)).toBe(KEY_A.privateKeyPem);
    expect(program.one(T.secret).inputs['namePrefix']).toBe(`lectern-test/cloudfront-signing-key/${KEY_A.name}-`);
  });

  it('an active key that is not trusted, or two keys without a choice, is refused', () => {
    expect(() => stackConfig({ activeSigningKey: KEY_B.name })).toThrow(/activeSigningKey/);
    expect(() => stackConfig({ trustedPublicKeys: [KEY_A.publicKeyPem, KEY_B.publicKeyPem] })).toThrow(/activeSigningKey/);
  });
});

describe('tables', () => {
  it('the three tables from tables/schema.ts, on demand, with point-in-time recovery', () => {
    const tables = program.ofType(T.table);
    expect(tables.map((t) => t.inputs['name']).sort()).toEqual(['lectern-test-enrollments', 'lectern-test-lessons', 'lectern-test-progress']);
    for (const definition of Object.values(TABLES)) {
      const table = tables.find((t) => t.inputs['name'] === `lectern-test-${definition.name}`) as RecordedResource;
      expect(table.inputs).toMatchObject({ billingMode: 'PAY_PER_REQUEST', hashKey: definition.partitionKey, rangeKey: definition.sortKey, pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true });
    }
  });
});

describe('encoding pipeline', () => {
  it('upload trigger and completion handler run the pipeline build, wired to S3 and EventBridge', async () => {
    const trigger = program.one(T.lambda, 'upload-trigger');
    const completion = program.one(T.lambda, 'completion-handler');
    const artifacts = await testArtifacts();
    const configs: Record<string, unknown> = {};
    for (const [fn, dir] of [[trigger, artifacts.paths.uploadTrigger], [completion, artifacts.paths.completionHandler]] as const) {
      const assets = await fn.inputs['code'].assets;
      expect(Object.keys(assets).sort()).toEqual(['config.json', 'index.mjs']);
      expect(await assets['index.mjs'].path).toBe(path.join(dir, 'index.mjs'));
      configs[fn.name] = JSON.parse(await assets['config.json'].text);
      expect(fn.inputs).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler' });
      expect(fn.inputs['environment']).toBeUndefined();
      expect(program.providerOf(fn).name).toBe('default');
    }
    // Each config.json is one its Lambda accepts at cold start (pipeline/aws/config.ts).
    expect(parseUploadTriggerConfig(configs[trigger.name])).toMatchObject({
      region: 'eu-west-1',
      lessonsTable: 'lectern-test-lessons',
      uploadsBucket: program.one(T.bucket, '-uploads').state['bucket'],
      mediaBucket: program.one(T.bucket, '-media').state['bucket'],
      mediaConvert: { role: program.ofType(T.role).find((r) => r.name.endsWith('-mediaconvert'))?.state['arn'], queue: program.one('aws:mediaconvert/queue:Queue').state['arn'] },
      encodeOnUpload: true,
    });
    expect(parseCompletionHandlerConfig(configs[completion.name])).toMatchObject({
      region: 'eu-west-1',
      lessonsTable: 'lectern-test-lessons',
      mediaBucket: program.one(T.bucket, '-media').state['bucket'],
      keyValueStoreArn: program.one(T.kvs).state['arn'],
    });
    const notification = program.one('aws:s3/bucketNotification:BucketNotification');
    expect(notification.inputs['bucket']).toBe(program.one(T.bucket, '-uploads').id);
    expect(notification.inputs['lambdaFunctions']).toEqual([{ lambdaFunctionArn: trigger.state['arn'], events: ['s3:ObjectCreated:*'], filterPrefix: 'uploads/' }]);
    const rule = program.one('aws:cloudwatch/eventRule:EventRule');
    const pattern = JSON.parse(rule.inputs['eventPattern']);
    expect(pattern).toMatchObject({ source: ['aws.mediaconvert'], 'detail-type': ['MediaConvert Job State Change'], detail: { queue: [program.one('aws:mediaconvert/queue:Queue').state['arn']] } });
    // MediaConvert's documented events, on the stack's queue: the rule forwards every status
    // the completion handler acts on (a CANCELED job must not stay "encoding"), and no other.
    const queueArn = program.one('aws:mediaconvert/queue:Queue').state['arn'];
    const event = (status: string) => ({ ...completeFixture, detail: { ...completeFixture.detail, status, queue: queueArn } });
    for (const status of ['COMPLETE', 'ERROR', 'CANCELED']) expect(matchesEventPattern(pattern, event(status)), status).toBe(true);
    for (const status of ['PROGRESSING', 'STATUS_UPDATE', 'INPUT_INFORMATION', 'NEW_WARNING', 'QUEUE_HOP']) expect(matchesEventPattern(pattern, event(status)), status).toBe(false);
    expect(matchesEventPattern(pattern, { ...event('COMPLETE'), detail: { ...event('COMPLETE').detail, queue: 'arn:aws:mediaconvert:us-east-1:1:queues/Default' } })).toBe(false);
    expect(program.one('aws:cloudwatch/eventTarget:EventTarget').inputs['arn']).toBe(completion.state['arn']);
    const permissions = program.ofType('aws:lambda/permission:Permission').map((p) => [p.inputs['principal'], p.inputs['sourceArn']]);
    expect(permissions).toEqual(expect.arrayContaining([['s3.amazonaws.com', program.one(T.bucket, '-uploads').state['arn']], ['events.amazonaws.com', rule.state['arn']]]));
  });

  it('MediaConvert assumes its own role; the completion handler may update the next-lesson store', () => {
    const mediaConvert = program.ofType(T.role).find((r) => r.name.endsWith('-mediaconvert')) as RecordedResource;
    expect(JSON.parse(mediaConvert.inputs['assumeRolePolicy']).Statement[0].Principal).toEqual({ Service: 'mediaconvert.amazonaws.com' });
    const completionRole = program.ofType(T.role).find((r) => r.name.endsWith('-completion-handler')) as RecordedResource;
    const policy = program.ofType(T.rolePolicy).find((p) => p.inputs['role'] === completionRole.id) as RecordedResource;
    const kvs = statements(policy).find((s) => s['Sid'] === 'NextLessonMap');
    expect(kvs?.['Resource']).toBe(program.one(T.kvs).state['arn']);
    expect(kvs?.['Action']).toContain('cloudfront-keyvaluestore:UpdateKeys');
  });
});

describe('structure', () => {
  it('every resource but the providers belongs to a component (parent: this)', () => {
    for (const r of program.resources) {
      if (r.type.startsWith('pulumi:providers:') || r.type.startsWith('lectern:')) continue;
      const qualifiedType = r.urn.split('::')[2] as string;
      expect(qualifiedType.split('$')[0], `${r.type} ${r.name}`).toMatch(/^lectern:/);
    }
  });

  it('passes every mandatory policy of the policy pack; only the default certificate is flagged (advisory)', async () => {
    const { violations } = await evaluatePolicies(program);
    expect(violations.filter((v) => v.level === 'mandatory')).toEqual([]);
    expect(violations.map((v) => v.policy)).toEqual(['default-certificate-allows-tls-1-0']);
  });

  it('exports what an operator needs', () => {
    expect(Object.keys(program.outputs)).toEqual(expect.arrayContaining(['url', 'distributionId', 'keyGroupId', 'activeKeyPairId', 'mediaBucket', 'uploadsBucket', 'playerBucket', 'tables', 'cookieIssuerVersionArn', 'progressApiVersionArn', 'nextLessonStoreArn']));
    expect(program.outputs['url']).toBe(`https://${program.one(T.dist).state['domainName']}`);
  });

  it('refuses to deploy without the built artifacts, saying how to build them', async () => {
    await expect(run(stackConfig(), { artifacts: { viewerRequest: path.join('/nonexistent', 'viewer-request.js') } })).rejects.toThrow(MissingArtifactError);
    await expect(run(stackConfig(), { artifacts: { viewerRequest: '/nonexistent/viewer-request.js' } })).rejects.toThrow(/npm run build/);
  });
});
