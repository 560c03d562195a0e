/**
 * Pure translations from the distribution spec's named settings (edge/distribution-spec.ts) to
 * CloudFront's own configuration shapes. No resources here: the Distribution component wires
 * these into resources, the tests and the audit read them back.
 */
import type * as aws from '@pulumi/aws';
import type { Behavior, CachePolicyName, CorsSpec, ResponseHeadersName } from '../edge/distribution-spec.ts';

/**
 * Managed cache policy "CachingDisabled" (min/default/max TTL 0, nothing in the key).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 */
export const MANAGED_CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

/**
 * Managed origin request policy "CORS-S3Origin": forwards Origin and the
 * Access-Control-Request-* headers to S3 (origin request only, never the cache key), so S3 can
 * answer a CORS preflight from the bucket's CORS rules.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 */
export const MANAGED_ORIGIN_REQUEST_CORS_S3 = '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf';

export type CachePolicyPlan =
  | { readonly kind: 'managed'; readonly id: string; readonly label: string }
  | { readonly kind: 'custom'; readonly args: Omit<aws.cloudfront.CachePolicyArgs, 'name'>; readonly label: string };

/**
 * The named cache policies. Media and player keys hold nothing but the path (and the normalised
 * Accept-Encoding CloudFront adds for compression): no cookies, no query strings, no headers,
 * so one cached copy of a segment serves every student and signed cookies or signed-URL
 * parameters never fragment the cache.
 */
export function cachePolicyPlan(name: CachePolicyName): CachePolicyPlan {
  const nothingInKey = {
    cookiesConfig: { cookieBehavior: 'none' },
    headersConfig: { headerBehavior: 'none' },
    queryStringsConfig: { queryStringBehavior: 'none' },
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  };
  switch (name) {
    case 'disabled':
      return { kind: 'managed', id: MANAGED_CACHING_DISABLED, label: 'CachingDisabled (managed)' };
    case 'media':
      return {
        kind: 'custom',
        label: 'media',
        args: {
          comment: 'lectern media: path only in the key; segments are immutable, playlists carry their own Cache-Control',
          minTtl: 0,
          defaultTtl: 86_400,
          maxTtl: 31_536_000,
          parametersInCacheKeyAndForwardedToOrigin: nothingInKey,
        },
      };
    case 'player':
      return {
        kind: 'custom',
        label: 'player',
        args: {
          comment: 'lectern player: path only in the key',
          minTtl: 0,
          defaultTtl: 300,
          maxTtl: 86_400,
          parametersInCacheKeyAndForwardedToOrigin: nothingInKey,
        },
      };
  }
}

type SecurityHeadersConfig = aws.types.input.cloudfront.ResponseHeadersPolicySecurityHeadersConfig;
type CustomHeader = aws.types.input.cloudfront.ResponseHeadersPolicyCustomHeadersConfigItem;

/**
 * The spec's security headers (name -> value) as CloudFront's typed security headers, with
 * anything CloudFront has no typed field for as an overriding custom header. Values CloudFront
 * cannot express are an error, not silently dropped.
 */
export function securityHeaders(headers: Readonly<Record<string, string>>): {
  securityHeadersConfig: SecurityHeadersConfig;
  customHeaders: CustomHeader[];
} {
  const config: Record<string, unknown> = {};
  const customHeaders: CustomHeader[] = [];
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    switch (name) {
      case 'strict-transport-security': {
        const parts = value.split(';').map((p) => p.trim()).filter(Boolean);
        const maxAge = /^max-age=(\d+)$/i.exec(parts[0] ?? '');
        const rest = parts.slice(1).map((p) => p.toLowerCase());
        if (!maxAge || rest.some((p) => p !== 'includesubdomains' && p !== 'preload')) {
          throw new Error(`security header ${rawName}: cannot express ${JSON.stringify(value)} in CloudFront`);
        }
        config['strictTransportSecurity'] = {
          accessControlMaxAgeSec: Number(maxAge[1]),
          includeSubdomains: rest.includes('includesubdomains'),
          preload: rest.includes('preload'),
          override: true,
        };
        break;
      }
      case 'x-content-type-options':
        if (value.toLowerCase() !== 'nosniff') throw new Error(`security header ${rawName}: only "nosniff" exists`);
        config['contentTypeOptions'] = { override: true };
        break;
      case 'x-frame-options': {
        const option = value.toUpperCase();
        if (option !== 'DENY' && option !== 'SAMEORIGIN') throw new Error(`security header ${rawName}: CloudFront accepts DENY or SAMEORIGIN`);
        config['frameOptions'] = { frameOption: option, override: true };
        break;
      }
      case 'referrer-policy':
        config['referrerPolicy'] = { referrerPolicy: value, override: true };
        break;
      case 'content-security-policy':
        config['contentSecurityPolicy'] = { contentSecurityPolicy: value, override: true };
        break;
      default:
        customHeaders.push({ header: rawName, value, override: true });
    }
  }
  return { securityHeadersConfig: config as SecurityHeadersConfig, customHeaders };
}

/**
 * The spec's CORS allowlist as CloudFront CORS config: exact origins with credentials, never
 * `*`. Undefined when nobody is allowed (then no CORS headers are sent at all).
 */
export function corsConfig(cors: CorsSpec): aws.types.input.cloudfront.ResponseHeadersPolicyCorsConfig | undefined {
  if (cors.allowedOrigins.length === 0) return undefined;
  return {
    accessControlAllowCredentials: cors.allowCredentials,
    accessControlAllowOrigins: { items: [...cors.allowedOrigins] },
    accessControlAllowMethods: { items: [...cors.allowedMethods] },
    accessControlAllowHeaders: { items: [...cors.allowedHeaders] },
    accessControlExposeHeaders: { items: [...cors.exposeHeaders] },
    accessControlMaxAgeSec: cors.maxAgeSeconds,
    originOverride: true,
  };
}

export function responseHeadersUsesCors(name: ResponseHeadersName): boolean {
  return name === 'media-cors';
}

/**
 * HTTPS only where a bearer token travels (a redirect would come after the token crossed the
 * network in clear); elsewhere plain HTTP is redirected to HTTPS.
 */
export function viewerProtocolPolicy(behavior: Behavior): 'https-only' | 'redirect-to-https' {
  return behavior.protection === 'bearer-token' ? 'https-only' : 'redirect-to-https';
}

/** CloudFront caches GET and HEAD (OPTIONS would cache one origin's preflight for another). */
export const CACHED_METHODS = ['GET', 'HEAD'] as const;

/** CloudFront accepts exactly these allowed-method sets. */
export function allowedMethodsFor(methods: readonly string[]): string[] {
  const sets = [
    ['GET', 'HEAD'],
    ['GET', 'HEAD', 'OPTIONS'],
    ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
  ];
  const wanted = [...methods].map((m) => m.toUpperCase()).sort();
  const match = sets.find((set) => set.length === wanted.length && [...set].sort().every((m, i) => m === wanted[i]));
  if (!match) throw new Error(`CloudFront cannot allow exactly ${methods.join(', ')} (allowed sets: ${sets.map((s) => s.join('/')).join('; ')})`);
  return [...methods];
}
