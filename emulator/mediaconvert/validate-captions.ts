/**
 * Sidecar captions in a CreateJob request: input caption selectors that read a WebVTT or SRT
 * file, and WebVTT caption outputs in CMAF groups (the one captions workflow the stand-in
 * renders: caption-plan.ts, package-captions.ts). Types and enums are checked by the schema
 * table; these are the rules between settings.
 *
 * The rules, from AWS pages:
 * - "The service cannot auto-detect caption format" (CaptionSourceSettings.SourceType, API
 *   reference https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html).
 * - CaptionDescription.CaptionSelectorName: "which Caption Selector to use from each input".
 * - WebVTT: "Put your captions in the same output group, but a different output from your
 *   video" and "Put each captions track in its own output"
 *   (https://docs.aws.amazon.com/mediaconvert/latest/ug/ttml-and-webvtt-output-captions.html).
 * - SRT and WebVTT sidecars may become WebVTT in a CMAF output
 *   (https://docs.aws.amazon.com/mediaconvert/latest/ug/sidecar-captions-support-tables-by-container-type.html).
 */
import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import type { Path, Problems } from './problems.ts';
import { parseS3Url, unsafeKeyReason } from './s3-paths.ts';

/** The extensions each sidecar source type is read from (the stand-in parses by extension). */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = { SRT: ['.srt'], WEBVTT: ['.vtt', '.webvtt'] };

function checkSelectors(request: CreateJobCommandInput, problems: Problems): void {
  (request.Settings?.Inputs ?? []).forEach((input, i) => {
    for (const [name, selector] of Object.entries(input.CaptionSelectors ?? {})) {
      const path: Path = ['Settings', 'Inputs', i, 'CaptionSelectors', name, 'SourceSettings'];
      const source = selector.SourceSettings;
      if (!source?.SourceType) {
        problems.add([...path, 'SourceType'], 'required: the service cannot auto-detect the caption format');
        continue;
      }
      const file = source.FileSourceSettings?.SourceFile;
      if (file === undefined) {
        problems.add([...path, 'FileSourceSettings', 'SourceFile'], `required: the URI of the ${source.SourceType} sidecar file`);
        continue;
      }
      const filePath: Path = [...path, 'FileSourceSettings', 'SourceFile'];
      if (/^https?:/i.test(file)) {
        problems.unsupported(filePath, 'HTTP(S) caption sources (it reads s3:// files from local folders)');
        continue;
      }
      const loc = parseS3Url(file);
      const why = loc ? unsafeKeyReason(loc.key) : 'it is not an s3:// URL';
      if (why) problems.unsupported(filePath, `a caption key that cannot be mapped to a file (${why})`);
      const ext = /\.[^./]+$/.exec(file)?.[0]?.toLowerCase() ?? '';
      // AWS documents no outcome for a .vtt read as SRT (or the reverse); the stand-in reads by extension, so refuses it.
      if (!EXTENSIONS[source.SourceType]?.includes(ext)) problems.unsupported(filePath, `a ${source.SourceType} source in a ${ext || 'extensionless'} file`);
    }
  });
}

function checkOutputs(request: CreateJobCommandInput, problems: Problems): void {
  const inputs = request.Settings?.Inputs ?? [];
  (request.Settings?.OutputGroups ?? []).forEach((group, i) => {
    (group.Outputs ?? []).forEach((o, j) => {
      const descriptions = o.CaptionDescriptions ?? [];
      if (descriptions.length === 0) return;
      const path: Path = ['Settings', 'OutputGroups', i, 'Outputs', j];
      if (group.OutputGroupSettings?.Type !== 'CMAF_GROUP_SETTINGS') {
        return problems.unsupported([...path, 'CaptionDescriptions'], 'captions outside CMAF output groups');
      }
      if (group.OutputGroupSettings.CmafGroupSettings?.WriteDashManifest !== 'DISABLED') {
        problems.unsupported([...path, 'CaptionDescriptions'], 'captions in the DASH manifest of a CMAF group (set WriteDashManifest DISABLED)');
      }
      if (o.VideoDescription || o.AudioDescriptions?.length) {
        problems.add([...path, 'CaptionDescriptions'], 'WebVTT captions go in their own output of the group, not in a video or audio output');
      }
      if (descriptions.length > 1) problems.add([...path, 'CaptionDescriptions'], 'each WebVTT captions track goes in its own output');
      descriptions.forEach((d, k) => {
        const dPath: Path = [...path, 'CaptionDescriptions', k];
        if (d.DestinationSettings?.DestinationType === undefined) {
          // "The default format is embedded without SCTE-20", which a CMAF output cannot carry as a sidecar.
          problems.unsupported([...dPath, 'DestinationSettings', 'DestinationType'], 'the default (embedded) captions format: set WEBVTT');
        }
        const name = d.CaptionSelectorName;
        if (name === undefined) return problems.add([...dPath, 'CaptionSelectorName'], 'required: the input caption selector this track is made from');
        inputs.forEach((input, n) => {
          if (!input.CaptionSelectors?.[name]) problems.add([...dPath, 'CaptionSelectorName'], `input ${n + 1} has no caption selector named ${JSON.stringify(name)}`);
        });
      });
    });
  });
}

export function validateCaptions(request: CreateJobCommandInput, problems: Problems): void {
  checkSelectors(request, problems);
  checkOutputs(request, problems);
}
