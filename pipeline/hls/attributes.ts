/**
 * The lexical layer of HLS playlists (RFC 8216 4.2): lines, attribute lists, URIs, the one
 * error type. Browser-safe (no node: imports): the player bundles this folder too.
 */

/** A playlist that cannot be read as HLS (or as the kind of HLS the caller needs). */
export class PlaylistError extends Error {
  override name = 'PlaylistError';
}

const ATTRIBUTE_RE = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;

/** `KEY=value,KEY2="quoted, value"` -> map (quotes removed). */
export function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ATTRIBUTE_RE)) {
    const raw = m[2] ?? '';
    out.set(m[1] ?? '', raw.startsWith('"') ? raw.slice(1, -1) : raw);
  }
  return out;
}

/** Pure: a tag line with its quoted `URI="..."` attribute replaced (unchanged without one). */
export function replaceUriAttribute(line: string, replace: (uri: string) => string): string {
  return line.replace(/(^|[:,])URI="([^"]*)"/, (_m, lead: string, uri: string) => `${lead}URI="${replace(uri)}"`);
}

/** `WIDTHxHEIGHT` -> numbers, or null. */
export function parseResolution(value: string | undefined): { width: number; height: number } | null {
  const m = /^(\d+)x(\d+)$/.exec(value ?? '');
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/** A relative URI that stays inside the playlist's folder (no scheme, no absolute path, no ..). */
export function isSafeRelativeUri(uri: string): boolean {
  if (uri === '' || uri.startsWith('/') || uri.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(uri)) return false;
  return uri.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** The playlist's non-blank lines, trimmed; the first must be `#EXTM3U`. */
export function playlistLines(text: string): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines[0] !== '#EXTM3U') throw new PlaylistError('not an HLS playlist (no #EXTM3U header)');
  return lines;
}

/** `#EXT-X-NAME:attributes` -> its attributes, when the line is that tag. */
export function tagAttributes(line: string, tag: string): Map<string, string> | null {
  return line.startsWith(`${tag}:`) ? parseAttributes(line.slice(tag.length + 1)) : null;
}
