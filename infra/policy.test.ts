/**
 * Each CrossGuard policy, called directly (validateResource / validateStack) on a good resource
 * and on bad ones. Good resources come from the real program under mocks, so the policies are
 * also checked against what we actually deploy.
 */
import type { PolicyResource } from '@pulumi/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResourcePolicy, runStackPolicy, validationArgs } from './audit/evaluate.ts';
import { MANAGED_CACHING_DISABLED } from './cloudfront-mapping.ts';
import type { ProgramRun } from './mock-run.ts';
import { allPolicies, resourcePolicies, stackPolicies } from './policy/policies.ts';
import { RESOURCE_TYPES as T } from './policy/policy-kit.ts';
import { run, testArtifacts } from './testing/fixtures.ts';

type Props = Record<string, any>;
const clone = <V>(value: V): V => structuredClone(value);

let program: ProgramRun;
let distribution: Props;
beforeAll(async () => {
  program = await run();
  distribution = program.one(T.distribution).inputs;
});
afterAll(async () => (await testArtifacts()).cleanup());

function policyNamed(name: string) {
  const policy = resourcePolicies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return policy;
}

async function check(name: string, type: string, props: Props, provider?: Props): Promise<string[]> {
  return runResourcePolicy(policyNamed(name), validationArgs(type, props, provider ? { provider: { type: 'pulumi:providers:aws', name: 'p', urn: 'urn:p', props: provider } } : {}));
}

const withBehavior = (props: Props, pathPattern: string, change: (b: Props) => void): Props => {
  const copy = clone(props);
  const behavior = pathPattern === '*' ? copy['defaultCacheBehavior'] : copy['orderedCacheBehaviors'].find((b: Props) => b.pathPattern === pathPattern);
  change(behavior);
  return copy;
};

describe('the policy pack', () => {
  it('has unique names and a description and enforcement level for every policy', () => {
    const names = allPolicies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of allPolicies) {
      expect(p.description.length).toBeGreaterThan(20);
      expect(['mandatory', 'advisory']).toContain(p.enforcementLevel);
    }
  });

  it('ignores resource types a policy is not about', async () => {
    for (const policy of resourcePolicies) expect(await runResourcePolicy(policy, validationArgs('aws:sns/topic:Topic', { name: 'x' }))).toEqual([]);
  });
});

describe('protected-paths-require-trusted-key-group', () => {
  const name = 'protected-paths-require-trusted-key-group';
  it('passes the program\'s distribution', async () => {
    expect(await check(name, T.distribution, distribution)).toEqual([]);
  });
  it('flags /courses/* without a key group', async () => {
    const bad = withBehavior(distribution, '/courses/*', (b) => delete b['trustedKeyGroups']);
    expect(await check(name, T.distribution, bad)).toEqual([
      'behavior /courses/* serves protected media without a trusted key group',
      '/courses/any-course/any-lesson/master.m3u8 is served by behavior /courses/*, which does not require a trusted key group',
    ]);
  });
  it('flags media falling through to an unprotected behavior', async () => {
    const bad = clone(distribution);
    bad['orderedCacheBehaviors'] = bad['orderedCacheBehaviors'].filter((b: Props) => b.pathPattern !== '/courses/*');
    expect((await check(name, T.distribution, bad)).join('\n')).toMatch(/served by behavior \*, which does not require/);
    const shadowed = clone(distribution);
    shadowed['orderedCacheBehaviors'].unshift({ ...shadowed['orderedCacheBehaviors'][2], pathPattern: '/c*' });
    expect((await check(name, T.distribution, shadowed)).join('\n')).toMatch(/behavior \/c\* serves protected media/);
  });
  it('flags legacy trusted signers', async () => {
    const bad = withBehavior(distribution, '/courses/*', (b) => (b['trustedSigners'] = ['self']));
    expect(await check(name, T.distribution, bad)).toEqual(['behavior /courses/* trusts legacy key pairs (trustedSigners); use a trusted key group']);
  });
});

describe('viewer-protocol-https', () => {
  const name = 'viewer-protocol-https';
  it('passes the program\'s distribution', async () => expect(await check(name, T.distribution, distribution)).toEqual([]));
  it('flags allow-all and a token route that only redirects', async () => {
    expect(await check(name, T.distribution, withBehavior(distribution, '*', (b) => (b['viewerProtocolPolicy'] = 'allow-all')))).toEqual(['behavior * allows plain HTTP (viewerProtocolPolicy allow-all)']);
    expect(await check(name, T.distribution, withBehavior(distribution, '/auth/*', (b) => (b['viewerProtocolPolicy'] = 'redirect-to-https')))).toEqual([
      'behavior /auth/* receives request bodies (bearer tokens) and must be https-only',
    ]);
  });
});

describe('TLS', () => {
  const custom = { acmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x', sslSupportMethod: 'sni-only' };
  it('tls-1-2-minimum: passes TLSv1.2_2021 and TLSv1.3, flags older or missing policies and vip', async () => {
    const name = 'tls-1-2-minimum';
    for (const version of ['TLSv1.2_2021', 'TLSv1.2_2019', 'TLSv1.3_2025']) expect(await check(name, T.distribution, { viewerCertificate: { ...custom, minimumProtocolVersion: version } })).toEqual([]);
    expect(await check(name, T.distribution, { viewerCertificate: { ...custom, minimumProtocolVersion: 'TLSv1.1_2016' } })).toEqual(['minimumProtocolVersion TLSv1.1_2016 allows protocols older than TLS 1.2']);
    expect(await check(name, T.distribution, { viewerCertificate: { ...custom } })).toEqual(['custom certificate without a minimumProtocolVersion (CloudFront would default to an old policy)']);
    expect(await check(name, T.distribution, { viewerCertificate: { ...custom, sslSupportMethod: 'vip', minimumProtocolVersion: 'TLSv1.2_2021' } })).toEqual(['sslSupportMethod vip: use sni-only']);
    expect(await check(name, T.distribution, { viewerCertificate: { cloudfrontDefaultCertificate: true } })).toEqual([]);
  });
  it('default-certificate-allows-tls-1-0: advisory on the default certificate only', async () => {
    const name = 'default-certificate-allows-tls-1-0';
    expect(policyNamed(name).enforcementLevel).toBe('advisory');
    expect(await check(name, T.distribution, { viewerCertificate: { cloudfrontDefaultCertificate: true } })).toHaveLength(1);
    expect(await check(name, T.distribution, { viewerCertificate: { ...custom, minimumProtocolVersion: 'TLSv1.2_2021' } })).toEqual([]);
  });
});

describe('origins', () => {
  it('no-origin-access-identity', async () => {
    const name = 'no-origin-access-identity';
    expect(await check(name, T.distribution, distribution)).toEqual([]);
    const bad = clone(distribution);
    bad['origins'][0]['s3OriginConfig'] = { originAccessIdentity: 'origin-access-identity/cloudfront/E1' };
    expect(await check(name, T.distribution, bad)).toEqual(['origin media uses an Origin Access Identity']);
    expect(await check(name, T.originAccessIdentity, { comment: 'x' })).toEqual(['Origin Access Identity is legacy; use an Origin Access Control']);
  });
  it('s3-origins-use-origin-access-control', async () => {
    const name = 's3-origins-use-origin-access-control';
    expect(await check(name, T.distribution, distribution)).toEqual([]);
    expect(await check(name, T.originAccessControl, program.one(T.originAccessControl).inputs)).toEqual([]);
    const bad = clone(distribution);
    delete bad['origins'][1]['originAccessControlId'];
    expect(await check(name, T.distribution, bad)).toEqual([`S3 origin player (${bad['origins'][1]['domainName']}) has no origin access control`]);
    const website = clone(distribution);
    website['origins'][0]['customOriginConfig'] = { originProtocolPolicy: 'http-only' };
    expect((await check(name, T.distribution, website)).join()).toMatch(/custom \(website\) origin/);
    expect(await check(name, T.originAccessControl, { originAccessControlOriginType: 's3', signingBehavior: 'no-override', signingProtocol: 'sigv4' })).toEqual(['origin access control signs "no-override"; it must sign always']);
  });
});

describe('buckets', () => {
  it('s3-public-access-blocked', async () => {
    const name = 's3-public-access-blocked';
    for (const block of program.ofType(T.publicAccessBlock)) expect(await check(name, T.publicAccessBlock, block.inputs)).toEqual([]);
    expect(await check(name, T.publicAccessBlock, { bucket: 'b', blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true })).toEqual(['blockPublicPolicy must be true']);
    expect(await check(name, T.bucket, { acl: 'public-read' })).toEqual(['ACL public-read makes objects readable outside the account']);
    expect(await check(name, T.bucketAcl, { bucket: 'b', acl: 'private', accessControlPolicy: { grants: [{ grantee: { uri: 'http://acs.amazonaws.com/groups/global/AllUsers' } }] } })).toHaveLength(1);
    expect(await check(name, T.bucket, {})).toEqual([]);
  });

  it('s3-bucket-policy-private', async () => {
    const name = 's3-bucket-policy-private';
    for (const policy of program.ofType(T.bucketPolicy)) expect(await check(name, T.bucketPolicy, policy.inputs)).toEqual([]);
    const doc = (statement: Props) => ({ bucket: 'b', policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) });
    expect(await check(name, T.bucketPolicy, doc({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }))).toEqual(['statement Open allows everyone (Principal "*")']);
    expect(await check(name, T.bucketPolicy, doc({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }))).toEqual(['statement allows everyone (Principal "*")']);
    expect(await check(name, T.bucketPolicy, doc({ Sid: 'AnyCloudFront', Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }))).toEqual([
      'statement AnyCloudFront lets any CloudFront distribution read the bucket: add an AWS:SourceArn condition',
    ]);
    // A Deny with Principal "*" (deny plain HTTP) is fine.
    expect(await check(name, T.bucketPolicy, doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }))).toEqual([]);
  });

  it('every-bucket-has-public-access-block (stack policy)', async () => {
    const [policy] = stackPolicies;
    const resource = (type: string, name: string, props: Props, deps: Record<string, PolicyResource[]> = {}): PolicyResource => ({
      type, name, urn: `urn:${name}`, props, opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [], propertyDependencies: deps, isType: () => false, asType: () => undefined,
    } as PolicyResource);
    const a = resource(T.bucket, 'a', { id: 'a-1', bucket: 'a-1' });
    const b = resource(T.bucket, 'b', {});
    // One block names its bucket by value, the other (as in a preview) only by dependency.
    const blockA = resource(T.publicAccessBlock, 'pab-a', { bucket: 'a-1' });
    const blockB = resource(T.publicAccessBlock, 'pab-b', {}, { bucket: [b] });
    expect(await runStackPolicy(policy!, [a, b, blockA, blockB])).toEqual([]);
    expect(await runStackPolicy(policy!, [a, b, blockA])).toEqual([{ message: 'bucket b has no public access block', urn: 'urn:b' }]);
  });
});

describe('Lambda@Edge', () => {
  // The code archive holds promises (structuredClone refuses them); policies never read it.
  const edgeFunction = (): Props => {
    const { code: _code, ...rest } = program.one(T.lambda, 'cookie-issuer').inputs;
    return clone(rest);
  };
  const edgeProvider = { region: 'us-east-1' };

  it('lambda-edge-us-east-1-published: passes the program\'s function and distribution', async () => {
    const name = 'lambda-edge-us-east-1-published';
    expect(await check(name, T.lambda, edgeFunction(), edgeProvider)).toEqual([]);
    expect(await check(name, T.distribution, distribution)).toEqual([]);
  });

  it('lambda-edge-us-east-1-published: flags another Region, an unpublished function, $LATEST and aliases', async () => {
    const name = 'lambda-edge-us-east-1-published';
    expect(await check(name, T.lambda, edgeFunction(), { region: 'eu-west-1' })).toEqual(['edge function is created in eu-west-1; Lambda@Edge functions must be in us-east-1']);
    expect(await check(name, T.lambda, { ...edgeFunction(), region: 'eu-west-1' }, edgeProvider)).toEqual(['edge function is created in eu-west-1; Lambda@Edge functions must be in us-east-1']);
    expect(await check(name, T.lambda, { ...edgeFunction(), publish: false }, edgeProvider)).toEqual(['edge function must be published (publish: true) so CloudFront can run a numbered version']);
    const arn = (value: string) => withBehavior(distribution, '/auth/*', (b) => (b['lambdaFunctionAssociations'][0].lambdaArn = value));
    expect(await check(name, T.distribution, arn('arn:aws:lambda:eu-west-1:123456789012:function:f:3'))).toEqual(['behavior /auth/*: Lambda@Edge function is in eu-west-1, not us-east-1']);
    expect(await check(name, T.distribution, arn('arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST'))).toEqual(['behavior /auth/*: Lambda@Edge must name a numbered version, not $LATEST']);
    expect(await check(name, T.distribution, arn('arn:aws:lambda:us-east-1:123456789012:function:f:live'))).toEqual(['behavior /auth/*: Lambda@Edge must name a numbered version, not live']);
    expect(await check(name, T.distribution, arn('arn:aws:lambda:us-east-1:123456789012:function:f'))).toEqual(['behavior /auth/*: arn:aws:lambda:us-east-1:123456789012:function:f is not a qualified Lambda ARN']);
  });

  it('lambda-edge-restrictions', async () => {
    const name = 'lambda-edge-restrictions';
    expect(await check(name, T.lambda, edgeFunction(), edgeProvider)).toEqual([]);
    const bad = { ...edgeFunction(), runtime: 'nodejs24.x', architectures: ['arm64'], environment: { variables: { A: '1' } }, layers: ['arn:layer'], memorySize: 512, timeout: 30, vpcConfig: { subnetIds: ['s'] } };
    expect(await check(name, T.lambda, bad, edgeProvider)).toHaveLength(7);
    // Regional Lambdas (no edge tag) are not held to the edge rules.
    const { code: _code, ...trigger } = program.one(T.lambda, 'upload-trigger').inputs;
    expect(await check(name, T.lambda, trigger)).toEqual([]);
  });
});

describe('CORS, cache keys, caching, functions, headers, IAM', () => {
  it('cors-no-wildcard-with-credentials', async () => {
    const name = 'cors-no-wildcard-with-credentials';
    for (const p of program.ofType(T.responseHeadersPolicy)) expect(await check(name, T.responseHeadersPolicy, p.inputs)).toEqual([]);
    const cors = (origins: string[], credentials = true, headers = ['Range']) => ({ corsConfig: { accessControlAllowCredentials: credentials, accessControlAllowOrigins: { items: origins }, accessControlAllowHeaders: { items: headers } } });
    expect(await check(name, T.responseHeadersPolicy, cors(['*']))).toEqual(['CORS allows credentials from "*": wildcards let any site read a student\'s media']);
    expect(await check(name, T.responseHeadersPolicy, cors(['https://*.example.com']))).toHaveLength(1);
    expect(await check(name, T.responseHeadersPolicy, cors(['https://school.example/']))).toEqual(['CORS origin "https://school.example/" is not an exact scheme://host[:port]']);
    expect(await check(name, T.responseHeadersPolicy, cors(['https://school.example'], true, ['*']))).toEqual(['CORS allows every request header ("*") with credentials']);
    expect(await check(name, T.responseHeadersPolicy, cors(['*'], false))).toEqual([]);
  });

  it('cache-key-excludes-cookies', async () => {
    const name = 'cache-key-excludes-cookies';
    for (const p of program.ofType(T.cachePolicy)) expect(await check(name, T.cachePolicy, p.inputs)).toEqual([]);
    expect(await check(name, T.distribution, distribution)).toEqual([]);
    const bad = clone(program.ofType(T.cachePolicy)[0]!.inputs);
    bad['parametersInCacheKeyAndForwardedToOrigin'].cookiesConfig = { cookieBehavior: 'all' };
    expect(await check(name, T.cachePolicy, bad)).toEqual(['cache policy puts cookies in the cache key (cookieBehavior all)']);
    expect(await check(name, T.distribution, withBehavior(distribution, '/courses/*', (b) => (b['forwardedValues'] = { queryString: false, cookies: { forward: 'all' } })))).toEqual([
      'behavior /courses/* forwards cookies (legacy forwardedValues)',
    ]);
  });

  it('cache-key-excludes-signed-url-params', async () => {
    const name = 'cache-key-excludes-signed-url-params';
    for (const p of program.ofType(T.cachePolicy)) expect(await check(name, T.cachePolicy, p.inputs)).toEqual([]);
    const key = (queryStringsConfig: Props, headers: string[] = []) => ({ parametersInCacheKeyAndForwardedToOrigin: { cookiesConfig: { cookieBehavior: 'none' }, headersConfig: { headerBehavior: headers.length ? 'whitelist' : 'none', headers: { items: headers } }, queryStringsConfig } });
    expect(await check(name, T.cachePolicy, key({ queryStringBehavior: 'all' }))).toEqual(['every query string is in the cache key, signed-URL parameters included']);
    expect(await check(name, T.cachePolicy, key({ queryStringBehavior: 'whitelist', queryStrings: { items: ['v', 'Signature'] } }))).toEqual(['query string Signature (signed URL) is in the cache key']);
    expect(await check(name, T.cachePolicy, key({ queryStringBehavior: 'allExcept', queryStrings: { items: ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] } }))).toEqual([]);
    expect(await check(name, T.cachePolicy, key({ queryStringBehavior: 'none' }, ['Authorization']))).toEqual(['header Authorization is in the cache key']);
  });

  it('token-exchange-never-cached', async () => {
    const name = 'token-exchange-never-cached';
    expect(await check(name, T.distribution, distribution)).toEqual([]);
    const media = distribution['orderedCacheBehaviors'].find((b: Props) => b.pathPattern === '/courses/*').cachePolicyId;
    expect(media).not.toBe(MANAGED_CACHING_DISABLED);
    expect(await check(name, T.distribution, withBehavior(distribution, '/auth/*', (b) => (b['cachePolicyId'] = media)))).toEqual([`behavior /auth/* exchanges tokens but is cacheable (cache policy ${media})`]);
    // The progress API reads bearer tokens (beacons carry theirs in the body) and personal records: never cached either.
    expect(await check(name, T.distribution, withBehavior(distribution, '/api/*', (b) => (b['cachePolicyId'] = media)))).toEqual([`behavior /api/* exchanges tokens but is cacheable (cache policy ${media})`]);
  });

  it('cloudfront-function-runtime', async () => {
    const name = 'cloudfront-function-runtime';
    const good = program.one(T.cloudfrontFunction).inputs;
    expect(await check(name, T.cloudfrontFunction, good)).toEqual([]);
    expect(await check(name, T.cloudfrontFunction, { ...good, runtime: 'cloudfront-js-1.0' })).toEqual(['runtime cloudfront-js-1.0: use cloudfront-js-2.0 (KeyValueStore needs it)']);
    expect(await check(name, T.cloudfrontFunction, { ...good, publish: false })).toHaveLength(1);
    expect(await check(name, T.cloudfrontFunction, { ...good, code: 'x'.repeat(10_241) })).toEqual(['code is 10241 bytes, over the 10240-byte quota']);
  });

  it('security-headers-required', async () => {
    const name = 'security-headers-required';
    for (const p of program.ofType(T.responseHeadersPolicy)) expect(await check(name, T.responseHeadersPolicy, p.inputs)).toEqual([]);
    expect(await check(name, T.responseHeadersPolicy, {})).toEqual(['no Strict-Transport-Security header', 'no X-Content-Type-Options: nosniff']);
    expect(await check(name, T.responseHeadersPolicy, { securityHeadersConfig: { contentTypeOptions: { override: true }, strictTransportSecurity: { accessControlMaxAgeSec: 300, override: true } } })).toEqual(['HSTS max-age 300 is under one year']);
  });

  it('iam-no-wildcard-actions', async () => {
    const name = 'iam-no-wildcard-actions';
    for (const p of program.ofType(T.rolePolicy)) expect(await check(name, T.rolePolicy, p.inputs)).toEqual([]);
    const doc = (Action: unknown) => ({ role: 'r', policy: JSON.stringify({ Statement: [{ Sid: 'Wide', Effect: 'Allow', Action, Resource: '*' }] }) });
    expect(await check(name, T.rolePolicy, doc('*'))).toEqual(['allows * (Wide)']);
    expect(await check(name, T.rolePolicy, doc(['s3:GetObject', 'dynamodb:*']))).toEqual(['allows dynamodb:* (Wide)']);
  });
});
