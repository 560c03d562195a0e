/** Credentialed CORS for /auth/session and /auth/lessons/*: only exact allowlisted origins, never `*`. */
export type OriginVerdict = 'none' | 'same-origin' | 'allowed' | 'denied';

export function judgeOrigin(origin: string | undefined, selfOrigin: string, allowlist: readonly string[]): OriginVerdict {
  if (origin === undefined) return 'none';
  if (origin === selfOrigin) return 'same-origin';
  return allowlist.includes(origin) ? 'allowed' : 'denied';
}

export function corsHeaders(origin: string, preflight: boolean, methods = 'POST, DELETE, OPTIONS'): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
  if (preflight) {
    headers['access-control-allow-methods'] = methods;
    headers['access-control-allow-headers'] = 'Authorization, Content-Type';
    headers['access-control-max-age'] = '600';
  }
  return headers;
}
