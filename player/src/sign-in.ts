/**
 * Signing in on the watch page: OAuth 2.0 authorization code with PKCE (S256), as Cognito's
 * Hosted UI expects from a public client. A chunk of its own (watch.ts imports it for the
 * sign-in click and the callback): the page of a student already signed in never fetches it.
 */
import { saveTokens, SignInError, tokenRequest, type AuthConfig } from './auth.ts';

interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly returnTo: string;
  readonly redirectUri: string;
}

const PENDING_KEY = 'lectern:signin';

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUriFor(config: AuthConfig): string {
  return config.redirectUri ?? `${location.origin}/watch/`;
}

/** Sends the browser to the IdP's sign-in page; it comes back to `/watch/?code=...&state=...`. */
export async function beginSignIn(config: AuthConfig, returnTo = location.pathname + location.search): Promise<never> {
  const verifier = randomString(48);
  const state = randomString(16);
  const redirectUri = redirectUriFor(config);
  const pending: PendingSignIn = { state, verifier, returnTo, redirectUri };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL('/oauth2/authorize', config.idpUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: config.scopes ?? 'openid email',
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
  return new Promise<never>(() => undefined);
}

/** On the callback URL: trades the code for tokens. Returns where to go back to, or null if this is not a callback. */
export async function completeSignIn(config: AuthConfig, url = new URL(location.href)): Promise<string | null> {
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  const error = url.searchParams.get('error');
  if (!code && !error) return null;
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : null;
  if (error) throw new SignInError(url.searchParams.get('error_description') ?? error);
  if (!pending || pending.state !== state) throw new SignInError('This sign-in link is stale or was not started here. Please sign in again.');
  const tokens = await tokenRequest(config, {
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code: code as string,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
  });
  saveTokens(tokens);
  return pending.returnTo;
}
