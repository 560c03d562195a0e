/**
 * The watch page's `player/config.json`, built in one place for both deployments: `pulumi up`
 * uploads it to the player bucket, `npm start` writes it into the local one. The page reads it
 * at load (src/watch.ts: sign-in with PKCE at `<idpUrl>/oauth2/authorize` and `/oauth2/token`,
 * the Cognito Hosted UI on AWS or the local IdP, and the progress API).
 */
export interface PlayerPageConfig {
  /** Hosted UI base URL (locally the IdP's), no trailing slash. */
  readonly idpUrl: string;
  /** The app client the page signs in with (a public client: no secret). */
  readonly clientId: string;
  readonly scopes: string;
  /** Progress API base, same origin as the page. */
  readonly progressUrl: string;
}

export const PLAYER_CONFIG_KEY = 'player/config.json';

export function playerPageConfig(input: { idpUrl: string; clientId: string; progressUrl?: string }): PlayerPageConfig {
  if (!/^https?:\/\/[^/]+$/.test(input.idpUrl)) throw new Error(`player config: idpUrl must be scheme://host with no path (got ${JSON.stringify(input.idpUrl)})`);
  if (!input.clientId) throw new Error('player config: clientId is required');
  return { idpUrl: input.idpUrl, clientId: input.clientId, scopes: 'openid email', progressUrl: input.progressUrl ?? '/api/progress' };
}
