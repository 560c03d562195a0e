import type { JSONWebKeySet } from 'jose';
import { configFields } from '../config-fields.ts';
import { assertCorsOrigin } from '../distribution-spec.ts';

/**
 * The progress API's configuration. Lambda@Edge has no environment variables, so this is baked
 * next to the bundle at deploy (config.json beside index.mjs, see infra/progress-api-config.ts)
 * and validated once when the function loads: a bad deploy fails at cold start, never on a
 * student's request. Token rules are the cookie issuer's (same pool, same clients).
 *
 * Time budget: a Lambda@Edge viewer-request function has 5 s in all ("Function timeout",
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 * The enrollment, lesson and progress reads run side by side, each with its own timeout, and
 * every table call is also cut off when the request's `budgetMs` runs out, so a slow table
 * answers 503 + Retry-After well inside the limit, even with a JWKS refresh before it.
 */
export interface ProgressApiConfig {
  /** Exact `iss`, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC. */
  readonly issuer: string;
  /** Cognito app client ids whose tokens are accepted (`client_id` on access, `aud` on ID tokens). */
  readonly clientIds: readonly string[];
  /** Which Cognito token kinds are accepted. Default: both. */
  readonly tokenUse: readonly ('access' | 'id')[];
  /** JWKS bundled at deploy, so a cold start needs no call to the IdP. */
  readonly jwks: JSONWebKeySet;
  /** Where to refresh the JWKS on an unknown `kid`. Default: `${issuer}/.well-known/jwks.json`. */
  readonly jwksUri: string;
  /** Milliseconds for one JWKS fetch. Default 1000. */
  readonly jwksTimeoutMs: number;
  /** Milliseconds a kid the fetched JWKS lacked is refused without refetching (refreshes: at most one per JWKS_REFRESH_FLOOR_MS, 30 s, cookie-issuer/jwks-source.ts). Default 300000. */
  readonly jwksCooldownMs: number;
  /** Seconds of clock skew tolerated on exp/nbf/iat. Default 60, at most 300. */
  readonly clockSkewSeconds: number;
  /** Bytes; longer bearer tokens are refused unparsed. Default 8192. */
  readonly maxTokenBytes: number;
  /** Scheme of this distribution, for telling same-origin calls from cross-origin ones. Default https. */
  readonly scheme: 'https' | 'http';
  /** Hosts served. Empty: any well-formed Host (CloudFront sets it to the distribution's). */
  readonly allowedHosts: readonly string[];
  /** Exact origins allowed to call with credentials (embeds on other sites): the distribution's allowlist. */
  readonly corsAllowedOrigins: readonly string[];
  /** Milliseconds the whole request may spend on table calls. Default 3500, at most 4500. */
  readonly budgetMs: number;
  readonly enrollments: DynamoTable;
  /** Default region and endpoint: the enrollments'. Default table `lectern-lessons`. */
  readonly lessons: DynamoTable;
  /** Default region and endpoint: the enrollments'. Default table `lectern-progress`. */
  readonly progress: DynamoTable & {
    /** Conditional writes tried when other reports race on one record. Default 4. */
    readonly writeAttempts: number;
  };
}

export interface DynamoTable {
  readonly region: string;
  readonly tableName: string;
  /** Only for local runs and tests (dynalite). */
  readonly endpoint?: string;
  /** Milliseconds per call, its retry included. Default 1000. */
  readonly timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const { obj, str, optStr, int, strings, oneOf } = configFields((message) => new ConfigError(message));

export function parseProgressApiConfig(raw: unknown): ProgressApiConfig {
  const c = obj(raw, 'config');
  const issuer = str(c, 'issuer', 'config');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(issuer) || issuer.endsWith('/')) {
    throw new ConfigError('config.issuer must be an absolute URL without a trailing slash');
  }
  const clientIds = strings(c, 'clientIds', 'config');
  if (clientIds.length === 0) throw new ConfigError('config.clientIds must name at least one app client');
  const tokenUse = strings(c, 'tokenUse', 'config', ['access', 'id']);
  if (tokenUse.length === 0 || !tokenUse.every((t) => t === 'access' || t === 'id')) {
    throw new ConfigError('config.tokenUse must list "access" and/or "id"');
  }
  const jwks = obj(c['jwks'], 'config.jwks');
  if (!Array.isArray(jwks['keys'])) throw new ConfigError('config.jwks.keys must be a list');
  const corsAllowedOrigins = strings(c, 'corsAllowedOrigins', 'config', []);
  for (const origin of corsAllowedOrigins) {
    try {
      assertCorsOrigin(origin);
    } catch (error) {
      throw new ConfigError(`config.corsAllowedOrigins: ${(error as Error).message}`);
    }
  }

  const e = obj(c['enrollments'], 'config.enrollments');
  const region = str(e, 'region', 'config.enrollments');
  const endpoint = optStr(e, 'endpoint', 'config.enrollments');
  const table = (o: Record<string, unknown>, where: string, fallbackName?: string): DynamoTable => {
    const tableEndpoint = optStr(o, 'endpoint', where) ?? endpoint;
    return {
      region: str(o, 'region', where, region),
      tableName: str(o, 'tableName', where, fallbackName),
      ...(tableEndpoint ? { endpoint: tableEndpoint } : {}),
      timeoutMs: int(o, 'timeoutMs', where, 1000, 100, 4000),
    };
  };
  const p = obj(c['progress'] ?? {}, 'config.progress');

  return {
    issuer,
    clientIds,
    tokenUse: tokenUse as ('access' | 'id')[],
    jwks: jwks as unknown as JSONWebKeySet,
    jwksUri: str(c, 'jwksUri', 'config', `${issuer}/.well-known/jwks.json`),
    jwksTimeoutMs: int(c, 'jwksTimeoutMs', 'config', 1000, 100, 3000),
    jwksCooldownMs: int(c, 'jwksCooldownMs', 'config', 300_000, 0, 86_400_000),
    clockSkewSeconds: int(c, 'clockSkewSeconds', 'config', 60, 0, 300),
    maxTokenBytes: int(c, 'maxTokenBytes', 'config', 8192, 512, 16_384),
    scheme: oneOf(c, 'scheme', 'config', ['https', 'http'] as const, 'https'),
    allowedHosts: strings(c, 'allowedHosts', 'config', []).map((h) => h.toLowerCase()),
    corsAllowedOrigins,
    budgetMs: int(c, 'budgetMs', 'config', 3500, 500, 4500),
    enrollments: table(e, 'config.enrollments'),
    lessons: table(obj(c['lessons'] ?? {}, 'config.lessons'), 'config.lessons', 'lectern-lessons'),
    progress: {
      ...table(p, 'config.progress', 'lectern-progress'),
      writeAttempts: int(p, 'writeAttempts', 'config.progress', 4, 1, 8),
    },
  };
}
