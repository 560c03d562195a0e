/**
 * The watch page's tokens: OAuth 2.0 against the Cognito Hosted UI on AWS, or the local IdP,
 * which serves the same `/oauth2/authorize` and `/oauth2/token` endpoints. Tokens live in
 * localStorage (one key per page origin: they can be read before config.json has arrived) so
 * a reload (or the next lesson) does not sign in again; the refresh token renews the access
 * token silently. Signing in itself (code + PKCE) is sign-in.ts, loaded only to sign in.
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

/** localStorage key of the signed-in tokens (the watch page's boot script reads it too). */
export const TOKENS_KEY = 'lectern:tokens';
/** An access token with less life than this is refreshed before use (here and in the boot script). */
export const TOKEN_MIN_LIFE_MS = 60_000;

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

export function saveTokens(tokens: Tokens | null): void {
  try {
    if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(TOKENS_KEY);
  } catch {
    /* ignore */
  }
}

export class SignInError extends Error {
  override name = 'SignInError';
}

export async function tokenRequest(config: AuthConfig, form: Record<string, string>): Promise<Tokens> {
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
