/**
 * Separates CloudFront's signing parameters from a viewer URL, for the key-group check
 * (signed-request.ts): which credentials the URL carries, and the URL the policy must cover.
 */
import { isSignedUrlParam, type SignedUrlParam } from '../../edge/signed-url.ts';

export interface Credentials {
  readonly keyPairId?: string;
  readonly signature?: string;
  readonly expires?: string;
  readonly policy?: string;
  readonly hashAlgorithm?: string;
}

/** True when a raw query string (without `?`) carries a signing parameter. */
export function hasSignedUrlParams(rawQuery: string | undefined): boolean {
  if (!rawQuery) return false;
  return rawQuery.split('&').some((pair) => isSignedUrlParam(pairName(pair)));
}

type SplitUrl =
  | { readonly ok: true; readonly signed: false; readonly resourceUrl: string }
  | { readonly ok: true; readonly signed: true; readonly resourceUrl: string; readonly credentials: Credentials }
  | { readonly ok: false; readonly detail: string };

/**
 * Separates the signing parameters from the URL. What remains (the viewer's own parameters,
 * in their order, `?` dropped when none remain) is the URL the policy must cover.
 */
export function splitSignedUrl(url: string): SplitUrl {
  const questionMark = url.indexOf('?');
  if (questionMark === -1) return { ok: true, signed: false, resourceUrl: url };
  const base = url.slice(0, questionMark);
  const pairs = url.slice(questionMark + 1).split('&');
  const kept: string[] = [];
  const found = new Map<SignedUrlParam, string>();
  for (const pair of pairs) {
    const name = pairName(pair);
    if (!isSignedUrlParam(name)) {
      kept.push(pair);
      continue;
    }
    if (found.has(name)) return { ok: false, detail: `the ${name} query parameter appears more than once` };
    const rawValue = pair.length > name.length ? pair.slice(name.length + 1) : '';
    const value = safeDecodeURIComponent(rawValue);
    if (value === undefined) return { ok: false, detail: `the ${name} query parameter is not valid percent-encoding` };
    found.set(name, value);
  }
  if (found.size === 0) return { ok: true, signed: false, resourceUrl: url };
  return {
    ok: true,
    signed: true,
    resourceUrl: kept.length > 0 ? `${base}?${kept.join('&')}` : base,
    credentials: {
      keyPairId: found.get('Key-Pair-Id'),
      signature: found.get('Signature'),
      expires: found.get('Expires'),
      policy: found.get('Policy'),
      hashAlgorithm: found.get('Hash-Algorithm'),
    },
  };
}

function pairName(pair: string): string {
  const equals = pair.indexOf('=');
  return equals === -1 ? pair : pair.slice(0, equals);
}

function safeDecodeURIComponent(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
