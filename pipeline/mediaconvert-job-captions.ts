/**
 * Pure: sidecar caption files -> the caption parts of the MediaConvert job (mediaconvert-job.ts):
 * one input caption selector per file and one caption output per language in the CMAF group.
 * Field names and enum values are the SDK's types, so tsc checks them.
 *
 * What AWS documents and this depends on:
 * - SRT (.srt) and WebVTT (.vtt) sidecars can become WebVTT in a CMAF output
 *   (https://docs.aws.amazon.com/mediaconvert/latest/ug/sidecar-captions-support-tables-by-container-type.html);
 *   the selector names the file with `FileSourceSettings.SourceFile`, and "The service cannot
 *   auto-detect caption format", so `SourceType` says which (CaptionSourceSettings, API reference).
 * - WebVTT is a sidecar format: "Put your captions in the same output group, but a different
 *   output from your video", "Put each captions track in its own output", and "The captions
 *   track that you specify first in your job is signaled as the default track in the HLS
 *   manifest" (https://docs.aws.amazon.com/mediaconvert/latest/ug/ttml-and-webvtt-output-captions.html).
 *   The completion handler rewrites those entries to the pipeline's own (DEFAULT=NO), so that
 *   default does not reach students.
 * - CaptionDescription.CustomLanguageCode: "For streaming outputs, you can also use any other
 *   code in the full RFC-5646 specification" (CMAF is one), so the BCP 47 tag goes through as
 *   the author wrote it (`pt-BR`), not squeezed into a three-letter code; LanguageDescription
 *   is "passe[d] ... into destination manifests" as the NAME a player shows.
 * The selector's own LanguageCode picks a language out of a multi-language source (SCTE-27,
 * DVB-Sub); a sidecar file holds one, so the selector carries none.
 *
 * Not on an AWS page: the container setting of a caption output in a CMAF group. The outputs
 * here use CMFC like the group's video and audio outputs (a WebVTT sidecar is written raw
 * whatever the container: "For all other output groups, IMSC and TTML files are raw").
 */
import type { CaptionSelector, CaptionSourceType, Output } from '@aws-sdk/client-mediaconvert';

export interface SidecarCaption {
  /** Canonical BCP 47 tag (pipeline/captions/language.ts). */
  readonly language: string;
  /** What the player's menu shows. */
  readonly name: string;
  /** `s3://bucket/key` of the .vtt or .srt file. */
  readonly sourceFile: string;
  /**
   * The cue that starts last (its timing line and start): the upload trigger cannot probe the
   * video, so the completion handler checks it against the encoded duration (caption-cue-check.ts).
   */
  readonly latestCue?: { readonly line: number; readonly startMs: number };
}

const SOURCE_TYPE: Readonly<Record<string, CaptionSourceType>> = { '.vtt': 'WEBVTT', '.srt': 'SRT' };

/** "The name should be of the format "Caption Selector <N>"" (CaptionDescription.CaptionSelectorName). */
export function captionSelectorName(index: number): string {
  return `Caption Selector ${index + 1}`;
}

/**
 * The caption output's NameModifier: its files are `<base>_captions_<lang>...` (output-names in
 * the stand-in), one per language, never equal to the video's or audio's modifier.
 */
export function captionNameModifier(language: string): string {
  return `_captions_${language}`;
}

/** The language in a caption output's playlist name (`index_captions_pt-BR.m3u8` -> `pt-BR`), or null. */
export function captionLanguageOfPlaylist(uri: string): string | null {
  return /_captions_([A-Za-z0-9-]+)\.m3u8$/.exec(uri)?.[1] ?? null;
}

export function captionSourceType(sourceFile: string): CaptionSourceType {
  const ext = /\.[^./]+$/.exec(sourceFile)?.[0]?.toLowerCase() ?? '';
  const type = SOURCE_TYPE[ext];
  if (!type) throw new Error(`caption source ${sourceFile} must be a .vtt or .srt file`);
  return type;
}

function checkCaptions(captions: readonly SidecarCaption[]): void {
  const seen = new Set<string>();
  for (const c of captions) {
    if (!/^s3:\/\/[^/]+\/.+/.test(c.sourceFile)) throw new Error(`caption source must be an s3:// URL, got ${c.sourceFile}`);
    if (seen.has(c.language)) throw new Error(`two caption files for ${c.language}`);
    seen.add(c.language);
    captionSourceType(c.sourceFile);
  }
}

/** Input.CaptionSelectors: one selector per file, in the given (menu) order. */
export function captionSelectors(captions: readonly SidecarCaption[]): Record<string, CaptionSelector> {
  checkCaptions(captions);
  return Object.fromEntries(
    captions.map((c, i) => [
      captionSelectorName(i),
      { SourceSettings: { SourceType: captionSourceType(c.sourceFile), FileSourceSettings: { SourceFile: c.sourceFile } } },
    ]),
  );
}

/**
 * One WebVTT output per language. StylePassthrough ENABLED keeps the files' positions and
 * styling, as the local publisher does (it copies cue settings and STYLE blocks verbatim).
 * Accessibility stays DISABLED: the pipeline cannot tell captions with sound descriptions from
 * plain subtitles, and the local master claims no CHARACTERISTICS either.
 */
export function captionOutputs(captions: readonly SidecarCaption[]): Output[] {
  checkCaptions(captions);
  return captions.map((c, i) => ({
    NameModifier: captionNameModifier(c.language),
    ContainerSettings: { Container: 'CMFC' },
    CaptionDescriptions: [
      {
        CaptionSelectorName: captionSelectorName(i),
        CustomLanguageCode: c.language,
        LanguageDescription: c.name,
        DestinationSettings: {
          DestinationType: 'WEBVTT',
          WebvttDestinationSettings: { StylePassthrough: 'ENABLED', Accessibility: 'DISABLED' },
        },
      },
    ],
  }));
}
