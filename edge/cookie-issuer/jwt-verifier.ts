import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { LecternError } from '../errors.ts';
import type { TokenSettings } from '../token-settings.ts';
import { createJwksSource, type JwksSource } from './jwks-source.ts';

/** The token settings the verifier is pinned to (units and defaults in edge/token-settings.ts). */
export type TokenRules = Pick<TokenSettings, 'issuer' | 'clientIds' | 'tokenUse' | 'clockSkewSeconds' | 'maxTokenBytes'>;

/** Token rules and where their keys come from: what both edge functions declare in their config.ts. */
export type VerifierSettings = TokenRules & Pick<TokenSettings, 'jwks' | 'jwksUri' | 'jwksTimeoutMs' | 'jwksCooldownMs'>;

export interface VerifiedToken {
  /** Cognito user id: enrollments are keyed by it. */
  readonly sub: string;
  readonly tokenUse: 'access' | 'id';
  readonly clientId: string;
  readonly expiresAt: number;
}

export interface TokenVerifier {
  verify(token: string, now: Date): Promise<VerifiedToken>;
}

/** Cognito key ids are base64 strings; anything else is refused before any lookup. */
const KID_PATTERN = /^[A-Za-z0-9+/=_-]{1,128}$/;

/**
 * Seconds: the longest exp - iat a Cognito access or ID token can carry. App clients set those
 * validities from five minutes to one day
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html),
 * so a longer-lived token was not minted under any pool's rules, whatever its signature says.
 */
export const MAX_TOKEN_VALIDITY_SECONDS = 86_400;

/**
 * The verifier and its JWKS source as both edge functions build them, once per cold start and
 * never in the handler: one function, so the cookie issuer and the progress API cannot drift
 * apart in what they accept. `now` (epoch ms) is the function's own clock, so a test that moves
 * time moves the JWKS refresh floor and cooldown with it.
 */
export function createCognitoVerifier(settings: VerifierSettings, options: { readonly fetch?: typeof fetch; readonly now?: () => number } = {}): TokenVerifier {
  const jwks = createJwksSource({
    bundled: settings.jwks,
    uri: settings.jwksUri,
    timeoutMs: settings.jwksTimeoutMs,
    cooldownMs: settings.jwksCooldownMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return createTokenVerifier(settings, jwks);
}

/**
 * Verifies a Cognito access or ID token the way Cognito documents it (and aws-jwt-verify does):
 * RS256 only, kid required and found in the JWKS, exact issuer, `token_use` allowed, then
 * `client_id` (access) or `aud` (id) in the allowed app clients, `exp` required, bounded skew,
 * and `iat`/`exp` only as Cognito writes them: whole seconds, issued no later than now plus the
 * skew, valid at most MAX_TOKEN_VALIDITY_SECONDS.
 * Header fields that name other keys (jku, x5u, jwk, x5c) are never used: the key comes only
 * from our JWKS by kid.
 */
export function createTokenVerifier(rules: TokenRules, keys: JwksSource): TokenVerifier {
  return {
    async verify(token, now) {
      if (token.length > rules.maxTokenBytes) throw new LecternError('ERR_TOKEN_TOO_LARGE');
      if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new LecternError('ERR_TOKEN_MALFORMED');

      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        throw new LecternError('ERR_TOKEN_MALFORMED', 'header');
      }
      if (header.alg !== 'RS256') throw new LecternError('ERR_TOKEN_ALG', String(header.alg));
      if (typeof header.kid !== 'string' || !KID_PATTERN.test(header.kid)) throw new LecternError('ERR_TOKEN_KID', 'missing or malformed kid');

      const key = await keys.getKey(header.kid);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['RS256'],
          issuer: rules.issuer,
          clockTolerance: rules.clockSkewSeconds,
          requiredClaims: ['exp', 'iat', 'sub', 'token_use'],
          currentDate: now,
        }));
      } catch (error) {
        throw mapJoseError(error);
      }

      const tokenUse = payload['token_use'];
      if (tokenUse !== 'access' && tokenUse !== 'id') throw new LecternError('ERR_TOKEN_USE');
      if (!rules.tokenUse.includes(tokenUse)) throw new LecternError('ERR_TOKEN_USE');
      const clientId = tokenUse === 'access' ? payload['client_id'] : payload.aud;
      if (typeof clientId !== 'string' || !rules.clientIds.includes(clientId)) throw new LecternError('ERR_TOKEN_CLIENT');
      // Cognito access tokens carry no aud; one that does was not minted by Cognito's rules.
      if (tokenUse === 'access' && payload.aud !== undefined) throw new LecternError('ERR_TOKEN_CLAIMS', 'aud on access token');
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 128) throw new LecternError('ERR_TOKEN_CLAIMS', 'sub');
      if (typeof payload.exp !== 'number') throw new LecternError('ERR_TOKEN_CLAIMS', 'exp');
      checkLifetime(payload.iat as number, payload.exp, now, rules.clockSkewSeconds);
      return { sub: payload.sub, tokenUse, clientId, expiresAt: payload.exp };
    },
  };
}

/**
 * jose only checks that exp has not passed, so a token "valid" for ten years, until 1e308, or
 * issued tomorrow passes it. None is a Cognito token: a fraction or a number beyond 2^53 is
 * someone probing our arithmetic, and an iat ahead of our clock would move the one-day bound
 * forward at will.
 */
function checkLifetime(iat: number, exp: number, now: Date, skewSeconds: number): void {
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) throw new LecternError('ERR_TOKEN_LIFETIME', 'iat and exp must be whole seconds in range');
  if (iat > Math.floor(now.getTime() / 1000) + skewSeconds) throw new LecternError('ERR_TOKEN_NOT_YET_VALID', 'iat is in the future');
  if (exp - iat > MAX_TOKEN_VALIDITY_SECONDS) throw new LecternError('ERR_TOKEN_LIFETIME', 'exp - iat is over a day');
}

function mapJoseError(error: unknown): LecternError {
  if (error instanceof LecternError) return error;
  if (error instanceof joseErrors.JWTExpired) return new LecternError('ERR_TOKEN_EXPIRED');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return new LecternError('ERR_TOKEN_ISSUER');
      case 'nbf':
      case 'iat':
        return error.reason === 'check_failed' ? new LecternError('ERR_TOKEN_NOT_YET_VALID') : new LecternError('ERR_TOKEN_CLAIMS', error.claim);
      default:
        return new LecternError('ERR_TOKEN_CLAIMS', error.claim);
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new LecternError('ERR_TOKEN_SIGNATURE');
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new LecternError('ERR_TOKEN_ALG');
  return new LecternError('ERR_TOKEN_MALFORMED', undefined, { cause: error });
}
