/**
 * The OAuth half of the local Hosted UI: checks an authorize request, keeps the single-use
 * authorization codes and the refresh tokens in memory, and answers /oauth2/token's two grants
 * (authorization_code with PKCE, S256 only, and refresh_token) as Cognito does. No HTTP here:
 * the IdP reads the form and writes what this returns.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Mint } from './idp-tokens.ts';

/** Authorization codes live 5 minutes (Cognito's figure) and are single use. */
const CODE_TTL_MS = 5 * 60 * 1000;

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly email: string;
  readonly scope: string;
  readonly expiresAt: number;
}

export type AuthorizeCheck =
  | { ok: true; redirectUri: string; state: string | null; challenge: string; scope: string }
  | { ok: false; status: number; message: string; redirect?: string };

export interface OAuthGrantsOptions {
  readonly clientId: string;
  readonly redirectAllowed: (uri: string) => boolean;
  /** Lifetime of tokens from /oauth2/token, seconds. */
  readonly tokenTtl: number;
  readonly clock: () => Date;
  readonly mint: Mint;
}

export interface OAuthGrants {
  /** Validates an authorize request; an error page (never a redirect) when the client or redirect_uri is wrong. */
  authorizeParams(params: URLSearchParams): AuthorizeCheck;
  /** A new authorization code for a checked request and the user who chose to sign in. */
  issueCode(checked: { redirectUri: string; challenge: string; scope: string }, email: string): string;
  /** The token endpoint's answer to a form, status and JSON body. */
  tokenGrant(form: URLSearchParams): Promise<{ status: number; body: unknown }>;
}

export function createOAuthGrants({ clientId, redirectAllowed, tokenTtl, clock, mint }: OAuthGrantsOptions): OAuthGrants {
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, { email: string; clientId: string }>();

  function authorizeParams(params: URLSearchParams): AuthorizeCheck {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== clientId) return { ok: false, status: 400, message: 'Unknown client_id.' };
    if (!redirectUri || !redirectAllowed(redirectUri)) return { ok: false, status: 400, message: 'redirect_uri is not registered for this client.' };
    const state = params.get('state');
    const back = (error: string, description: string) => {
      const u = new URL(redirectUri);
      u.searchParams.set('error', error);
      u.searchParams.set('error_description', description);
      if (state) u.searchParams.set('state', state);
      return u.href;
    };
    if (params.get('response_type') !== 'code') return { ok: false, status: 302, message: 'unsupported_response_type', redirect: back('unsupported_response_type', 'Only response_type=code is supported.') };
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return { ok: false, status: 302, message: 'invalid_request', redirect: back('invalid_request', 'PKCE is required: code_challenge (S256, base64url) and code_challenge_method=S256.') };
    }
    return { ok: true, redirectUri, state, challenge, scope: params.get('scope') ?? 'openid email' };
  }

  function issueCode(checked: { redirectUri: string; challenge: string; scope: string }, email: string): string {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { clientId, redirectUri: checked.redirectUri, challenge: checked.challenge, email, scope: checked.scope, expiresAt: clock().getTime() + CODE_TTL_MS });
    return code;
  }

  function newTokens(email: string, client: string, scope: string): Promise<Record<string, unknown>> {
    const refresh = randomBytes(32).toString('base64url');
    refreshTokens.set(refresh, { email, clientId: client });
    return Promise.all([mint({ email, use: 'access', ttlSeconds: tokenTtl, now: clock() }), mint({ email, use: 'id', ttlSeconds: tokenTtl, now: clock() })]).then(([access_token, id_token]) => ({
      access_token,
      id_token,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: tokenTtl,
      scope,
    }));
  }

  async function tokenGrant(form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    const fail = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } });
    const grant = form.get('grant_type');
    if (form.get('client_id') !== clientId) return fail(400, 'invalid_client', 'Unknown client_id.');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // single use, even when the rest is wrong
      if (!pending || pending.expiresAt < clock().getTime()) return fail(400, 'invalid_grant', 'The authorization code is unknown, used or expired.');
      // The redirect_uri the code was issued for, exactly, as Cognito's token endpoint wants
      // (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
      if (pending.clientId !== clientId || pending.redirectUri !== form.get('redirect_uri')) return fail(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
      const verifier = form.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return fail(400, 'invalid_grant', 'code_verifier is missing or malformed.');
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) return fail(400, 'invalid_grant', 'code_verifier does not match the code_challenge.');
      return { status: 200, body: await newTokens(pending.email, clientId, pending.scope) };
    }
    if (grant === 'refresh_token') {
      const entry = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!entry || entry.clientId !== clientId) return fail(400, 'invalid_grant', 'The refresh token is unknown or revoked.');
      const [access_token, id_token] = await Promise.all([mint({ email: entry.email, use: 'access', ttlSeconds: tokenTtl, now: clock() }), mint({ email: entry.email, use: 'id', ttlSeconds: tokenTtl, now: clock() })]);
      // Cognito keeps the refresh token and returns new access and ID tokens.
      return { status: 200, body: { access_token, id_token, token_type: 'Bearer', expires_in: tokenTtl } };
    }
    return fail(400, 'unsupported_grant_type', 'Use authorization_code (with PKCE) or refresh_token.');
  }

  return { authorizeParams, issueCode, tokenGrant };
}
