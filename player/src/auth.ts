/**
 * Sign-in for the watch page: OAuth 2.0 authorization code with PKCE (S256) against the
 * Cognito Hosted UI on AWS, or the local IdP, which serves the same `/oauth2/authorize` and
 * `/oauth2/token` endpoints. Tokens live in localStorage so a reload (or the next lesson) does
 * not sign in again; the refresh token renews the access token silently.
 */

export interface AuthConfig {
  /** Hosted UI base, e.g. https://lectern.auth.us-east-1.amazoncognito.com (locally the IdP URL). */
  readonly idpUrl: string;
  readonly clientId: string;
  readonly scopes?: string;
  /** Registered callback; default `<origin>/watch/`. */
  readonly redirectUri?: string;
}

export interface Tokens {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly returnTo: string;
  readonly redirectUri: string;
}

const PENDING_KEY = 'lectern:signin';

/** One key per page origin: tokens can be read before config.json has arrived. */
/** localStorage key of the signed-in tokens (the watch page's boot script reads it too). */
export const TOKENS_KEY = 'lectern:tokens';
/** An access token with less life than this is refreshed before use (here and in the boot script). */
export const TOKEN_MIN_LIFE_MS = 60_000;

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

export function loadTokens(storage: Storage | undefined = globalThis.localStorage): Tokens | null {
  try {
    const raw = storage?.getItem(TOKENS_KEY);
    if (!raw) return null;
    const t = JSON.parse(raw) as Tokens;
    return typeof t.accessToken === 'string' && typeof t.expiresAt === 'number' ? t : null;
  } catch {
    return null;
  }
}

function saveTokens(tokens: Tokens | null): void {
  try {
    if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(TOKENS_KEY);
  } catch {
    /* ignore */
  }
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

export class SignInError extends Error {
  override name = 'SignInError';
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

async function tokenRequest(config: AuthConfig, form: Record<string, string>): Promise<Tokens> {
  const res = await fetch(new URL('/oauth2/token', config.idpUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    id_token?: string;
    refresh_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !body.access_token) throw new SignInError(body.error_description ?? body.error ?? `token endpoint answered ${res.status}`);
  return {
    accessToken: body.access_token,
    ...(body.id_token ? { idToken: body.id_token } : {}),
    ...(body.refresh_token ?? form['refresh_token'] ? { refreshToken: (body.refresh_token ?? form['refresh_token']) as string } : {}),
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
  };
}

/**
 * The access token, renewed with the refresh token when it is about to expire (or when the
 * edge refused it). null: the person has to sign in.
 */
export function tokenProvider(configPromise: Promise<AuthConfig>): (options?: { forceRefresh?: boolean }) => Promise<string | null> {
  let refreshing: Promise<Tokens | null> | null = null;
  return async (options = {}) => {
    const tokens = loadTokens();
    if (!tokens) return null;
    if (!options.forceRefresh && tokens.expiresAt - Date.now() > TOKEN_MIN_LIFE_MS) return tokens.accessToken;
    if (!tokens.refreshToken) {
      if (!options.forceRefresh && tokens.expiresAt > Date.now()) return tokens.accessToken;
      saveTokens(null);
      return null;
    }
    const config = await configPromise;
    refreshing ??= tokenRequest(config, { grant_type: 'refresh_token', client_id: config.clientId, refresh_token: tokens.refreshToken })
      .then((fresh) => {
        saveTokens(fresh);
        return fresh;
      })
      .catch(() => {
        saveTokens(null);
        return null;
      })
      .finally(() => (refreshing = null));
    return (await refreshing)?.accessToken ?? null;
  };
}

/**
 * Forgets the tokens; the Hosted UI's /logout ends the IdP session too. `endSessions` runs first
 * (the player clearing its media cookies), bounded so a dead edge cannot keep a student signed in.
 */
export async function signOut(config: AuthConfig, returnTo = `${location.origin}/watch/`, endSessions?: () => Promise<void>): Promise<void> {
  saveTokens(null);
  if (endSessions) await Promise.race([endSessions().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
  const url = new URL('/logout', config.idpUrl);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: returnTo }).toString();
  location.assign(url.href);
}
