import type { JSONWebKeySet } from 'jose';
import type { ConfigFields, Json } from './config-fields.ts';

/**
 * The token settings both Lambda@Edge functions (cookie issuer, progress API) are pinned to:
 * one declaration, one parser, one set of defaults. Each function's config.ts spreads these
 * into its own config; infra/token-settings.ts maps the stack config onto them for both.
 *
 * Time budget: a Lambda@Edge viewer-request function has 5 s in all. The progress API spends
 * at most `budgetMs` (3.5 s by default) on table calls after a JWKS refresh, so the refresh
 * defaults to 1 s (at most 3 s), leaving both inside the limit.
 */
export interface TokenSettings {
  /** Exact `iss`, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC. */
  readonly issuer: string;
  /** Cognito app client ids whose tokens are accepted (`client_id` on access, `aud` on ID tokens). */
  readonly clientIds: readonly string[];
  /** Which Cognito token kinds are accepted. Default: both. */
  readonly tokenUse: readonly ('access' | 'id')[];
  /** JWKS bundled at build/deploy, so a cold start needs no call to the IdP. */
  readonly jwks: JSONWebKeySet;
  /** Where to refresh the JWKS on an unknown `kid`. Default: `${issuer}/.well-known/jwks.json`. */
  readonly jwksUri: string;
  /** Milliseconds for one JWKS fetch. Default 1000, at most 3000. */
  readonly jwksTimeoutMs: number;
  /**
   * Milliseconds a kid the fetched JWKS lacked is refused without refetching (refreshes: at
   * most one per JWKS_REFRESH_FLOOR_MS, 30 s, cookie-issuer/jwks-source.ts). Default 300000.
   */
  readonly jwksCooldownMs: number;
  /** Seconds of clock skew tolerated on exp/nbf/iat. Default 60, at most 300. */
  readonly clockSkewSeconds: number;
  /** Bytes; longer bearer tokens are refused unparsed. Default 8192, at most 16384. */
  readonly maxTokenBytes: number;
}

export const TOKEN_SETTING_DEFAULTS = {
  tokenUse: ['access', 'id'],
  jwksTimeoutMs: 1000,
  jwksCooldownMs: 300_000,
  clockSkewSeconds: 60,
  maxTokenBytes: 8192,
} as const;

/** Reads the token settings from a baked config object (`c`), with the caller's error type. */
export function parseTokenSettings(c: Json, fields: ConfigFields, fail: (message: string) => Error): TokenSettings {
  const { obj, str, int, strings } = fields;
  const issuer = str(c, 'issuer', 'config');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(issuer) || issuer.endsWith('/')) {
    throw fail('config.issuer must be an absolute URL without a trailing slash');
  }
  const clientIds = strings(c, 'clientIds', 'config');
  if (clientIds.length === 0) throw fail('config.clientIds must name at least one app client');
  const tokenUse = strings(c, 'tokenUse', 'config', [...TOKEN_SETTING_DEFAULTS.tokenUse]);
  if (tokenUse.length === 0 || !tokenUse.every((t) => t === 'access' || t === 'id')) {
    throw fail('config.tokenUse must list "access" and/or "id"');
  }
  const jwks = obj(c['jwks'], 'config.jwks');
  if (!Array.isArray(jwks['keys'])) throw fail('config.jwks.keys must be a list');
  return {
    issuer,
    clientIds,
    tokenUse: tokenUse as ('access' | 'id')[],
    jwks: jwks as unknown as JSONWebKeySet,
    jwksUri: str(c, 'jwksUri', 'config', `${issuer}/.well-known/jwks.json`),
    jwksTimeoutMs: int(c, 'jwksTimeoutMs', 'config', TOKEN_SETTING_DEFAULTS.jwksTimeoutMs, 100, 3000),
    jwksCooldownMs: int(c, 'jwksCooldownMs', 'config', TOKEN_SETTING_DEFAULTS.jwksCooldownMs, 0, 86_400_000),
    clockSkewSeconds: int(c, 'clockSkewSeconds', 'config', TOKEN_SETTING_DEFAULTS.clockSkewSeconds, 0, 300),
    maxTokenBytes: int(c, 'maxTokenBytes', 'config', TOKEN_SETTING_DEFAULTS.maxTokenBytes, 512, 16_384),
  };
}
