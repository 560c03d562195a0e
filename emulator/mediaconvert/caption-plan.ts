/**
 * Pure: the WebVTT caption outputs of one CMAF group (validated by validate-captions.ts) -> what
 * package-captions.ts writes for each: its file stem, the sidecar it is made from, and what the
 * multivariant playlist says of it.
 */
import type { CaptionSelector, Output } from '@aws-sdk/client-mediaconvert';
import { outputStem, type DestinationBase } from './output-names.ts';
import { outputKind } from './validate-groups.ts';

export interface CaptionOutputPlan {
  readonly outputIndex: number;
  readonly stem: string;
  /** `s3://` URL of the sidecar file. */
  readonly sourceFile: string;
  readonly language?: string;
  readonly name: string;
  /** "The captions track that you specify first in your job is signaled as the default track in the HLS manifest." */
  readonly isDefault: boolean;
  readonly accessibility: boolean;
  /**
   * StylePassthrough ENABLED: "use the available style, color, and position information from
   * your input captions"; DISABLED (the default): "simplified output captions", so cue settings
   * and STYLE/REGION blocks are left out.
   */
  readonly keepStyle: boolean;
}

export function captionPlans(outputs: readonly Output[], d: DestinationBase, selectors: Readonly<Record<string, CaptionSelector>>): CaptionOutputPlan[] {
  let n = 0;
  return outputs.flatMap((o, j): CaptionOutputPlan[] => {
    if (outputKind(o) !== 'captions') return [];
    const c = o.CaptionDescriptions![0]!;
    const webvtt = c.DestinationSettings?.WebvttDestinationSettings;
    // RFC 5646 codes as written; three-letter codes lowercased, as the stand-in writes audio languages.
    const language = c.CustomLanguageCode ?? c.LanguageCode?.toLowerCase();
    n++;
    return [
      {
        outputIndex: j,
        stem: outputStem(d, o.NameModifier),
        sourceFile: selectors[c.CaptionSelectorName!]!.SourceSettings!.FileSourceSettings!.SourceFile!,
        ...(language ? { language } : {}),
        // AWS documents LanguageDescription as what players show; without one the stand-in uses the language, then `Captions <n>`.
        name: c.LanguageDescription ?? language ?? `Captions ${n}`,
        isDefault: n === 1,
        accessibility: webvtt?.Accessibility === 'ENABLED',
        keepStyle: webvtt?.StylePassthrough === 'ENABLED',
      },
    ];
  });
}
