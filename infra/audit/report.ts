/**
 * The audit report: what the program would deploy, read back from the resources it declares
 * (not from the spec), with the spec's reasons beside each path. Spec and program disagreeing is
 * itself a violation.
 */
import { sessionAccess } from './session-access.ts';
import path from 'node:path';
import type { IssuerConfig } from '../../edge/cookie-issuer/config.ts';
import { SESSION_COOKIE_NAMES, sessionCookie } from '../../edge/cookie-issuer/cookies.ts';
import type { Behavior, DistributionSpec, LambdaEdgeName } from '../../edge/distribution-spec.ts';
import type { ProgressApiConfig } from '../../edge/progress-api/config.ts';
import { MANAGED_CACHING_DISABLED, MANAGED_ORIGIN_REQUEST_CORS_S3 } from '../cloudfront-mapping.ts';
import { REPO_ROOT } from '../artifacts.ts';
import type { ProgramRun, RecordedResource } from '../mock-run.ts';
import { behaviorsOf } from '../policy/policy-kit.ts';
import type { AuditReport, PathEntry, Reach } from './report-types.ts';
import type { Violation } from './evaluate.ts';

const DIST = 'aws:cloudfront/distribution:Distribution';

const relative = (file: string): string => {
  const inRepo = path.relative(REPO_ROOT, file);
  return inRepo.startsWith('..') ? file : inRepo;
};

function byId(resources: readonly RecordedResource[], type: string): Map<string, RecordedResource> {
  return new Map(resources.filter((r) => r.type === type).map((r) => [r.id, r]));
}

function describeCacheKey(policy: RecordedResource | undefined, id: string | undefined): string {
  if (id === MANAGED_CACHING_DISABLED) return 'never cached (CachingDisabled, managed)';
  if (!policy) return `cache policy ${id ?? '(none)'}`;
  const p = policy.inputs['parametersInCacheKeyAndForwardedToOrigin'] ?? {};
  const part = (label: string, behavior: string | undefined, items: string[] | undefined): string =>
    behavior === 'none' || behavior === undefined ? `no ${label}` : `${label}: ${behavior}${items?.length ? ` (${items.join(', ')})` : ''}`;
  return [
    'path',
    part('cookies', p.cookiesConfig?.cookieBehavior, p.cookiesConfig?.cookies?.items),
    part('query strings', p.queryStringsConfig?.queryStringBehavior, p.queryStringsConfig?.queryStrings?.items),
    part('headers', p.headersConfig?.headerBehavior, p.headersConfig?.headers?.items),
  ].join(', ') + `; TTL ${policy.inputs['minTtl'] ?? 0}/${policy.inputs['defaultTtl'] ?? '-'}/${policy.inputs['maxTtl'] ?? '-'} s`;
}

function describeCors(policy: RecordedResource | undefined): string {
  const cors = policy?.inputs['corsConfig'];
  if (!cors) return 'none (no CORS headers)';
  const origins = (cors.accessControlAllowOrigins?.items ?? []) as string[];
  return `${cors.accessControlAllowCredentials ? 'with credentials' : 'without credentials'} for ${origins.join(', ')}`;
}

function specBehavior(spec: DistributionSpec, pathPattern: string, isDefault: boolean): Behavior | undefined {
  return isDefault ? spec.defaultBehavior : spec.behaviors.find((b) => b.pathPattern === pathPattern);
}

const REACH_OF_PROTECTION: Record<Behavior['protection'], Reach> = {
  public: 'public',
  'trusted-key-group': 'signed cookie or signed URL',
  'bearer-token': 'bearer token',
};

/** What each Lambda@Edge function checks itself, for the "who can reach it" column. */
const BEARER_REACH: Record<LambdaEdgeName, string> = {
  'cookie-issuer': 'anyone may call; the cookie issuer verifies a Cognito JWT and the enrollment itself',
  'progress-api': 'anyone may call; the progress API verifies a Cognito JWT, the enrollment and the published lesson itself, and decides completion from what was watched',
};
const LABEL: Record<LambdaEdgeName, string> = { 'cookie-issuer': 'the cookie issuer', 'progress-api': 'the progress API' };

export function buildReport(input: {
  run: ProgramRun;
  issuerConfig: IssuerConfig;
  /** The progress API's baked config (its CORS allowlist); absent: taken to be the issuer's. */
  progressApiConfig?: ProgressApiConfig;
  violations: Violation[];
  policiesChecked: number;
  resourcesChecked: number;
  source: string;
  notes: string[];
}): AuditReport {
  const { run, issuerConfig } = input;
  const { spec, config } = { spec: run.lectern.spec, config: run.config };
  const violations = [...input.violations];
  const distribution = run.one(DIST);
  const props = distribution.inputs;
  const cachePolicies = byId(run.resources, 'aws:cloudfront/cachePolicy:CachePolicy');
  const headerPolicies = byId(run.resources, 'aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy');
  const keyGroups = byId(run.resources, 'aws:cloudfront/keyGroup:KeyGroup');
  const publicKeys = byId(run.resources, 'aws:cloudfront/publicKey:PublicKey');
  const functions = new Map(run.ofType('aws:cloudfront/function:Function').map((f) => [f.state['arn'] as string, f]));
  const lambdas = new Map(run.ofType('aws:lambda/function:Function').map((f) => [f.state['qualifiedArn'] as string, f]));
  const stores = new Map(run.ofType('aws:cloudfront/keyValueStore:KeyValueStore').map((s) => [s.state['arn'] as string, s]));
  const origins = new Map(((props['origins'] ?? []) as Array<Record<string, any>>).map((o) => [o['originId'] as string, o]));

  const disagree = (message: string): void => {
    violations.push({ policy: 'spec-and-program-agree', level: 'mandatory', resource: `${DIST}::${distribution.name}`, message });
  };

  const describeEdgeCors = (name: LambdaEdgeName): string => {
    const origins = name === 'progress-api' ? (input.progressApiConfig ?? issuerConfig).corsAllowedOrigins : issuerConfig.corsAllowedOrigins;
    return `answered by ${LABEL[name]}: ${origins.length ? `credentials for ${origins.join(', ')}` : 'same origin only'}`;
  };

  const deployed = behaviorsOf(props);
  const expected = [...spec.behaviors.map((b) => b.pathPattern), '*'];
  if (deployed.map((b) => b.pathPattern).join('\n') !== expected.join('\n')) {
    disagree(`behaviors are ${deployed.map((b) => b.pathPattern).join(', ')}; the spec declares ${expected.join(', ')}`);
  }

  const paths: PathEntry[] = deployed.map((b, index) => {
    const declared = specBehavior(spec, b.pathPattern, b.isDefault);
    const keyGroupIds = (b.trustedKeyGroups ?? []) as string[];
    const lambdaAssociations = b.lambdaFunctionAssociations ?? [];
    const takesToken = lambdaAssociations.some((a) => a.includeBody);
    const reach: Reach = keyGroupIds.length > 0 ? 'signed cookie or signed URL' : takesToken ? 'bearer token' : 'public';
    const reachDetail =
      reach === 'signed cookie or signed URL'
        ? `CloudFront checks the signature against key group ${keyGroupIds.map((id) => keyGroups.get(id)?.inputs['name'] ?? id).join(', ')}`
        : reach === 'bearer token'
          ? declared?.viewerRequest.kind === 'lambda-edge'
            ? BEARER_REACH[declared.viewerRequest.name]
            : 'anyone may call; the edge function verifies a bearer token itself'
          : 'anyone';
    if (declared && REACH_OF_PROTECTION[declared.protection] !== reach) {
      disagree(`${b.pathPattern}: the spec says ${declared.protection}, the program deploys ${reach}`);
    }
    const edgeCode: string[] = [];
    for (const association of b.functionAssociations ?? []) {
      const fn = functions.get(association.functionArn ?? '');
      const kvs = ((fn?.inputs['keyValueStoreAssociations'] ?? []) as string[]).map((arn) => stores.get(arn)?.inputs['name'] ?? arn);
      edgeCode.push(`CloudFront Function ${fn?.inputs['name'] ?? association.functionArn} (${fn?.inputs['runtime'] ?? '?'}, ${association.eventType}${kvs.length ? `, KeyValueStore ${kvs.join(', ')}` : ''})`);
    }
    for (const association of lambdaAssociations) {
      const fn = lambdas.get(association.lambdaArn ?? '');
      const version = (association.lambdaArn ?? '').split(':').pop();
      const region = /^arn:aws:lambda:([^:]+):/.exec(association.lambdaArn ?? '')?.[1] ?? '?';
      edgeCode.push(`Lambda@Edge ${fn?.inputs['name'] ?? association.lambdaArn} v${version} (${fn?.inputs['runtime'] ?? '?'}, ${region}, ${association.eventType}${association.includeBody ? ', request body' : ''})`);
    }
    if (edgeCode.length === 0) edgeCode.push('none');
    const targetOrigin = String((b as Record<string, any>)['targetOriginId'] ?? '');
    const originDomain = origins.get(targetOrigin)?.['domainName'] as string | undefined;
    const origin = declared?.origin === 'none'
      ? `none: the edge answers every request (CloudFront requires a target, ${targetOrigin}, never reached)`
      : `${targetOrigin} bucket${originDomain ? ` (${originDomain})` : ''} via origin access control`;
    const cachePolicyId = b.cachePolicyId;
    const rhpId = (b as Record<string, any>)['responseHeadersPolicyId'] as string | undefined;
    const originRequest = (b as Record<string, any>)['originRequestPolicyId'] === MANAGED_ORIGIN_REQUEST_CORS_S3 ? ' (Origin forwarded to S3 for preflights, not in the key)' : '';
    return {
      order: index + 1,
      pathPattern: b.pathPattern,
      reach,
      reachDetail,
      edgeCode,
      origin,
      allowedMethods: ((b as Record<string, any>)['allowedMethods'] ?? []) as string[],
      viewerProtocol: b.viewerProtocolPolicy ?? '?',
      cacheKey: describeCacheKey(cachePolicies.get(cachePolicyId ?? ''), cachePolicyId) + originRequest,
      cors: declared?.viewerRequest.kind === 'lambda-edge' ? describeEdgeCors(declared.viewerRequest.name) : describeCors(headerPolicies.get(rhpId ?? '')),
      why: declared?.why ?? '(not in the spec)',
    };
  });

  const cert = (props['viewerCertificate'] ?? {}) as Record<string, any>;
  const sample = 'demo';
  const host = config.domain?.name ?? '<distribution>.cloudfront.net';
  const example = sessionCookie(SESSION_COOKIE_NAMES[0], '<base64 policy>', sample, { sameSite: issuerConfig.cookie.sameSite });

  const activeKeyId = issuerConfig.signing.keyPairId;
  const keyGroup = run.one('aws:cloudfront/keyGroup:KeyGroup');
  const members = ((keyGroup.inputs['items'] ?? []) as string[]).map((id) => {
    const key = publicKeys.get(id);
    const name = (key?.name ?? id).split('-').slice(-2).join('-');
    const trusted = config.signing.trustedPublicKeys.find((k) => k.name === name);
    return { name, fingerprint: trusted ? `SHA-256 ${trusted.fingerprint}` : '?', active: id === activeKeyId, cloudFrontId: 'assigned by CloudFront at deploy' };
  });
  if (!members.some((m) => m.active)) violations.push({ policy: 'spec-and-program-agree', level: 'mandatory', resource: 'cookie issuer', message: 'the issuer signs with a key that is not in the trusted key group' });

  const edgeCode: AuditReport['edgeCode'] = [];
  for (const fn of run.ofType('aws:cloudfront/function:Function')) {
    const a = run.lectern.artifacts.viewerRequest;
    edgeCode.push({ name: fn.inputs['name'], kind: 'CloudFront Function', runtime: fn.inputs['runtime'], region: 'global (edge locations)', published: fn.inputs['publish'] === true, artifact: relative(a.path), bytes: a.bytes, sha256: a.sha256 });
  }
  for (const fn of run.ofType('aws:lambda/function:Function').filter((f) => f.inputs['tags']?.['lectern:edge-function'])) {
    const a = String(fn.inputs['name']).endsWith('-progress-api') ? run.lectern.artifacts.progressApi : run.lectern.artifacts.cookieIssuer;
    edgeCode.push({ name: fn.inputs['name'], kind: 'Lambda@Edge', runtime: fn.inputs['runtime'], region: String(run.providerOf(fn).props['region']), published: fn.inputs['publish'] === true, artifact: `${relative(a.path)} + generated config.json`, bytes: a.bytes, sha256: a.sha256 });
  }

  const blocks = run.ofType('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock');
  const policies = run.ofType('aws:s3/bucketPolicy:BucketPolicy');
  const buckets = run.ofType('aws:s3/bucket:Bucket').map((bucket) => {
    const block = blocks.find((b) => b.inputs['bucket'] === bucket.id);
    const blocked = Boolean(block && ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'].every((f) => block.inputs[f] === true));
    const policy = policies.find((p) => p.inputs['bucket'] === bucket.id);
    const statements = policy ? ((JSON.parse(policy.inputs['policy']) as { Statement: Array<Record<string, any>> }).Statement ?? []) : [];
    const allows = statements.filter((s) => s['Effect'] === 'Allow');
    const principals = [...new Set(allows.map((s) => {
      const principal = s['Principal'];
      const who = typeof principal === 'string' ? principal : Object.values(principal ?? {}).flat().join(', ');
      const sourceArn = Object.values((s['Condition'] ?? {}) as Record<string, Record<string, unknown>>).map((c) => c['AWS:SourceArn']).find(Boolean);
      const distributionArn = run.one(DIST).state['arn'];
      return sourceArn ? `${who}, only for ${sourceArn === distributionArn ? 'this distribution' : String(sourceArn)} (AWS:SourceArn)` : who;
    }))];
    const actions = allows.flatMap((s) => [s['Action']].flat() as string[]);
    const readers = allows.length ? `${principals.join('; ')} (${actions.join(', ')})` : 'no one outside this account\'s IAM';
    return { name: bucket.name, publicAccessBlocked: blocked, readers };
  });

  const rhpMedia = [...headerPolicies.values()].find((p) => p.inputs['corsConfig']);
  return {
    stack: config.stack,
    source: input.source,
    distribution: {
      aliases: (props['aliases'] ?? []) as string[],
      certificate: cert['cloudfrontDefaultCertificate'] ? 'default *.cloudfront.net certificate' : `ACM ${cert['acmCertificateArn']} (${cert['sslSupportMethod']})`,
      minimumTls: cert['cloudfrontDefaultCertificate'] ? 'TLSv1 (fixed by CloudFront for the default certificate)' : String(cert['minimumProtocolVersion']),
      priceClass: String(props['priceClass']),
      httpVersion: String(props['httpVersion']),
      defaultRootObject: String(props['defaultRootObject']),
      customErrorResponses: (props['customErrorResponses'] ?? []) as AuditReport['distribution']['customErrorResponses'],
    },
    paths,
    cookies: {
      names: [...SESSION_COOKIE_NAMES].slice(0, issuerConfig.signing.algorithm === 'SHA256' ? 4 : 3),
      attributes: `Path=/courses/<course>/; Secure; HttpOnly; SameSite=${issuerConfig.cookie.sameSite}`,
      example,
      expires: 'none: session cookies (no Expires/Max-Age), gone when the browser closes',
      policyLifetimeSeconds: issuerConfig.cookie.ttlSeconds,
      access: sessionAccess(issuerConfig.cookie.ttlSeconds),
      policyResource: `https://${host}/courses/<course>/*`,
      hashAlgorithm: issuerConfig.signing.algorithm,
      signedUrlMode: 'the session response also carries the same policy as signed-URL query parameters, for players where third-party cookies are blocked',
    },
    tokens: {
      issuer: issuerConfig.issuer,
      clientIds: [...issuerConfig.clientIds],
      tokenUse: [...issuerConfig.tokenUse],
      enrollmentsTable: issuerConfig.enrollments.tableName,
      jwks: config.cognito.jwks ? 'pinned in stack config' : `fetched from ${issuerConfig.jwksUri} at deploy time, baked into config.json`,
    },
    keyGroup: {
      name: String(keyGroup.inputs['name']),
      members,
      signingKeySecret: issuerConfig.signing.key.source === 'secrets-manager' ? `Secrets Manager (${issuerConfig.signing.key.region}), read at cold start` : 'PEM file',
    },
    cors: {
      allowedOrigins: (rhpMedia?.inputs['corsConfig']?.accessControlAllowOrigins?.items ?? []) as string[],
      credentials: rhpMedia?.inputs['corsConfig']?.accessControlAllowCredentials === true,
      methods: [...spec.cors.allowedMethods],
      headers: [...spec.cors.allowedHeaders],
      exposeHeaders: [...spec.cors.exposeHeaders],
      maxAgeSeconds: spec.cors.maxAgeSeconds,
    },
    securityHeaders: { ...spec.securityHeaders },
    edgeCode,
    buckets,
    violations,
    policiesChecked: input.policiesChecked,
    resourcesChecked: input.resourcesChecked,
    notes: input.notes,
  };
}

