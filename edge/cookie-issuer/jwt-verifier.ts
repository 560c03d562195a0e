import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { LecternError } from '../errors.ts';
import type { IssuerConfig } from './config.ts';
import type { JwksSource } from './jwks-source.ts';

/** The parts of the issuer config the verifier is pinned to (units and defaults in config.ts). */
export type TokenRules = Pick<IssuerConfig, 'issuer' | 'clientIds' | 'tokenUse' | 'clockSkewSeconds' | 'maxTokenBytes'>;

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
 * Verifies a Cognito access or ID token the way Cognito documents it (and aws-jwt-verify does):
 * RS256 only, kid required and found in the JWKS, exact issuer, `token_use` allowed, then
 * `client_id` (access) or `aud` (id) in the allowed app clients, `exp` required, bounded skew.
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
      return { sub: payload.sub, tokenUse, clientId, expiresAt: payload.exp };
    },
  };
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
