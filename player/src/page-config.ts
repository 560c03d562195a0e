/**
 * The watch page's `/player/config.json` (written by ../page-config.ts), validated once at load:
 * a bad deploy shows which field is wrong instead of failing somewhere inside sign-in.
 */
import type { AuthConfig } from './auth.ts';

export interface PageConfig extends AuthConfig {
  readonly scopes: string;
  readonly progressUrl: string;
}

export class PageConfigError extends Error {
  override name = 'PageConfigError';
}

export function parsePageConfig(raw: unknown): PageConfig {
  const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const field = (name: string, fallback?: string): string => {
    const v = c[name] ?? fallback;
    if (typeof v !== 'string' || !v || (name === 'idpUrl' && !/^https?:\/\/[^/]+$/.test(v))) {
      throw new PageConfigError(`player/config.json: ${name} ${name === 'idpUrl' ? 'must be scheme://host with no path' : 'must be a non-empty string'} (got ${JSON.stringify(c[name])})`);
    }
    return v;
  };
  const config: PageConfig = { idpUrl: field('idpUrl'), clientId: field('clientId'), scopes: field('scopes', 'openid email'), progressUrl: field('progressUrl', '/api/progress') };
  return c['redirectUri'] === undefined ? config : { ...config, redirectUri: field('redirectUri') };
}

/** Fetches and validates the page config. */
export async function loadPageConfig(url = '/player/config.json'): Promise<PageConfig> {
  const r = await fetch(url);
  if (!r.ok) throw new PageConfigError(`player/config.json: ${r.status}`);
  return parsePageConfig(await r.json());
}
