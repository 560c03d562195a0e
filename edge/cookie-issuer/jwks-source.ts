import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { LecternError } from '../errors.ts';

export interface JwksSourceOptions {
  /** Keys known at build time: a cold start verifies without calling the IdP. */
  readonly bundled: JSONWebKeySet;
  readonly uri: string;
  /** Milliseconds one refresh may take before it is abandoned. */
  readonly timeoutMs: number;
  /** Milliseconds before another refresh may be tried. */
  readonly cooldownMs: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export interface JwksSource {
  /** The RS256 verification key for `kid`; refreshes once on an unknown kid. */
  getKey(kid: string): Promise<CryptoKey>;
}

/** A JWKS larger than this is not a Cognito JWKS; refusing it bounds memory and parse time. */
const MAX_JWKS_BYTES = 64 * 1024;
const MAX_KEYS = 32;

/**
 * Keys by kid, from the bundled JWKS first. An unknown kid triggers at most one refresh per
 * cooldown, shared by concurrent requests; the refresh has its own short timeout so a hung IdP
 * cannot eat Lambda@Edge's 5 s. After a failed refresh, unknown kids answer "unavailable"
 * (503, retry) rather than "invalid" (401) until the cooldown ends: we cannot tell which.
 */
export function createJwksSource(options: JwksSourceOptions): JwksSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let jwks = new Map<string, JWK>(usableKeys(options.bundled).map((k) => [k.kid as string, k]));
  const imported = new Map<string, Promise<CryptoKey>>();
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastFailed = false;
  let inFlight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    lastAttempt = now();
    try {
      const response = await doFetch(options.uri, {
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { accept: 'application/json' },
        redirect: 'error',
      });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS too large');
      const keys = usableKeys(JSON.parse(text) as JSONWebKeySet);
      if (keys.length === 0) throw new Error('JWKS has no usable RS256 keys');
      jwks = new Map(keys.map((k) => [k.kid as string, k]));
      imported.clear();
      lastFailed = false;
    } catch (error) {
      lastFailed = true;
      throw new LecternError('ERR_JWKS_UNAVAILABLE', 'JWKS refresh failed', { cause: error });
    }
  }

  return {
    async getKey(kid) {
      if (!jwks.has(kid)) {
        if (now() - lastAttempt < options.cooldownMs) {
          throw lastFailed
            ? new LecternError('ERR_JWKS_UNAVAILABLE', 'JWKS refresh failed recently')
            : new LecternError('ERR_TOKEN_KID', 'unknown kid');
        }
        inFlight ??= refresh().finally(() => {
          inFlight = undefined;
        });
        await inFlight;
      }
      const jwk = jwks.get(kid);
      if (!jwk) throw new LecternError('ERR_TOKEN_KID', 'unknown kid');
      let key = imported.get(kid);
      if (!key) {
        key = importJWK(jwk, 'RS256') as Promise<CryptoKey>;
        imported.set(kid, key);
      }
      return key;
    },
  };
}

/** Only RSA signing keys meant for RS256 (or unspecified alg), each with a kid. */
function usableKeys(set: JSONWebKeySet): JWK[] {
  if (!set || !Array.isArray(set.keys)) throw new Error('not a JWKS');
  return set.keys
    .slice(0, MAX_KEYS)
    .filter(
      (k) =>
        k.kty === 'RSA' &&
        typeof k.kid === 'string' &&
        typeof k.n === 'string' &&
        typeof k.e === 'string' &&
        (k.alg === undefined || k.alg === 'RS256') &&
        (k.use === undefined || k.use === 'sig') &&
        k.d === undefined,
    );
}
