/**
 * The caption language a student chose ("off" included), remembered per student: keyed by the
 * token's `sub`, so two students sharing a browser keep their own, and nothing is kept for
 * nobody. The next lesson (or visit) starts with it. With no choice stored, captions start
 * off: no browser tells a page about the system's caption setting (macOS/iOS "Closed
 * Captions and SDH", Windows and Android caption preferences reach only native players and
 * the browsers' own controls; a `captionsEnabled` media feature is only a W3C proposal:
 * https://w3.org/WAI/APA/wiki/Media_features_use_cases_for_personalization).
 */

const KEY_PREFIX = 'lectern:captions:';
export const CAPTIONS_OFF = 'off';

/** The student a token names (its `sub`), or null for no token or one that is not a JWT. */
export function studentId(token: string | null | undefined): string | null {
  try {
    const claims = JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown };
    return typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
  } catch {
    return null;
  }
}

/** A language tag, "off", or null (never chosen, or no student). */
export function readCaptionPreference(storage: Storage | undefined, student: string | null): string | null {
  if (!student) return null;
  try {
    return storage?.getItem(KEY_PREFIX + student) || null;
  } catch {
    return null;
  }
}

export function writeCaptionPreference(storage: Storage | undefined, student: string | null, language: string): void {
  if (!student) return;
  try {
    storage?.setItem(KEY_PREFIX + student, language);
  } catch {
    /* storage full or refused: the choice lasts for this lesson only */
  }
}

interface Choosable {
  readonly language?: string;
  readonly isDefault: boolean;
}

const primary = (tag: string) => tag.toLowerCase().split('-')[0];

/**
 * The track to show for `wanted` (a language tag): that tag, else the same language in another
 * region (`pt` for `pt-BR`), else one in the browser's languages, else the author's DEFAULT,
 * else the first; "off": none. (Whether captions start at all is the caller's: only a stored tag turns them on.)
 */
export function pickCaption<T extends Choosable>(options: readonly T[], wanted: string | null, browserLanguages: readonly string[] = []): T | null {
  if (wanted === CAPTIONS_OFF || options.length === 0) return null;
  const tags = wanted ? [wanted, ...browserLanguages] : browserLanguages;
  for (const tag of tags) {
    const same = options.find((o) => o.language?.toLowerCase() === tag.toLowerCase()) ?? options.find((o) => o.language && primary(o.language) === primary(tag));
    if (same) return same;
  }
  return options.find((o) => o.isDefault) ?? options[0] ?? null;
}
