/**
 * Caption languages: a BCP 47 tag (RFC 5646) per track, in its canonical case, and the NAME a
 * player shows in its menu. Names are in the language itself, as a student looking for their
 * language expects to read it; a tag the table does not know is shown as the tag.
 */
import { CaptionError } from './caption-error.ts';

// language (2-3 letters) [-script (4 letters)] [-region (2 letters | 3 digits)] [-variant]*.
// Extensions and private use are left out: no caption workflow needs them and they would end
// up in folder names.
const TAG = /^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?((?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)$/i;

export function canonicalLanguageTag(tag: string): string | null {
  const m = TAG.exec(tag);
  if (!m) return null;
  const [, language, script, region, variants] = m as unknown as [string, string, string | undefined, string | undefined, string];
  return [
    language.toLowerCase(),
    ...(script ? [script[0]!.toUpperCase() + script.slice(1).toLowerCase()] : []),
    ...(region ? [region.toUpperCase()] : []),
    ...(variants ? [variants.slice(1).toLowerCase()] : []),
  ].join('-');
}

export function requireLanguageTag(tag: string, file: string): string {
  const canonical = canonicalLanguageTag(tag);
  if (!canonical) throw new CaptionError(file, undefined, `${JSON.stringify(tag)} is not a BCP 47 language tag (use e.g. en, es, pt-BR)`);
  return canonical;
}

const NAMES: Readonly<Record<string, string>> = {
  ar: 'العربية',
  ca: 'Català',
  cs: 'Čeština',
  da: 'Dansk',
  de: 'Deutsch',
  el: 'Ελληνικά',
  en: 'English',
  'en-GB': 'English (UK)',
  'en-US': 'English (US)',
  es: 'Español',
  'es-419': 'Español (Latinoamérica)',
  'es-ES': 'Español (España)',
  fi: 'Suomi',
  fr: 'Français',
  'fr-CA': 'Français (Canada)',
  he: 'עברית',
  hi: 'हिन्दी',
  hu: 'Magyar',
  id: 'Bahasa Indonesia',
  it: 'Italiano',
  ja: '日本語',
  ko: '한국어',
  nl: 'Nederlands',
  no: 'Norsk',
  pl: 'Polski',
  pt: 'Português',
  'pt-BR': 'Português (Brasil)',
  'pt-PT': 'Português (Portugal)',
  ro: 'Română',
  ru: 'Русский',
  sv: 'Svenska',
  th: 'ไทย',
  tr: 'Türkçe',
  uk: 'Українська',
  vi: 'Tiếng Việt',
  zh: '中文',
  'zh-Hans': '中文（简体）',
  'zh-Hant': '中文（繁體）',
};

/** For a canonical tag. */
export function languageName(tag: string): string {
  return NAMES[tag] ?? tag;
}

/** Refuses a second file for a language (tags compared canonically: `pt-br` is `pt-BR`). */
export function requireOneFilePerLanguage(entries: readonly { language: string; file: string }[]): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.language);
    if (other !== undefined) throw new CaptionError(e.file, undefined, `a second caption file for ${e.language} (the first is ${other}): give one file per language`);
    seen.set(e.language, e.file);
  }
}
