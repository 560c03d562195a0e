/**
 * Caption inputs (`<lang>=<file>` from the CLI, sidecars from migrate) -> parsed, validated
 * tracks. Everything here runs before an encode starts: a bad file costs nothing but the
 * error message.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { CaptionError } from './caption-error.ts';
import type { CaptionTrack } from './cues.ts';
import { decodeCaptionBytes } from './decode-text.ts';
import { checkAgainstDuration } from './duration-check.ts';
import { languageName, requireLanguageTag, requireOneFilePerLanguage } from './language.ts';
import { parseSrt } from './parse-srt.ts';
import { parseWebVtt } from './parse-webvtt.ts';

export interface CaptionSource {
  /** As given; canonicalised by loadCaptions. */
  readonly language: string;
  readonly path: string;
}

export interface LoadedCaptions {
  /** Canonical BCP 47 tag. */
  readonly language: string;
  readonly name: string;
  readonly track: CaptionTrack;
}

export const CAPTION_EXTENSIONS: readonly string[] = ['.vtt', '.srt'];

/** `en=talk.en.vtt` -> its parts (a path may itself hold `=`: only the first one splits). */
export function parseCaptionSpec(spec: string): CaptionSource {
  const at = spec.indexOf('=');
  if (at <= 0 || at === spec.length - 1) throw new CaptionError(spec, undefined, 'expected <language>=<file>, e.g. --captions en=talk.en.vtt');
  return { language: spec.slice(0, at), path: spec.slice(at + 1) };
}

/** Pure: bytes -> track, the format chosen by the file's extension. */
export function parseCaptionBytes(bytes: Uint8Array, file: string): CaptionTrack {
  const ext = extname(file).toLowerCase();
  if (!CAPTION_EXTENSIONS.includes(ext)) throw new CaptionError(file, undefined, 'captions must be WebVTT (.vtt) or SubRip (.srt)');
  if (bytes.length === 0) throw new CaptionError(file, 1, 'the file is empty');
  const text = decodeCaptionBytes(bytes, file);
  return ext === '.srt' ? parseSrt(text, file) : parseWebVtt(text, file);
}

export async function loadCaptions(sources: readonly CaptionSource[]): Promise<LoadedCaptions[]> {
  const tagged = sources.map((s) => ({ ...s, language: requireLanguageTag(s.language, s.path), file: s.path }));
  requireOneFilePerLanguage(tagged);
  const out: LoadedCaptions[] = [];
  for (const s of tagged) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(s.path);
    } catch (error) {
      throw new CaptionError(s.path, undefined, `cannot read the caption file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
    out.push({ language: s.language, name: languageName(s.language), track: parseCaptionBytes(bytes, s.path) });
  }
  return out;
}

export function checkDurations(captions: readonly LoadedCaptions[], durationSeconds: number): LoadedCaptions[] {
  return captions.map((c) => ({ ...c, track: checkAgainstDuration(c.track, durationSeconds) }));
}

/** One line per warning, for the CLI. */
export function describeWarnings(captions: readonly LoadedCaptions[]): string[] {
  return captions.flatMap((c) => c.track.warnings.map((w) => `${c.track.file}:${w.line}: ${w.message}`));
}
