import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { JSONWebKeySet } from 'jose';
import type { Behavior, CachePolicyName, DistributionSpec, LambdaEdgeName, ResponseHeadersName } from '../../edge/distribution-spec.ts';
import type { LoadedArtifacts } from '../artifacts.ts';
import {
  allowedMethodsFor,
  CACHED_METHODS,
  cachePolicyPlan,
  corsConfig,
  MANAGED_ORIGIN_REQUEST_CORS_S3,
  responseHeadersUsesCors,
  securityHeaders,
  viewerProtocolPolicy,
} from '../cloudfront-mapping.ts';
import { issuerConfigJson } from '../issuer-config.ts';
import type { StackConfig } from '../stack-config.ts';
import { CookieIssuer } from './cookie-issuer.ts';

export interface EdgeDistributionArgs {
  /** The distribution, declared once (edge/distribution-spec.ts). */
  readonly spec: DistributionSpec;
  readonly config: StackConfig;
  /** Explicit us-east-1 provider for Lambda@Edge. */
  readonly edgeProvider: aws.Provider;
  readonly origins: {
    readonly media: aws.s3.Bucket;
    readonly player: aws.s3.Bucket;
    readonly originAccessControlId: pulumi.Input<string>;
  };
  readonly enrollmentsTable: aws.dynamodb.Table;
  readonly lessonsTable: aws.dynamodb.Table;
  readonly signingSecretArn: pulumi.Input<string>;
  readonly artifacts: LoadedArtifacts;
  readonly jwks: pulumi.Input<JSONWebKeySet>;
  /** In on-demand mode: the upload trigger the issuer invokes (function name, stack region). */
  readonly onDemand?: { readonly uploadTriggerName: string; readonly region: string };
  /**
   * Qualified (numbered-version) ARNs of the Lambda@Edge functions made outside this component,
   * by the edge code name the spec's behaviors use (the progress API, infra/components/progress-api.ts).
   */
  readonly lambdaEdge: Readonly<Record<Exclude<LambdaEdgeName, 'cookie-issuer'>, pulumi.Input<string>>>;
}

type CacheBehavior = aws.types.input.cloudfront.DistributionOrderedCacheBehavior;

/** Origin ids in the distribution; `none` (the edge answers) still needs a target: the player. */
export const ORIGIN_IDS = { media: 'media', player: 'player', none: 'player' } as const;

/**
 * The CloudFront distribution, built from the spec: behaviors in the spec's order with their
 * protection (trusted key group), edge code (the viewer-request CloudFront Function with its
 * KeyValueStore, or a Lambda@Edge function with the request body: the cookie issuer, made here,
 * or the progress API, by name from `lambdaEdge`), cache policies that
 * keep cookies and query strings out of the key, response headers policies (CORS allowlist with
 * credentials, security headers), custom error responses, HTTPS only, TLS 1.2+ with a custom
 * domain, and the trusted key group of public keys from stack config.
 */
export class EdgeDistribution extends pulumi.ComponentResource {
  readonly publicKeys: Record<string, aws.cloudfront.PublicKey>;
  readonly keyGroup: aws.cloudfront.KeyGroup;
  readonly nextLessonStore: aws.cloudfront.KeyValueStore;
  readonly viewerRequest: aws.cloudfront.Function;
  readonly cookieIssuer: CookieIssuer;
  readonly cachePolicies: Partial<Record<CachePolicyName, aws.cloudfront.CachePolicy>>;
  readonly responseHeadersPolicies: Record<ResponseHeadersName, aws.cloudfront.ResponseHeadersPolicy>;
  readonly distribution: aws.cloudfront.Distribution;
  readonly activeKeyPairId: pulumi.Output<string>;

  constructor(name: string, args: EdgeDistributionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:edge:Distribution', name, {}, opts);
    const { spec, config } = args;
    const prefix = config.namePrefix;
    const child = { parent: this };

    // Trusted key group: one CloudFront public key per key the spec trusts.
    this.publicKeys = {};
    for (const key of spec.keyGroup.keys) {
      this.publicKeys[key.id] = new aws.cloudfront.PublicKey(`${name}-${key.id}`, {
        name: `${prefix}-${key.id}`,
        encodedKey: key.publicKeyPem,
        comment: `lectern signer ${key.id}${key.id === config.signing.activeKey ? ' (active)' : ''}`,
      }, child);
    }
    const active = this.publicKeys[config.signing.activeKey];
    if (!active) throw new Error(`the active signing key ${config.signing.activeKey} is not in the spec's key group`);
    this.activeKeyPairId = active.id;
    this.keyGroup = new aws.cloudfront.KeyGroup(`${name}-signers`, {
      name: spec.keyGroup.name,
      comment: 'lectern: keys CloudFront accepts for signed cookies and signed URLs under /courses/',
      items: Object.values(this.publicKeys).map((k) => k.id),
    }, child);

    // Viewer-request CloudFront Function, the built file byte for byte, with its KeyValueStore
    // (`<course>/<lesson>` -> next lesson id) associated so cf.kvs() finds it.
    this.nextLessonStore = new aws.cloudfront.KeyValueStore(`${name}-next-lesson`, {
      name: `${prefix}-next-lesson`,
      comment: 'lectern: <course>/<lesson> -> next lesson id, read by the viewer-request function',
    }, child);
    this.viewerRequest = new aws.cloudfront.Function(`${name}-viewer-request`, {
      name: `${prefix}-viewer-request`,
      runtime: 'cloudfront-js-2.0',
      comment: 'lectern: friendly redirects, next-lesson prefetch, media-type allowlist under /courses/',
      code: args.artifacts.viewerRequestCode,
      publish: true,
      keyValueStoreAssociations: [this.nextLessonStore.arn],
    }, child);

    // Cookie issuer, Lambda@Edge in us-east-1, its config.json built from outputs and validated.
    const configJson = pulumi
      .all([this.activeKeyPairId, args.signingSecretArn, args.enrollmentsTable.name, args.lessonsTable.name, args.jwks])
      .apply(([keyPairId, secretArn, enrollmentsTable, lessonsTable, jwks]) =>
        issuerConfigJson({
          config, spec, keyPairId, secretArn, enrollmentsTable, lessonsTable, jwks: jwks as JSONWebKeySet,
          ...(args.onDemand ? { uploadTriggerName: args.onDemand.uploadTriggerName } : {}),
        }),
      );
    this.cookieIssuer = new CookieIssuer(`${name}-cookie-issuer`, {
      namePrefix: prefix,
      bundlePath: args.artifacts.cookieIssuer.path,
      configJson,
      enrollmentsTableArn: args.enrollmentsTable.arn,
      lessonsTableArn: args.lessonsTable.arn,
      signingSecretArn: args.signingSecretArn,
      edgeProvider: args.edgeProvider,
      ...(args.onDemand ? { onDemand: args.onDemand } : {}),
    }, child);

    // Cache policies: only the ones the spec uses; CachingDisabled is AWS-managed.
    const used = new Set([...spec.behaviors, spec.defaultBehavior].map((b) => b.cachePolicy));
    this.cachePolicies = {};
    for (const policyName of used) {
      const plan = cachePolicyPlan(policyName);
      if (plan.kind === 'custom') {
        this.cachePolicies[policyName] = new aws.cloudfront.CachePolicy(`${name}-${policyName}`, { name: `${prefix}-${policyName}`, ...plan.args }, child);
      }
    }
    const cachePolicyId = (policyName: CachePolicyName): pulumi.Input<string> => {
      const plan = cachePolicyPlan(policyName);
      return plan.kind === 'managed' ? plan.id : (this.cachePolicies[policyName] as aws.cloudfront.CachePolicy).id;
    };

    // Response headers policies: security headers everywhere, the CORS allowlist on media.
    const headers = securityHeaders(spec.securityHeaders);
    const cors = corsConfig(spec.cors);
    const rhp = (kind: ResponseHeadersName): aws.cloudfront.ResponseHeadersPolicy =>
      new aws.cloudfront.ResponseHeadersPolicy(`${name}-${kind}`, {
        name: `${prefix}-${kind}`,
        comment: responseHeadersUsesCors(kind) ? 'lectern: CORS allowlist with credentials (never *), security headers' : 'lectern: security headers',
        securityHeadersConfig: headers.securityHeadersConfig,
        ...(headers.customHeaders.length > 0 ? { customHeadersConfig: { items: headers.customHeaders } } : {}),
        ...(responseHeadersUsesCors(kind) && cors ? { corsConfig: cors } : {}),
      }, child);
    this.responseHeadersPolicies = { 'media-cors': rhp('media-cors'), 'security-only': rhp('security-only') };

    // Each behavior's Lambda@Edge association, by the name of its edge code.
    const lambdaVersions: Record<LambdaEdgeName, pulumi.Input<string>> = { 'cookie-issuer': this.cookieIssuer.qualifiedArn, ...args.lambdaEdge };

    const toBehavior = (behavior: Behavior): Omit<CacheBehavior, 'pathPattern'> => {
      const code = behavior.viewerRequest;
      const isMediaCors = behavior.origin === 'media' && responseHeadersUsesCors(behavior.responseHeaders) && cors !== undefined;
      return {
        targetOriginId: ORIGIN_IDS[behavior.origin],
        viewerProtocolPolicy: viewerProtocolPolicy(behavior),
        allowedMethods: allowedMethodsFor(behavior.allowedMethods),
        cachedMethods: [...CACHED_METHODS],
        compress: true,
        cachePolicyId: cachePolicyId(behavior.cachePolicy),
        ...(isMediaCors ? { originRequestPolicyId: MANAGED_ORIGIN_REQUEST_CORS_S3 } : {}),
        responseHeadersPolicyId: this.responseHeadersPolicies[behavior.responseHeaders].id,
        ...(behavior.protection === 'trusted-key-group' ? { trustedKeyGroups: [this.keyGroup.id] } : {}),
        ...(code.kind === 'cloudfront-function'
          ? { functionAssociations: [{ eventType: code.event, functionArn: this.viewerRequest.arn }] }
          : { lambdaFunctionAssociations: [{ eventType: code.event, lambdaArn: lambdaVersions[code.name], includeBody: code.includeBody }] }),
      };
    };

    const viewerCertificate: aws.types.input.cloudfront.DistributionViewerCertificate = config.domain
      ? { acmCertificateArn: config.domain.certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
      : // *.cloudfront.net: CloudFront fixes the security policy (TLSv1) for its default certificate;
        // the policy pack reports it (advisory). Use a custom domain for TLS 1.2+.
        { cloudfrontDefaultCertificate: true };

    this.distribution = new aws.cloudfront.Distribution(`${name}-cdn`, {
      comment: `lectern ${config.stack}`,
      enabled: true,
      isIpv6Enabled: true,
      httpVersion: 'http2and3',
      priceClass: config.priceClass,
      ...(config.domain ? { aliases: [config.domain.name] } : {}),
      viewerCertificate,
      defaultRootObject: spec.defaultRootObject,
      origins: [
        { originId: ORIGIN_IDS.media, domainName: args.origins.media.bucketRegionalDomainName, originAccessControlId: args.origins.originAccessControlId },
        { originId: ORIGIN_IDS.player, domainName: args.origins.player.bucketRegionalDomainName, originAccessControlId: args.origins.originAccessControlId },
      ],
      orderedCacheBehaviors: spec.behaviors.map((behavior) => ({ pathPattern: behavior.pathPattern, ...toBehavior(behavior) })),
      defaultCacheBehavior: toBehavior(spec.defaultBehavior),
      customErrorResponses: spec.customErrorResponses.map((e) => ({
        errorCode: e.errorCode,
        responseCode: e.responseCode,
        responsePagePath: e.responsePagePath,
        errorCachingMinTtl: e.errorCachingMinTtl,
      })),
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      waitForDeployment: true,
      tags: { 'lectern:stack': config.stack },
    }, child);

    this.registerOutputs({
      distributionId: this.distribution.id,
      domainName: this.distribution.domainName,
      keyGroupId: this.keyGroup.id,
      activeKeyPairId: this.activeKeyPairId,
      viewerRequestArn: this.viewerRequest.arn,
      cookieIssuerArn: this.cookieIssuer.qualifiedArn,
      nextLessonStoreArn: this.nextLessonStore.arn,
    });
  }
}
