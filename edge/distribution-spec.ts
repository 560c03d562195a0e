/**
 * The distribution, declared once, as the Pulumi program's input (infra/ builds the
 * CloudFront resources from `defineDistribution`). The local system serves what the program
 * deploys from it (emulator/cloudfront/deployed-distribution.ts), so behaviors, their order,
 * protection, edge code, error responses, CORS and the key group cannot drift between laptop
 * and AWS.
 */
import { wildcardMatch } from './wildcard.ts';

export type Protection =
  /** Anyone. */
  | 'public'
  /** Signed cookies or signed URL from a key in the trusted key group (CloudFront checks it). */
  | 'trusted-key-group'
  /** No CloudFront check: the edge function verifies a bearer token itself. */
  | 'bearer-token';

/** The Lambda@Edge functions; infra deploys one per name and associates it by this name. */
export type LambdaEdgeName = 'cookie-issuer' | 'progress-api';

export type EdgeCode =
  | { readonly kind: 'cloudfront-function'; readonly name: 'viewer-request'; readonly event: 'viewer-request' }
  | {
      readonly kind: 'lambda-edge';
      readonly name: LambdaEdgeName;
      readonly event: 'viewer-request';
      /** Both read the request body (the issuer {"courseId"}, the progress API its reports), so CloudFront must pass it on. */
      readonly includeBody: true;
    };

export type OriginName = 'media' | 'player' | 'none';

/** Named cache policies; infra maps them to real CloudFront cache policies. */
export type CachePolicyName =
  /** Never cached: session responses. */
  | 'disabled'
  /** Long-lived immutable media; cookies, query strings and headers stay out of the key. */
  | 'media'
  /** Player shell and assets. */
  | 'player';

export type ResponseHeadersName = 'media-cors' | 'security-only';

export interface Behavior {
  /** CloudFront path pattern; `*` matches any run of characters, `?` exactly one. */
  readonly pathPattern: string;
  readonly protection: Protection;
  readonly origin: OriginName;
  readonly viewerRequest: EdgeCode;
  readonly allowedMethods: readonly string[];
  readonly cachePolicy: CachePolicyName;
  readonly responseHeaders: ResponseHeadersName;
  /** Why this behavior exists and who may reach it, for `lectern audit`. */
  readonly why: string;
}

export interface CustomErrorResponse {
  readonly errorCode: number;
  readonly responseCode: number;
  readonly responsePagePath: string;
  /** Seconds CloudFront caches the error; 0 so a fresh session is seen at once. */
  readonly errorCachingMinTtl: number;
}

export interface CorsSpec {
  readonly allowedOrigins: readonly string[];
  readonly allowCredentials: true;
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** Seconds browsers may cache a preflight. */
  readonly maxAgeSeconds: number;
}

export interface TrustedKey {
  /** CloudFront public key id (the Key-Pair-Id in cookies and URLs). */
  readonly id: string;
  readonly publicKeyPem: string;
}

export interface DistributionSpec {
  readonly behaviors: readonly Behavior[];
  readonly defaultBehavior: Behavior;
  readonly customErrorResponses: readonly CustomErrorResponse[];
  readonly cors: CorsSpec;
  readonly securityHeaders: Readonly<Record<string, string>>;
  readonly keyGroup: { readonly name: string; readonly keys: readonly TrustedKey[] };
  /** Object served for `/`. */
  readonly defaultRootObject: string;
}

export interface DistributionInput {
  /** Origins allowed to embed the player with credentials, e.g. `https://school.example`. */
  readonly corsAllowedOrigins: readonly string[];
  readonly trustedKeys: readonly TrustedKey[];
  readonly keyGroupName?: string;
}

const viewerRequestFunction: EdgeCode = { kind: 'cloudfront-function', name: 'viewer-request', event: 'viewer-request' };
const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

export function defineDistribution(input: DistributionInput): DistributionSpec {
  for (const origin of input.corsAllowedOrigins) assertCorsOrigin(origin);
  if (input.trustedKeys.length === 0) throw new Error('the trusted key group needs at least one public key');

  const playerBehavior = (pathPattern: string, why: string): Behavior => ({
    pathPattern,
    protection: 'public',
    origin: 'player',
    viewerRequest: viewerRequestFunction,
    allowedMethods: READ_METHODS,
    cachePolicy: 'player',
    responseHeaders: 'security-only',
    why,
  });

  return {
    behaviors: [
      {
        pathPattern: '/auth/*',
        protection: 'bearer-token',
        origin: 'none',
        viewerRequest: { kind: 'lambda-edge', name: 'cookie-issuer', event: 'viewer-request', includeBody: true },
        allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        cachePolicy: 'disabled',
        responseHeaders: 'security-only',
        why: 'Trades a Cognito JWT for course-scoped signed cookies after an enrollment check; the response is generated at the edge and never cached.',
      },
      {
        pathPattern: '/courses/*',
        protection: 'trusted-key-group',
        origin: 'media',
        viewerRequest: viewerRequestFunction,
        allowedMethods: READ_METHODS,
        cachePolicy: 'media',
        responseHeaders: 'media-cors',
        why: 'Lesson media; CloudFront lets a request through only with a valid signature from the trusted key group, whose policy is scoped to one course.',
      },
      playerBehavior('/watch/*', 'The player page; it holds no media, so anyone may load it and sign in.'),
      playerBehavior('/player/*', 'Player JavaScript and styles.'),
      playerBehavior('/errors/*', 'Static error pages, such as the 403 page that leads back to the lesson.'),
      {
        pathPattern: '/api/*',
        protection: 'bearer-token',
        origin: 'none',
        viewerRequest: { kind: 'lambda-edge', name: 'progress-api', event: 'viewer-request', includeBody: true },
        allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        cachePolicy: 'disabled',
        // CORS for embeds on other origins is the function's own (its config holds the same
        // allowlist), as for /auth/*: the media CORS policy would answer preflights itself.
        responseHeaders: 'security-only',
        why: 'The progress API (resume, page-hide beacons, completion decided from what was watched): the function verifies a Cognito JWT and the enrollment, reads the lesson\'s real duration and writes the progress table; every response is generated at the edge and never cached.',
      },
    ],
    defaultBehavior: playerBehavior('*', 'Everything else falls to the player bucket, which holds nothing private.'),
    customErrorResponses: [
      { errorCode: 403, responseCode: 403, responsePagePath: '/errors/403.html', errorCachingMinTtl: 0 },
    ],
    cors: {
      allowedOrigins: [...input.corsAllowedOrigins],
      allowCredentials: true,
      allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      allowedHeaders: ['Range', 'Content-Type'],
      exposeHeaders: ['Content-Length', 'Content-Range', 'ETag'],
      maxAgeSeconds: 600,
    },
    securityHeaders: {
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-frame-options': 'SAMEORIGIN',
    },
    keyGroup: { name: input.keyGroupName ?? 'lectern-signers', keys: [...input.trustedKeys] },
    defaultRootObject: 'index.html',
  };
}

/** An allowlisted origin is an exact scheme://host[:port]; `*` would be unsafe with credentials. */
export function assertCorsOrigin(origin: string): void {
  if (!/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i.test(origin)) {
    throw new Error(`CORS origin must be exact scheme://host[:port] (no wildcard, path or slash): ${JSON.stringify(origin)}`);
  }
}

/**
 * CloudFront path-pattern matching: case-sensitive, `*` any run of characters, `?` exactly one,
 * the leading `/` optional ("Path pattern" in the distribution settings reference:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern).
 * Behaviors are tried in order and the first match wins; the default catches the rest.
 */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const anchored = pattern === '*' || pattern.startsWith('/') ? pattern : `/${pattern}`;
  return wildcardMatch(anchored, path);
}

export function behaviorFor(spec: DistributionSpec, path: string): Behavior {
  return spec.behaviors.find((b) => matchesPathPattern(b.pathPattern, path)) ?? spec.defaultBehavior;
}
