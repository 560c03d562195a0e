/**
 * lectern's CrossGuard policies: who may reach what at the edge, enforced on every
 * `pulumi preview/up --policy-pack infra/policy` and by `lectern audit`. Each policy reads a
 * resource's inputs, as the engine passes them (values still unknown during a preview are
 * skipped, never guessed). The policies live by concern in the sibling *-policies.ts files;
 * this file lists them in the order the pack reports them.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { everyBucketHasPublicAccessBlock, noOriginAccessIdentity, s3BucketPolicyPrivate, s3OriginsUseOriginAccessControl, s3PublicAccessBlocked } from './bucket-policies.ts';
import { cacheKeyExcludesCookies, cacheKeyExcludesSignedUrlParams, tokenExchangeNeverCached } from './cache-key-policies.ts';
import { defaultCertificateAllowsTls10, protectedPathsRequireTrustedKeyGroup, tls12Minimum, viewerProtocolHttps } from './distribution-policies.ts';
import { cloudfrontFunctionRuntime, lambdaEdgeRestrictions, lambdaEdgeUsEast1Published } from './edge-function-policies.ts';
import { iamNoWildcardActions } from './iam-policies.ts';
import { corsNoWildcardWithCredentials, securityHeadersRequired } from './response-header-policies.ts';


export const resourcePolicies: ResourceValidationPolicy[] = [
  protectedPathsRequireTrustedKeyGroup,
  viewerProtocolHttps,
  tls12Minimum,
  defaultCertificateAllowsTls10,
  noOriginAccessIdentity,
  s3OriginsUseOriginAccessControl,
  s3PublicAccessBlocked,
  s3BucketPolicyPrivate,
  lambdaEdgeUsEast1Published,
  lambdaEdgeRestrictions,
  corsNoWildcardWithCredentials,
  cacheKeyExcludesCookies,
  cacheKeyExcludesSignedUrlParams,
  tokenExchangeNeverCached,
  cloudfrontFunctionRuntime,
  securityHeadersRequired,
  iamNoWildcardActions,
];

export const stackPolicies: StackValidationPolicy[] = [everyBucketHasPublicAccessBlock];

export const allPolicies: Array<ResourceValidationPolicy | StackValidationPolicy> = [...resourcePolicies, ...stackPolicies];
