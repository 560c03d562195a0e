/** CloudFront signed-query URLs: the cache key without the signature, and the signature appended. */
// The parameters that carry a CloudFront signature (never part of a cache key): declared once.
import { SIGNED_URL_PARAMS as SIGNING_PARAMS } from '../../edge/signed-url.ts';

export function canonicalUrl(url: string): string {
  const u = new URL(url);
  if (!u.search) return u.href;
  for (const name of SIGNING_PARAMS) u.searchParams.delete(name);
  return u.href;
}

export function withQuery(url: string, query: string): string {
  if (!query) return url;
  const u = new URL(canonicalUrl(url));
  return `${u.href}${u.search ? '&' : '?'}${query}`;
}
