/**
 * RFC 3986 path normalisation, as CloudFront applies it before matching a cache behavior's path
 * pattern (DESIGN.md, request order step 1). Only the three normalisations of RFC 3986 section
 * 6.2.2 are applied, in this order:
 *
 *  1. percent-encoding: hex digits uppercased (`%2f` -> `%2F`) and octets that encode an
 *     unreserved character (ALPHA / DIGIT / `-` / `.` / `_` / `~`) decoded (`%7E` -> `~`,
 *     `%2e` -> `.`). Everything else stays encoded, `%2F` in particular: an encoded slash is data
 *     inside one segment, never a separator.
 *  2. dot-segment removal, the algorithm of RFC 3986 section 5.2.4, run after step 1 so that
 *     `%2e%2e` is a `..` segment exactly like `..` is.
 *
 * The normalised path is only used to choose a behavior. The origin receives the raw path and
 * applies its own (S3) rules, see origin.ts.
 */

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Uppercases percent-encoding hex and decodes the octets that stand for unreserved characters. */
export function normalisePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/** RFC 3986 section 5.2.4 "Remove Dot Segments", step by step. */
export function removeDotSegments(path: string): string {
  let input = path;
  let output = '';
  const dropLastOutputSegment = (): void => {
    const slash = output.lastIndexOf('/');
    output = slash === -1 ? '' : output.slice(0, slash);
  };
  while (input.length > 0) {
    if (input.startsWith('../')) {
      // A: a leading "../" or "./" is dropped.
      input = input.slice(3);
    } else if (input.startsWith('./')) {
      input = input.slice(2);
    } else if (input.startsWith('/./')) {
      // B: "/./" or a final "/." becomes "/".
      input = input.slice(2);
    } else if (input === '/.') {
      input = '/';
    } else if (input.startsWith('/../')) {
      // C: "/../" or a final "/.." becomes "/" and the last output segment goes.
      input = input.slice(3);
      dropLastOutputSegment();
    } else if (input === '/..') {
      input = '/';
      dropLastOutputSegment();
    } else if (input === '.' || input === '..') {
      // D: a lone "." or ".." is dropped.
      input = '';
    } else {
      // E: move the first segment (with its leading "/", if any) to the output.
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next === -1 ? input : input.slice(0, next);
      output += segment;
      input = input.slice(segment.length);
    }
  }
  return output;
}

/** The path CloudFront matches cache behaviors against. Never throws. */
export function normalisePath(rawPath: string): string {
  return removeDotSegments(normalisePercentEncoding(rawPath));
}

/**
 * CloudFront's quota on the length of a request URL is 8,192 bytes; longer request targets are
 * refused before anything else happens.
 */
export const MAX_REQUEST_TARGET_LENGTH = 8192;

export type ParsedRequestTarget =
  | {
      readonly ok: true;
      /** The path exactly as sent (still percent-encoded): what the origin receives. */
      readonly rawPath: string;
      /** The query string without its `?`, exactly as sent; undefined when there was no `?`. */
      readonly query: string | undefined;
      /** normalisePath(rawPath): what cache behaviors are matched against. */
      readonly path: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Splits an HTTP request target (`/path?query`, origin-form) into path and query, refusing what
 * a browser never sends and what would make later steps ambiguous: anything not starting with
 * `/` (absolute-form, authority-form, `*`), a fragment, control characters, spaces, raw
 * non-ASCII, and a `%` in the path that is not followed by two hex digits. Never throws.
 */
export function parseRequestTarget(target: string): ParsedRequestTarget {
  if (typeof target !== 'string' || target.length === 0) return { ok: false, reason: 'empty request target' };
  if (target.length > MAX_REQUEST_TARGET_LENGTH) return { ok: false, reason: 'request target too long' };
  if (!target.startsWith('/')) return { ok: false, reason: 'request target must start with "/"' };
  // Printable ASCII only: no controls, no space, no DEL, no raw UTF-8 (it must be percent-encoded).
  if (!/^[\x21-\x7e]*$/.test(target)) return { ok: false, reason: 'request target contains a character that must be percent-encoded' };
  if (target.includes('#')) return { ok: false, reason: 'request target contains a fragment' };

  const questionMark = target.indexOf('?');
  const rawPath = questionMark === -1 ? target : target.slice(0, questionMark);
  const query = questionMark === -1 ? undefined : target.slice(questionMark + 1);
  if (/%(?![0-9A-Fa-f]{2})/.test(rawPath)) return { ok: false, reason: 'malformed percent-encoding in path' };
  return { ok: true, rawPath, query, path: normalisePath(rawPath) };
}
