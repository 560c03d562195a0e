/**
 * Sidecar caption files next to a source: `<name>.<lang>.vtt|srt` for `<name>.mp4`, e.g.
 * `01 Intro.en.vtt` and `01 Intro.pt-BR.srt` for `01 Intro.mp4`. Pure (file names in).
 *
 * A file is a sidecar of a source when the part between the source's name and the extension
 * has no dot; so `intro.part2.en.vtt` belongs to `intro.part2.mp4`, never to `intro.mp4`. A
 * sidecar whose middle is not a language tag is a problem for its source, not something to
 * skip: an author who wrote `intro.english.vtt` expects captions.
 */
import { basename, extname, join } from 'node:path';
import { CAPTION_EXTENSIONS, type CaptionSource } from './load.ts';
import { canonicalLanguageTag } from './language.ts';

export interface Sidecars {
  readonly sources: readonly CaptionSource[];
  readonly problems: readonly string[];
}

export function findSidecars(folder: string, mediaFileName: string, fileNames: readonly string[]): Sidecars {
  const stem = basename(mediaFileName, extname(mediaFileName));
  const sources: CaptionSource[] = [];
  const problems: string[] = [];
  const byLanguage = new Map<string, string>();
  for (const name of [...fileNames].sort()) {
    const ext = extname(name).toLowerCase();
    if (!CAPTION_EXTENSIONS.includes(ext) || !name.startsWith(`${stem}.`)) continue;
    const middle = name.slice(stem.length + 1, name.length - ext.length);
    if (middle === '' || middle.includes('.')) continue;
    const language = canonicalLanguageTag(middle);
    if (!language) {
      problems.push(`caption file ${name}: ${JSON.stringify(middle)} is not a language tag (name it ${stem}.<lang>${ext}, e.g. ${stem}.en${ext})`);
      continue;
    }
    const other = byLanguage.get(language);
    if (other !== undefined) {
      problems.push(`caption files ${other} and ${name} are both ${language}: keep one`);
      continue;
    }
    byLanguage.set(language, name);
    sources.push({ language, path: join(folder, name) });
  }
  // Menu order: by language tag, whatever case or extension the files have.
  return { sources: sources.sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0)), problems };
}
