/**
 * Buckets stay private: S3 origins are reached only through Origin Access Control, public access
 * is blocked on every bucket, and bucket policies grant CloudFront for one distribution only.
 */
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { asList, isPublicPrincipal, known, policy, policyStatements, RESOURCE_TYPES as T, type Props } from './policy-kit.ts';

export const noOriginAccessIdentity = policy(
  'no-origin-access-identity',
  'S3 origins are reached through Origin Access Control, never the legacy Origin Access Identity.',
  'mandatory',
  [T.distribution, T.originAccessIdentity],
  (props, args, report) => {
    if (args.type === T.originAccessIdentity) {
      report('Origin Access Identity is legacy; use an Origin Access Control');
      return;
    }
    for (const origin of (props['origins'] ?? []) as Props[]) {
      const oai = origin['s3OriginConfig']?.['originAccessIdentity'];
      if (typeof oai === 'string' && oai.length > 0) report(`origin ${origin['originId']} uses an Origin Access Identity`);
    }
  },
);

export const s3OriginsUseOriginAccessControl = policy(
  's3-origins-use-origin-access-control',
  'Every S3 origin is signed with an Origin Access Control (SigV4, always), so the bucket can stay private.',
  'mandatory',
  [T.distribution, T.originAccessControl],
  (props, args, report) => {
    if (args.type === T.originAccessControl) {
      if (known(props['signingBehavior']) && props['signingBehavior'] !== 'always') report(`origin access control signs "${props['signingBehavior']}"; it must sign always`);
      if (known(props['signingProtocol']) && props['signingProtocol'] !== 'sigv4') report('origin access control must sign with sigv4');
      return;
    }
    for (const origin of (props['origins'] ?? []) as Props[]) {
      const domain = origin['domainName'];
      if (typeof domain !== 'string') continue;
      const isS3 = /\.s3([.-][a-z0-9-]+)*\.amazonaws\.com$/.test(domain);
      if (isS3 && !known(origin['originAccessControlId'])) report(`S3 origin ${origin['originId']} (${domain}) has no origin access control`);
      if (isS3 && origin['customOriginConfig']) report(`S3 origin ${origin['originId']} is configured as a custom (website) origin, which cannot be private`);
    }
  },
);

export const s3PublicAccessBlocked = policy(
  's3-public-access-blocked',
  'Buckets are private: all four public-access blocks on, and no public ACL.',
  'mandatory',
  [T.publicAccessBlock, T.bucketAcl, T.bucket],
  (props, args, report) => {
    if (args.type === T.publicAccessBlock) {
      for (const flag of ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets']) {
        if (props[flag] !== true) report(`${flag} must be true`);
      }
      return;
    }
    const acl = props['acl'];
    if (typeof acl === 'string' && /public|authenticated-read/.test(acl)) report(`ACL ${acl} makes objects readable outside the account`);
    const grants = args.type === T.bucketAcl ? props['accessControlPolicy']?.['grants'] : props['grants'];
    for (const grant of asList(grants) as Props[]) {
      const uri = grant?.['grantee']?.['uri'] ?? grant?.['uri'];
      if (typeof uri === 'string' && /AllUsers|AuthenticatedUsers/.test(uri)) report(`grant to ${uri} makes the bucket public`);
    }
  },
);

export const s3BucketPolicyPrivate = policy(
  's3-bucket-policy-private',
  'Bucket policies never allow a public principal, and every grant to CloudFront is tied to one distribution (AWS:SourceArn).',
  'mandatory',
  [T.bucketPolicy],
  (props, _args, report) => {
    const statements = policyStatements(props['policy']);
    if (!statements) return;
    for (const s of statements) {
      if (s['Effect'] !== 'Allow') continue;
      const sid = s['Sid'] ? ` ${s['Sid']}` : '';
      if (isPublicPrincipal(s['Principal'])) report(`statement${sid} allows everyone (Principal "*")`);
      const services = asList((s['Principal'] as Props | undefined)?.['Service']);
      if (services.includes('cloudfront.amazonaws.com')) {
        const condition = (s['Condition'] ?? {}) as Record<string, Record<string, unknown>>;
        const sourceArn = Object.values(condition).some((c) => c && Object.keys(c).some((k) => k.toLowerCase() === 'aws:sourcearn'));
        if (!sourceArn) report(`statement${sid} lets any CloudFront distribution read the bucket: add an AWS:SourceArn condition`);
      }
    }
  },
);

/** A bucket and the public access block that names it, across the stack. */
export const everyBucketHasPublicAccessBlock: StackValidationPolicy = {
  name: 'every-bucket-has-public-access-block',
  description: 'Every S3 bucket in the stack has its own public access block.',
  enforcementLevel: 'mandatory',
  validateStack: (args, report) => {
    const buckets = args.resources.filter((r) => r.type === T.bucket);
    const blocks = args.resources.filter((r) => r.type === T.publicAccessBlock);
    const covers = (block: PolicyResource, bucket: PolicyResource): boolean => {
      const deps = block.propertyDependencies?.['bucket'] ?? [];
      if (deps.some((d) => d.urn === bucket.urn)) return true;
      const named = block.props['bucket'];
      return known(named) && (named === bucket.props['id'] || named === bucket.props['bucket']);
    };
    for (const bucket of buckets) {
      if (!blocks.some((block) => covers(block, bucket))) report(`bucket ${bucket.name} has no public access block`, bucket.urn);
    }
  },
};
