/**
 * The distribution as CloudFront holds it once deployed: the Distribution resource's cache
 * behaviors in order (default last), with every id resolved to what it names (origin -> bucket,
 * trusted key group -> public keys, function association -> function, response headers policy
 * -> its headers). The local distribution serves exactly this.
 */
import { matchesPathPattern } from '../../edge/distribution-spec.ts';
import type { ProgramRun } from '../../infra/mock-run.ts';
import { responseHeadersFromPolicy, type ResponseHeadersPolicy } from './response-headers-policy.ts';

export interface TrustedKey {
  /** CloudFront public key id: the Key-Pair-Id viewers send. */
  readonly id: string;
  readonly publicKeyPem: string;
}

export type ViewerRequestCode =
  | { readonly kind: 'cloudfront-function'; readonly arn: string }
  | { readonly kind: 'lambda-edge'; readonly arn: string; readonly includeBody: boolean };

export interface DeployedBehavior {
  /** `*` for the default behavior. */
  readonly pathPattern: string;
  readonly originId: string;
  /** The S3 bucket behind the origin (Origin Access Control), or undefined for another origin. */
  readonly originBucket: string | undefined;
  readonly allowedMethods: readonly string[];
  readonly viewerProtocolPolicy: string;
  /** Keys of the trusted key groups; null when the behavior does not restrict viewers. */
  readonly trustedKeys: readonly TrustedKey[] | null;
  readonly viewerRequest: ViewerRequestCode | undefined;
  readonly responseHeaders: ResponseHeadersPolicy;
  readonly cachePolicyId: string;
}

export interface DeployedErrorResponse {
  readonly errorCode: number;
  readonly responseCode: number;
  readonly responsePagePath: string;
  readonly errorCachingMinTtl: number;
}

export interface DeployedDistribution {
  readonly id: string;
  readonly domainName: string;
  readonly behaviors: readonly DeployedBehavior[];
  readonly customErrorResponses: readonly DeployedErrorResponse[];
  readonly defaultRootObject: string;
}

/** CloudFront's choice: the first ordered behavior whose pattern matches, else the default. */
export function behaviorFor(distribution: DeployedDistribution, path: string): DeployedBehavior {
  const ordered = distribution.behaviors.slice(0, -1);
  return ordered.find((b) => matchesPathPattern(b.pathPattern, path)) ?? (distribution.behaviors[distribution.behaviors.length - 1] as DeployedBehavior);
}

export function readDeployedDistribution(run: ProgramRun): DeployedDistribution {
  const resource = run.one('aws:cloudfront/distribution:Distribution');
  const d = resource.inputs;
  const bucketsByDomain = new Map(run.ofType('aws:s3/bucket:Bucket').map((b) => [b.state['bucketRegionalDomainName'] as string, b.state['bucket'] as string]));
  const origins = new Map<string, string | undefined>(
    (d['origins'] as { originId: string; domainName: string }[]).map((o) => [o.originId, bucketsByDomain.get(o.domainName)]),
  );
  const publicKeys = new Map(run.ofType('aws:cloudfront/publicKey:PublicKey').map((k) => [k.id, k.inputs['encodedKey'] as string]));
  const keyGroups = new Map(run.ofType('aws:cloudfront/keyGroup:KeyGroup').map((g) => [g.id, g.inputs['items'] as string[]]));
  const policies = new Map(run.ofType('aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy').map((p) => [p.id, p.inputs]));

  const toBehavior = (b: Record<string, any>, pathPattern: string): DeployedBehavior => {
    if (!origins.has(b['targetOriginId'])) throw new Error(`behavior ${pathPattern}: origin ${b['targetOriginId']} is not one of the distribution's origins`);
    const groups = (b['trustedKeyGroups'] as string[] | undefined) ?? [];
    const trustedKeys = groups.length === 0 ? null : groups.flatMap((groupId) => {
      const items = keyGroups.get(groupId);
      if (!items) throw new Error(`behavior ${pathPattern}: key group ${groupId} does not exist`);
      return items.map((id) => {
        const pem = publicKeys.get(id);
        if (!pem) throw new Error(`key group ${groupId}: public key ${id} does not exist`);
        return { id, publicKeyPem: pem };
      });
    });
    const functions = (b['functionAssociations'] as { eventType: string; functionArn: string }[] | undefined) ?? [];
    const lambdas = (b['lambdaFunctionAssociations'] as { eventType: string; lambdaArn: string; includeBody?: boolean }[] | undefined) ?? [];
    // CloudFront allows one function per event type across both kinds (edge-functions-choosing).
    const fn = functions.find((f) => f.eventType === 'viewer-request');
    const lambda = lambdas.find((l) => l.eventType === 'viewer-request');
    if (fn && lambda) throw new Error(`behavior ${pathPattern}: a CloudFront Function and a Lambda@Edge function on the same viewer-request event`);
    const others = [...functions, ...lambdas].filter((a) => a.eventType !== 'viewer-request');
    if (others.length > 0) throw new Error(`behavior ${pathPattern}: the local distribution runs viewer-request code only (found ${others.map((o) => o.eventType).join(', ')})`);
    const policyId = b['responseHeadersPolicyId'] as string | undefined;
    const policy = policyId ? policies.get(policyId) : undefined;
    if (policyId && !policy) throw new Error(`behavior ${pathPattern}: response headers policy ${policyId} is not one the program creates (managed policies are not emulated)`);
    return {
      pathPattern,
      originId: b['targetOriginId'],
      originBucket: origins.get(b['targetOriginId']),
      allowedMethods: b['allowedMethods'] as string[],
      viewerProtocolPolicy: b['viewerProtocolPolicy'] as string,
      trustedKeys,
      viewerRequest: fn ? { kind: 'cloudfront-function', arn: fn.functionArn } : lambda ? { kind: 'lambda-edge', arn: lambda.lambdaArn, includeBody: lambda.includeBody === true } : undefined,
      responseHeaders: responseHeadersFromPolicy(policy),
      cachePolicyId: b['cachePolicyId'] as string,
    };
  };

  const ordered = ((d['orderedCacheBehaviors'] as Record<string, any>[] | undefined) ?? []).map((b) => toBehavior(b, b['pathPattern']));
  return {
    id: resource.id,
    domainName: resource.state['domainName'] as string,
    behaviors: [...ordered, toBehavior(d['defaultCacheBehavior'], '*')],
    customErrorResponses: ((d['customErrorResponses'] as any[] | undefined) ?? []).map((e) => ({
      errorCode: e.errorCode,
      responseCode: e.responseCode ?? e.errorCode,
      responsePagePath: e.responsePagePath,
      // CloudFront's default error caching minimum TTL is 10 s (custom error responses).
      errorCachingMinTtl: e.errorCachingMinTtl ?? 10,
    })),
    defaultRootObject: (d['defaultRootObject'] as string | undefined) ?? '',
  };
}
