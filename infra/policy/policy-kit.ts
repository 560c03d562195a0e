/**
 * What every lectern policy reads a resource with: the type tokens it checks, a distribution's
 * behaviors in CloudFront's order, IAM statement parsing, and the `policy` factory that limits a
 * check to its resource types. Kept apart so each group of policies stays about its concern.
 */
import * as aws from '@pulumi/aws';
import type { EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { matchesPathPattern } from '../../edge/distribution-spec.ts';

export type Props = Record<string, any>;
export type Validate = (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void;

/** The type token of a resource class (`aws:s3/bucket:Bucket`). */
export function typeOf(resourceClass: { __pulumiType?: string } | unknown): string {
  const token = (resourceClass as { __pulumiType?: string }).__pulumiType;
  if (!token) throw new Error('not a Pulumi resource class');
  return token;
}

const T = {
  distribution: typeOf(aws.cloudfront.Distribution),
  originAccessIdentity: typeOf(aws.cloudfront.OriginAccessIdentity),
  originAccessControl: typeOf(aws.cloudfront.OriginAccessControl),
  cachePolicy: typeOf(aws.cloudfront.CachePolicy),
  responseHeadersPolicy: typeOf(aws.cloudfront.ResponseHeadersPolicy),
  cloudfrontFunction: typeOf(aws.cloudfront.Function),
  lambda: typeOf(aws.lambda.Function),
  bucket: typeOf(aws.s3.Bucket),
  bucketAcl: typeOf(aws.s3.BucketAcl),
  publicAccessBlock: typeOf(aws.s3.BucketPublicAccessBlock),
  bucketPolicy: typeOf(aws.s3.BucketPolicy),
  rolePolicy: typeOf(aws.iam.RolePolicy),
  policy: typeOf(aws.iam.Policy),
} as const;
export const RESOURCE_TYPES = T;

/** A resource policy for some types; other types are simply not checked. */
function forTypes(types: readonly string[], validate: Validate): ResourceValidationPolicy['validateResource'] {
  return (args, report) => {
    if (!types.includes(args.type)) return;
    validate(args.props, args, report);
  };
}

export const known = (value: unknown): boolean => value !== undefined && value !== null;

export interface BehaviorProps {
  pathPattern?: string;
  viewerProtocolPolicy?: string;
  trustedKeyGroups?: string[];
  trustedSigners?: string[];
  cachePolicyId?: string;
  forwardedValues?: { cookies?: { forward?: string }; queryString?: boolean; headers?: string[] };
  lambdaFunctionAssociations?: Array<{ eventType?: string; lambdaArn?: string; includeBody?: boolean }>;
  functionAssociations?: Array<{ eventType?: string; functionArn?: string }>;
}

/** Ordered behaviors (with their patterns) then the default one (pattern `*`). */
export function behaviorsOf(props: Props): Array<BehaviorProps & { pathPattern: string; isDefault: boolean }> {
  const ordered = ((props['orderedCacheBehaviors'] ?? []) as BehaviorProps[]).map((b) => ({ ...b, pathPattern: b.pathPattern ?? '?', isDefault: false }));
  const fallback = props['defaultCacheBehavior'] as BehaviorProps | undefined;
  return fallback ? [...ordered, { ...fallback, pathPattern: '*', isDefault: true }] : ordered;
}

export function hasKeyGroup(b: BehaviorProps): boolean {
  return Array.isArray(b.trustedKeyGroups) && b.trustedKeyGroups.length > 0;
}

/** The behavior CloudFront picks for a path: the first ordered match, else the default. */
export function behaviorForPath(props: Props, path: string): (BehaviorProps & { pathPattern: string; isDefault: boolean }) | undefined {
  const all = behaviorsOf(props);
  return all.find((b) => !b.isDefault && matchesPathPattern(b.pathPattern, path)) ?? all.find((b) => b.isDefault);
}

export function policyStatements(document: unknown): Array<Record<string, any>> | undefined {
  if (!known(document)) return undefined;
  let parsed: any = document;
  if (typeof document === 'string') {
    try {
      parsed = JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  const statements = parsed?.Statement;
  if (statements === undefined) return [];
  return Array.isArray(statements) ? statements : [statements];
}

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>)['AWS'];
    return asList(aws).includes('*');
  }
  return false;
}

export function regionOf(args: ResourceValidationArgs): string | undefined {
  const own = args.props['region'];
  if (typeof own === 'string' && own) return own;
  const fromProvider = args.provider?.props?.['region'];
  return typeof fromProvider === 'string' && fromProvider ? fromProvider : undefined;
}


export const policy = (
  name: string,
  description: string,
  enforcementLevel: EnforcementLevel,
  types: readonly string[],
  validate: Validate,
): ResourceValidationPolicy => ({ name, description, enforcementLevel, validateResource: forTypes(types, validate) });
