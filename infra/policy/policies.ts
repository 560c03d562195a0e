/**
 * lectern's CrossGuard policies: who may reach what at the edge, enforced on every
 * `pulumi preview/up --policy-pack infra/policy` and by `lectern audit`. Each policy reads a
 * resource's inputs, as the engine passes them (values still unknown during a preview are
 * skipped, never guessed).
 */
import * as aws from '@pulumi/aws';
import type {
  EnforcementLevel,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import { matchesPathPattern } from '../../edge/distribution-spec.ts';
import { MANAGED_CACHING_DISABLED } from '../cloudfront-mapping.ts';
import { SIGNED_URL_PARAMS as SIGNED_URL_PARAMETERS } from '../../edge/signed-url.ts';
import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../../edge/cloudfront-functions/quota.ts';
import { EDGE_FUNCTION_TAG, EDGE_NODE_RUNTIMES, EDGE_VIEWER_MAX_MEMORY_MB, EDGE_VIEWER_MAX_TIMEOUT_S } from '../components/edge-lambda.ts';

/** Paths that hold paid-for media: only a signature from the trusted key group opens them. */
export const PROTECTED_PREFIXES = ['/courses/'] as const;
/** One year: the least HSTS max-age we accept. */
export const MIN_HSTS_SECONDS = 31_536_000;

type Props = Record<string, any>;
type Validate = (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void;

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

const known = (value: unknown): boolean => value !== undefined && value !== null;

interface BehaviorProps {
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

function hasKeyGroup(b: BehaviorProps): boolean {
  return Array.isArray(b.trustedKeyGroups) && b.trustedKeyGroups.length > 0;
}

/** The behavior CloudFront picks for a path: the first ordered match, else the default. */
function behaviorForPath(props: Props, path: string): (BehaviorProps & { pathPattern: string; isDefault: boolean }) | undefined {
  const all = behaviorsOf(props);
  return all.find((b) => !b.isDefault && matchesPathPattern(b.pathPattern, path)) ?? all.find((b) => b.isDefault);
}

function policyStatements(document: unknown): Array<Record<string, any>> | undefined {
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

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>)['AWS'];
    return asList(aws).includes('*');
  }
  return false;
}

function regionOf(args: ResourceValidationArgs): string | undefined {
  const own = args.props['region'];
  if (typeof own === 'string' && own) return own;
  const fromProvider = args.provider?.props?.['region'];
  return typeof fromProvider === 'string' && fromProvider ? fromProvider : undefined;
}

const EDGE_LAMBDA_ARN = /^arn:aws:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+:(\d+|\$LATEST|[A-Za-z0-9_-]+)$/;
const EXACT_ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i;

const policy = (
  name: string,
  description: string,
  enforcementLevel: EnforcementLevel,
  types: readonly string[],
  validate: Validate,
): ResourceValidationPolicy => ({ name, description, enforcementLevel, validateResource: forTypes(types, validate) });

export const resourcePolicies: ResourceValidationPolicy[] = [
  policy(
    'protected-paths-require-trusted-key-group',
    'Every behavior serving /courses/ requires a signed cookie or signed URL from a trusted key group; legacy trusted signers (root-account key pairs) are not used.',
    'mandatory',
    [T.distribution],
    (props, _args, report) => {
      const behaviors = behaviorsOf(props);
      if (behaviors.length === 0) return;
      for (const b of behaviors) {
        if (Array.isArray(b.trustedSigners) && b.trustedSigners.length > 0) report(`behavior ${b.pathPattern} trusts legacy key pairs (trustedSigners); use a trusted key group`);
        // A behavior serves protected paths if its pattern lives under a protected prefix or
        // would match a request there (e.g. `/c*`); the default behavior is judged by the probe below.
        const servesProtected = !b.isDefault && PROTECTED_PREFIXES.some((prefix) => b.pathPattern.startsWith(prefix) || matchesPathPattern(b.pathPattern, `${prefix}any-course/any-lesson/master.m3u8`));
        if (servesProtected && !hasKeyGroup(b)) report(`behavior ${b.pathPattern} serves protected media without a trusted key group`);
      }
      for (const prefix of PROTECTED_PREFIXES) {
        const probe = `${prefix}any-course/any-lesson/master.m3u8`;
        const chosen = behaviorForPath(props, probe);
        if (chosen && !hasKeyGroup(chosen)) report(`${probe} is served by behavior ${chosen.pathPattern}, which does not require a trusted key group`);
      }
    },
  ),
  policy(
    'viewer-protocol-https',
    'Viewers only ever talk HTTPS: every behavior redirects HTTP to HTTPS or refuses it, and behaviors that receive a bearer token (Lambda@Edge with the body) refuse plain HTTP outright.',
    'mandatory',
    [T.distribution],
    (props, _args, report) => {
      for (const b of behaviorsOf(props)) {
        if (!known(b.viewerProtocolPolicy)) continue;
        if (b.viewerProtocolPolicy !== 'https-only' && b.viewerProtocolPolicy !== 'redirect-to-https') {
          report(`behavior ${b.pathPattern} allows plain HTTP (viewerProtocolPolicy ${b.viewerProtocolPolicy})`);
        }
        const takesBody = (b.lambdaFunctionAssociations ?? []).some((a) => a.includeBody);
        if (takesBody && b.viewerProtocolPolicy !== 'https-only') report(`behavior ${b.pathPattern} receives request bodies (bearer tokens) and must be https-only`);
      }
    },
  ),
  policy(
    'tls-1-2-minimum',
    'With a custom domain, viewers need TLS 1.2 or later (security policy TLSv1.2_* or TLSv1.3_*), served with SNI.',
    'mandatory',
    [T.distribution],
    (props, _args, report) => {
      const cert = props['viewerCertificate'] as Props | undefined;
      if (!cert || cert['cloudfrontDefaultCertificate'] === true) return;
      if (!known(cert['acmCertificateArn']) && !known(cert['iamCertificateId'])) return;
      const version = cert['minimumProtocolVersion'];
      if (!known(version)) report('custom certificate without a minimumProtocolVersion (CloudFront would default to an old policy)');
      else if (!/^TLSv1\.[23]_\d{4}$/.test(version)) report(`minimumProtocolVersion ${version} allows protocols older than TLS 1.2`);
      if (known(cert['sslSupportMethod']) && cert['sslSupportMethod'] !== 'sni-only') report(`sslSupportMethod ${cert['sslSupportMethod']}: use sni-only`);
    },
  ),
  policy(
    'default-certificate-allows-tls-1-0',
    'The *.cloudfront.net certificate comes with CloudFront\'s fixed TLSv1 security policy; a custom domain and certificate are needed for TLS 1.2+.',
    'advisory',
    [T.distribution],
    (props, _args, report) => {
      const cert = props['viewerCertificate'] as Props | undefined;
      if (cert?.['cloudfrontDefaultCertificate'] === true) report('the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1; set lectern:domainName and lectern:certificateArn for TLS 1.2+');
    },
  ),
  policy(
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
  ),
  policy(
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
  ),
  policy(
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
  ),
  policy(
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
  ),
  policy(
    'lambda-edge-us-east-1-published',
    'Lambda@Edge runs a published, numbered version of a function in us-east-1 (never $LATEST or an alias).',
    'mandatory',
    [T.distribution, T.lambda],
    (props, args, report) => {
      if (args.type === T.lambda) {
        if (!props['tags']?.[EDGE_FUNCTION_TAG]) return;
        const region = regionOf(args);
        if (known(region) && region !== 'us-east-1') report(`edge function is created in ${region}; Lambda@Edge functions must be in us-east-1`);
        if (props['publish'] !== true) report('edge function must be published (publish: true) so CloudFront can run a numbered version');
        return;
      }
      for (const b of behaviorsOf(props)) {
        for (const association of b.lambdaFunctionAssociations ?? []) {
          const arn = association.lambdaArn;
          if (typeof arn !== 'string') continue;
          const match = EDGE_LAMBDA_ARN.exec(arn);
          if (!match) {
            report(`behavior ${b.pathPattern}: ${arn} is not a qualified Lambda ARN`);
            continue;
          }
          if (match[1] !== 'us-east-1') report(`behavior ${b.pathPattern}: Lambda@Edge function is in ${match[1]}, not us-east-1`);
          if (!/^\d+$/.test(match[2] as string)) report(`behavior ${b.pathPattern}: Lambda@Edge must name a numbered version, not ${match[2]}`);
        }
      }
    },
  ),
  policy(
    'lambda-edge-restrictions',
    'Edge functions respect Lambda@Edge: a supported Node.js runtime, x86_64, no environment variables, layers or VPC, and the viewer-trigger limits (128 MB, 5 s).',
    'mandatory',
    [T.lambda],
    (props, _args, report) => {
      if (!props['tags']?.[EDGE_FUNCTION_TAG]) return;
      if (known(props['runtime']) && !(EDGE_NODE_RUNTIMES as readonly string[]).includes(props['runtime'])) report(`runtime ${props['runtime']} is not one Lambda@Edge supports (${EDGE_NODE_RUNTIMES.join(', ')})`);
      const architectures = props['architectures'] as string[] | undefined;
      if (architectures && architectures.some((a) => a !== 'x86_64')) report(`architectures ${architectures.join(', ')}: Lambda@Edge runs x86_64`);
      if (props['environment']?.['variables'] && Object.keys(props['environment']['variables']).length > 0) report('Lambda@Edge has no environment variables: bake config into the bundle');
      if (Array.isArray(props['layers']) && props['layers'].length > 0) report('Lambda@Edge does not support layers');
      if (props['vpcConfig']) report('Lambda@Edge cannot run in a VPC');
      if (props['tags'][EDGE_FUNCTION_TAG].startsWith('viewer')) {
        if (known(props['memorySize']) && props['memorySize'] > EDGE_VIEWER_MAX_MEMORY_MB) report(`memorySize ${props['memorySize']} MB exceeds the ${EDGE_VIEWER_MAX_MEMORY_MB} MB viewer-trigger quota`);
        if (known(props['timeout']) && props['timeout'] > EDGE_VIEWER_MAX_TIMEOUT_S) report(`timeout ${props['timeout']} s exceeds the ${EDGE_VIEWER_MAX_TIMEOUT_S} s viewer-trigger quota`);
      }
    },
  ),
  policy(
    'cors-no-wildcard-with-credentials',
    'CORS with credentials names exact origins (scheme://host[:port]) and never "*".',
    'mandatory',
    [T.responseHeadersPolicy],
    (props, _args, report) => {
      const cors = props['corsConfig'] as Props | undefined;
      if (!cors) return;
      const origins = (cors['accessControlAllowOrigins']?.['items'] ?? []) as string[];
      if (cors['accessControlAllowCredentials'] === true) {
        for (const origin of origins) {
          if (typeof origin !== 'string') continue;
          if (origin.includes('*')) report(`CORS allows credentials from "${origin}": wildcards let any site read a student's media`);
          else if (!EXACT_ORIGIN.test(origin)) report(`CORS origin "${origin}" is not an exact scheme://host[:port]`);
        }
      }
      const headers = (cors['accessControlAllowHeaders']?.['items'] ?? []) as string[];
      if (cors['accessControlAllowCredentials'] === true && headers.includes('*')) report('CORS allows every request header ("*") with credentials');
    },
  ),
  policy(
    'cache-key-excludes-cookies',
    'No cookie is ever part of a cache key (signed cookies would split the cache per student), nor forwarded by legacy settings.',
    'mandatory',
    [T.cachePolicy, T.distribution],
    (props, args, report) => {
      if (args.type === T.cachePolicy) {
        const behavior = props['parametersInCacheKeyAndForwardedToOrigin']?.['cookiesConfig']?.['cookieBehavior'];
        if (known(behavior) && behavior !== 'none') report(`cache policy puts cookies in the cache key (cookieBehavior ${behavior})`);
        return;
      }
      for (const b of behaviorsOf(props)) {
        const forward = b.forwardedValues?.cookies?.forward;
        if (known(forward) && forward !== 'none') report(`behavior ${b.pathPattern} forwards cookies (legacy forwardedValues)`);
      }
    },
  ),
  policy(
    'cache-key-excludes-signed-url-params',
    'Signed-URL parameters (Expires, Policy, Signature, Key-Pair-Id, Hash-Algorithm), Authorization and Cookie never enter a cache key.',
    'mandatory',
    [T.cachePolicy],
    (props, _args, report) => {
      const parameters = props['parametersInCacheKeyAndForwardedToOrigin'] as Props | undefined;
      if (!parameters) return;
      const qs = parameters['queryStringsConfig'] as Props | undefined;
      const qsBehavior = qs?.['queryStringBehavior'];
      const listed = (qs?.['queryStrings']?.['items'] ?? []) as string[];
      if (qsBehavior === 'all') report('every query string is in the cache key, signed-URL parameters included');
      if (qsBehavior === 'whitelist') {
        for (const name of listed) if ((SIGNED_URL_PARAMETERS as readonly string[]).includes(name)) report(`query string ${name} (signed URL) is in the cache key`);
      }
      if (qsBehavior === 'allExcept') {
        for (const name of SIGNED_URL_PARAMETERS) if (!listed.includes(name)) report(`query string ${name} (signed URL) is in the cache key (not excluded)`);
      }
      const headers = (parameters['headersConfig']?.['headers']?.['items'] ?? []) as string[];
      for (const header of headers) if (/^(authorization|cookie)$/i.test(header)) report(`header ${header} is in the cache key`);
    },
  ),
  policy(
    'token-exchange-never-cached',
    'Behaviors whose Lambda@Edge reads the request body (the token exchange on /auth/*, the progress API on /api/*) use the managed CachingDisabled policy.',
    'mandatory',
    [T.distribution],
    (props, _args, report) => {
      for (const b of behaviorsOf(props)) {
        const takesBody = (b.lambdaFunctionAssociations ?? []).some((a) => a.includeBody);
        if (takesBody && known(b.cachePolicyId) && b.cachePolicyId !== MANAGED_CACHING_DISABLED) report(`behavior ${b.pathPattern} exchanges tokens but is cacheable (cache policy ${b.cachePolicyId})`);
        if (takesBody && !known(b.cachePolicyId) && !b.forwardedValues) report(`behavior ${b.pathPattern} exchanges tokens without CachingDisabled`);
      }
    },
  ),
  policy(
    'cloudfront-function-runtime',
    'CloudFront Functions run on cloudfront-js-2.0, are published (LIVE) and fit the 10 KB code quota.',
    'mandatory',
    [T.cloudfrontFunction],
    (props, _args, report) => {
      if (known(props['runtime']) && props['runtime'] !== 'cloudfront-js-2.0') report(`runtime ${props['runtime']}: use cloudfront-js-2.0 (KeyValueStore needs it)`);
      if (props['publish'] !== true) report('function is not published: CloudFront would keep running the previous LIVE code');
      if (typeof props['code'] === 'string' && Buffer.byteLength(props['code'], 'utf8') > CLOUDFRONT_FUNCTION_MAX_BYTES) report(`code is ${Buffer.byteLength(props['code'], 'utf8')} bytes, over the ${CLOUDFRONT_FUNCTION_MAX_BYTES}-byte quota`);
    },
  ),
  policy(
    'security-headers-required',
    'Every response headers policy sends HSTS (at least one year) and X-Content-Type-Options: nosniff.',
    'mandatory',
    [T.responseHeadersPolicy],
    (props, _args, report) => {
      const security = props['securityHeadersConfig'] as Props | undefined;
      const hsts = security?.['strictTransportSecurity'] as Props | undefined;
      if (!hsts) report('no Strict-Transport-Security header');
      else if (known(hsts['accessControlMaxAgeSec']) && hsts['accessControlMaxAgeSec'] < MIN_HSTS_SECONDS) report(`HSTS max-age ${hsts['accessControlMaxAgeSec']} is under one year`);
      if (!security?.['contentTypeOptions']) report('no X-Content-Type-Options: nosniff');
    },
  ),
  policy(
    'iam-no-wildcard-actions',
    'Inline IAM policies grant named actions: no "*" or "service:*" allows.',
    'mandatory',
    [T.rolePolicy, T.policy],
    (props, _args, report) => {
      const statements = policyStatements(props['policy']);
      if (!statements) return;
      for (const s of statements) {
        if (s['Effect'] !== 'Allow') continue;
        for (const action of asList(s['Action'])) {
          if (typeof action === 'string' && (action === '*' || action.endsWith(':*'))) report(`allows ${action}${s['Sid'] ? ` (${s['Sid']})` : ''}`);
        }
      }
    },
  ),
];

/** A bucket and the public access block that names it, across the stack. */
export const stackPolicies: StackValidationPolicy[] = [
  {
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
  },
];

export const allPolicies: Array<ResourceValidationPolicy | StackValidationPolicy> = [...resourcePolicies, ...stackPolicies];
