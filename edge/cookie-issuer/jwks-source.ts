import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { LecternError } from '../errors.ts';

export interface JwksSourceOptions {
  /** Keys known at build time: a cold start verifies without calling the IdP. */
  readonly bundled: JSONWebKeySet;
  readonly uri: string;
  /** Milliseconds one refresh may take before it is abandoned. */
  readonly timeoutMs: number;
  /** Milliseconds a kid that a fresh JWKS did not contain is refused without asking the IdP again. */
  readonly cooldownMs: number;
  /** Milliseconds from one refresh to the next, whatever asks for it. Default JWKS_REFRESH_FLOOR_MS. */
  readonly refreshFloorMs?: number;
  readonly fetch?: typeof fetch;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

export interface JwksSource {
  /** The RS256 verification key for `kid`; an unknown kid may refresh the JWKS (see createJwksSource). */
  getKey(kid: string): Promise<CryptoKey>;
}

/**
 * Milliseconds: the shortest time between two JWKS refreshes on one warm instance. Short, so a
 * key the IdP has just started publishing is found within half a minute even after a junk kid
 * asked first; long enough that a flood of made-up kids costs the IdP two requests a minute.
 */
export const JWKS_REFRESH_FLOOR_MS = 30_000;
/** A JWKS larger than this is not a Cognito JWKS; refusing it bounds memory and parse time. */
const MAX_JWKS_BYTES = 64 * 1024;
const MAX_KEYS = 32;
/** Kids remembered as absent; past this the oldest is forgotten (it can cost one refresh per floor, no more). */
const MAX_REFUSED_KIDS = 1024;

/**
 * Keys by kid, from the bundled JWKS first. Cognito may rotate a pool's signing keys and tells
 * verifiers to look a token's kid up in their cache and refresh it when the kid is not there
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
 * so an unknown kid refreshes, but within bounds that a stranger's junk kids cannot turn into
 * either an outage or a flood:
 * - at most one refresh per refresh floor, shared by every request waiting meanwhile; the floor,
 *   not the per-kid cooldown, is what a junk kid delays, so a rotated key is found in < 30 s;
 * - a kid that a fresh JWKS did not contain is refused without a refresh for `cooldownMs`;
 * - each refresh has its own short timeout so a hung IdP cannot eat Lambda@Edge's 5 s. After a
 *   failed refresh, unknown kids answer "unavailable" (503, retry) rather than "invalid" (401)
 *   until the floor has passed: we cannot tell which.
 */
export function createJwksSource(options: JwksSourceOptions): JwksSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const floorMs = options.refreshFloorMs ?? JWKS_REFRESH_FLOOR_MS;
  let jwks = new Map<string, JWK>(usableKeys(options.bundled).map((k) => [k.kid as string, k]));
  const imported = new Map<string, Promise<CryptoKey>>();
  /** Kid -> epoch ms when a fresh JWKS was seen without it; insertion order is age order. */
  const refusedKids = new Map<string, number>();
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

  function rememberRefused(kid: string): void {
    refusedKids.delete(kid);
    refusedKids.set(kid, now());
    for (const oldest of refusedKids.keys()) {
      if (refusedKids.size <= MAX_REFUSED_KIDS) break;
      refusedKids.delete(oldest);
    }
  }

  async function lookUp(kid: string): Promise<void> {
    const refusedAt = refusedKids.get(kid);
    if (refusedAt !== undefined && now() - refusedAt < options.cooldownMs) {
      throw new LecternError('ERR_TOKEN_KID', 'unknown kid (absent from a recent JWKS)');
    }
    if (!inFlight) {
      if (now() - lastAttempt < floorMs) {
        throw lastFailed
          ? new LecternError('ERR_JWKS_UNAVAILABLE', 'JWKS refresh failed recently')
          : new LecternError('ERR_TOKEN_KID', 'unknown kid');
      }
      inFlight = refresh().finally(() => {
        inFlight = undefined;
      });
    }
    await inFlight;
    if (!jwks.has(kid)) {
      rememberRefused(kid);
      throw new LecternError('ERR_TOKEN_KID', 'unknown kid');
    }
  }

  return {
    async getKey(kid) {
      if (!jwks.has(kid)) await lookUp(kid);
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
