/**
 * Output groups and their outputs: the CMAF package and the file group's frame captures (the
 * two group types the stand-in writes), with the rules the API reference and user guide give.
 */
import type { CmafGroupSettings, H264Settings, Output, OutputGroup } from '@aws-sdk/client-mediaconvert';
import type { Path, Problems } from './problems.ts';
import { parseS3Url, unsafeKeyReason } from './s3-paths.ts';
import { isAbrGroup } from './validate-abr.ts';

// Rules quoted without a URL are setting descriptions on the API reference page for jobs:
// https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html

/** The documented set of AAC bitrates ("The set of valid values for this setting is: ..." on the API reference page). */
const AAC_BITRATES = [6000, 8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000, 32000, 40000, 48000, 56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000, 288000, 320000, 384000, 448000, 512000, 576000, 640000, 768000, 896000, 1024000];

export type OutputKind = 'video' | 'audio' | 'captions' | 'frame-capture' | 'other';

export function outputKind(o: Output): OutputKind {
  const codec = o.VideoDescription?.CodecSettings?.Codec;
  if (codec === 'FRAME_CAPTURE') return 'frame-capture';
  if (o.VideoDescription && !o.AudioDescriptions?.length) return 'video';
  if (!o.VideoDescription && o.AudioDescriptions?.length === 1) return 'audio';
  if (!o.VideoDescription && !o.AudioDescriptions?.length && (o.CaptionDescriptions?.length ?? 0) > 0) return 'captions';
  return 'other';
}

function checkDestination(destination: string | undefined, path: Path, problems: Problems): void {
  // The stand-in needs a place to write; AWS documents no job without a destination, so none is accepted.
  if (destination === undefined) return problems.add(path, 'required: the s3:// location and base file name of the outputs');
  const d = parseS3Url(destination);
  if (!d) return problems.add(path, 'must be an s3://bucket/key URL');
  if (destination.includes('$')) return problems.unsupported(path, 'format identifiers ($...$) in destinations');
  const why = unsafeKeyReason(d.key);
  if (why) problems.unsupported(path, `a destination key that cannot be mapped to a folder (${why})`);
}

function checkH264(h: H264Settings | undefined, abr: boolean, segmented: boolean, path: Path, problems: Problems): void {
  if (!h) return problems.add(path, 'required when Codec is H_264');
  // "Maximum bitrate ... Required when Rate control mode is QVBR", except with automated ABR:
  // "the usual required settings for QVBR ... aren't required" (creating-an-automated-abr-stack.html).
  if (!abr && h.RateControlMode === 'QVBR' && h.MaxBitrate === undefined) problems.add([...path, 'MaxBitrate'], 'required when RateControlMode is QVBR');
  // Bitrate: "Required for VBR and CBR."
  if ((h.RateControlMode === 'VBR' || h.RateControlMode === 'CBR') && h.Bitrate === undefined) problems.add([...path, 'Bitrate'], `required when RateControlMode is ${h.RateControlMode}`);
  // GopClosedCadence: "for segmented outputs, don't set this value to 0."
  if (segmented && h.GopClosedCadence === 0) problems.add([...path, 'GopClosedCadence'], 'must not be 0 in a segmented (CMAF) output');
  // AWS documents no default for a SPECIFIED rate or aspect without its numbers; refused.
  if (h.FramerateControl === 'SPECIFIED' && (h.FramerateNumerator === undefined || h.FramerateDenominator === undefined)) {
    problems.add([...path, 'FramerateControl'], 'SPECIFIED needs FramerateNumerator and FramerateDenominator');
  }
  if (h.ParControl === 'SPECIFIED' && (h.ParNumerator === undefined || h.ParDenominator === undefined)) {
    problems.add([...path, 'ParControl'], 'SPECIFIED needs ParNumerator and ParDenominator');
  }
  if ((h.GopSizeUnits === 'FRAMES' || h.GopSizeUnits === 'SECONDS') && !(h.GopSize !== undefined && h.GopSize > 0)) {
    problems.add([...path, 'GopSize'], `a GOP size above 0 is needed with GopSizeUnits ${h.GopSizeUnits}`);
  }
}

function checkAudio(o: Output, path: Path, problems: Problems): void {
  o.AudioDescriptions?.forEach((a, k) => {
    const p: Path = [...path, 'AudioDescriptions', k, 'CodecSettings'];
    if (a.CodecSettings?.Codec !== 'AAC') return problems.add([...p, 'Codec'], 'required (the stand-in encodes AAC)');
    const aac = a.CodecSettings.AacSettings;
    if (!aac) return problems.add([...p, 'AacSettings'], 'required when Codec is AAC');
    if (aac.Bitrate !== undefined && !AAC_BITRATES.includes(aac.Bitrate)) problems.add([...p, 'AacSettings', 'Bitrate'], `must be one of ${AAC_BITRATES.join(', ')}`);
  });
}

function checkTrickPlay(cmaf: CmafGroupSettings, path: Path, problems: Problems): void {
  if (cmaf.ImageBasedTrickPlay !== 'ADVANCED') {
    if (cmaf.ImageBasedTrickPlaySettings) problems.add([...path, 'ImageBasedTrickPlaySettings'], 'applies only when ImageBasedTrickPlay is ADVANCED');
    return;
  }
  const s = cmaf.ImageBasedTrickPlaySettings ?? {};
  const p: Path = [...path, 'ImageBasedTrickPlaySettings'];
  // ThumbnailWidth "Must be divisible by 8"; ThumbnailHeight "Must be divisible by 2"; TileHeight
  // "Must be divisible by 2"; "total tile height greater than 4096 ... the job will be rejected";
  // "FOLLOW_SEGMENTATION requires 1x1 tiling" (CmafImageBasedTrickPlaySettings on the API reference).
  if (s.ThumbnailWidth !== undefined && s.ThumbnailWidth % 8 !== 0) problems.add([...p, 'ThumbnailWidth'], 'must be divisible by 8');
  if (s.ThumbnailHeight !== undefined && s.ThumbnailHeight % 2 !== 0) problems.add([...p, 'ThumbnailHeight'], 'must be divisible by 2');
  if (s.TileHeight !== undefined && s.TileHeight > 1 && s.TileHeight % 2 !== 0) problems.add([...p, 'TileHeight'], 'must be divisible by 2');
  if (s.ThumbnailHeight !== undefined && (s.TileHeight ?? 1) * s.ThumbnailHeight > 4096) problems.add([...p, 'TileHeight'], 'a tile image may be at most 4096 pixels high');
  if (s.IntervalCadence === 'FOLLOW_SEGMENTATION' && ((s.TileWidth ?? 1) !== 1 || (s.TileHeight ?? 1) !== 1)) problems.add([...p, 'IntervalCadence'], 'FOLLOW_SEGMENTATION requires 1x1 tiling');
  // AWS documents no default interval for FOLLOW_CUSTOM; refused without one.
  if (s.IntervalCadence === 'FOLLOW_CUSTOM' && !(s.ThumbnailInterval !== undefined && s.ThumbnailInterval > 0)) problems.add([...p, 'ThumbnailInterval'], 'an interval above 0 is needed with FOLLOW_CUSTOM');
  if (s.ThumbnailWidth === undefined) problems.unsupported([...p, 'ThumbnailWidth'], 'the default thumbnail width (set it)');
  if (cmaf.WriteDashManifest !== 'DISABLED') problems.unsupported([...path, 'ImageBasedTrickPlay'], 'trick-play images in the DASH manifest');
}

function checkCmafGroup(group: OutputGroup, i: number, problems: Problems): void {
  const path: Path = ['Settings', 'OutputGroups', i, 'OutputGroupSettings', 'CmafGroupSettings'];
  const cmaf = group.OutputGroupSettings?.CmafGroupSettings;
  if (!cmaf) return problems.add(path, 'required when Type is CMAF_GROUP_SETTINGS');
  checkDestination(cmaf.Destination, [...path, 'Destination'], problems);
  const segment = cmaf.SegmentLength ?? 10; // "When you don't specify a value, MediaConvert defaults to 10."
  const fragment = cmaf.FragmentLength ?? 2; // "When you don't specify a value, MediaConvert defaults to 2."
  // AWS documents no relation between the two; a fragment longer than its segment cannot be cut, so it is refused.
  if (fragment > segment) problems.add([...path, 'FragmentLength'], `must not exceed SegmentLength (${segment})`);
  // MinFinalSegmentLength: "greater than or equal to 1 and less than your segment length".
  const minFinal = cmaf.MinFinalSegmentLength ?? 0;
  if (minFinal !== 0 && (minFinal < 1 || minFinal >= segment)) problems.add([...path, 'MinFinalSegmentLength'], `must be 0, or at least 1 and less than SegmentLength (${segment})`);
  checkTrickPlay(cmaf, path, problems);

  const outputs = group.Outputs ?? [];
  const oPath = (j: number): Path => ['Settings', 'OutputGroups', i, 'Outputs', j];
  if (outputs.length === 0) problems.add(['Settings', 'OutputGroups', i, 'Outputs'], 'at least one output is required');
  const audioGroups = new Set<string>();
  let defaults = 0;
  const audioOutputs = outputs.filter((o) => outputKind(o) === 'audio');
  outputs.forEach((o, j) => {
    const kind = outputKind(o);
    // "each output is one element of the media. For example, you might have one resolution of
    // video, one audio language track, and one captions language."
    // https://docs.aws.amazon.com/mediaconvert/latest/ug/outputs-file-ABR.html
    // Captions: validate-captions.ts.
    if (kind !== 'video' && kind !== 'audio' && kind !== 'captions') problems.add(oPath(j), 'each output of a CMAF group holds exactly one video or one audio stream, or captions');
    // AWS documents the CMFC container for CMAF outputs and no other; others are refused.
    if (o.ContainerSettings?.Container !== undefined && o.ContainerSettings.Container !== 'CMFC') problems.add([...oPath(j), 'ContainerSettings', 'Container'], 'must be CMFC in a CMAF output group');
    if (kind === 'video') {
      const codec = o.VideoDescription?.CodecSettings?.Codec;
      if (codec !== 'H_264') problems.add([...oPath(j), 'VideoDescription', 'CodecSettings', 'Codec'], 'required: H_264 (the stand-in encodes H.264 in CMAF groups)');
      else checkH264(o.VideoDescription?.CodecSettings?.H264Settings, isAbrGroup(group), true, [...oPath(j), 'VideoDescription', 'CodecSettings', 'H264Settings'], problems);
    }
    if (kind === 'audio') {
      checkAudio(o, oPath(j), problems);
      const cmfc = o.ContainerSettings?.CmfcSettings;
      if (cmfc?.AudioGroupId) audioGroups.add(cmfc.AudioGroupId);
      // AudioTrackType: "When there is more than one variant in your output group, you must
      // explicitly choose a value"; DEFAULT: "Choose this value for only one variant".
      if (audioOutputs.length > 1 && cmfc?.AudioTrackType === undefined) problems.add([...oPath(j), 'ContainerSettings', 'CmfcSettings', 'AudioTrackType'], 'required when the group has more than one audio output');
      if ((cmfc?.AudioTrackType ?? 'ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT') === 'ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT') defaults++;
    }
  });
  if (outputs.length > 0 && !outputs.some((o) => outputKind(o) === 'video')) problems.unsupported(['Settings', 'OutputGroups', i, 'Outputs'], 'CMAF groups without a video output');
  if (defaults > 1) problems.add(['Settings', 'OutputGroups', i, 'Outputs'], 'ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT may be chosen for only one audio output');
  if (new Set(audioOutputs.map((o) => o.ContainerSettings?.CmfcSettings?.AudioGroupId ?? '')).size > 1) {
    problems.unsupported(['Settings', 'OutputGroups', i, 'Outputs'], 'more than one audio rendition group');
  }
  outputs.forEach((o, j) => {
    const sets = o.ContainerSettings?.CmfcSettings?.AudioRenditionSets;
    // "include the same value that you provide here [Audio group ID] for that video output's setting Audio rendition sets"
    for (const id of sets?.split(',').map((s) => s.trim()).filter(Boolean) ?? []) {
      if (!audioGroups.has(id)) problems.add([...oPath(j), 'ContainerSettings', 'CmfcSettings', 'AudioRenditionSets'], `names audio group ${id}, which no audio output of the group has`);
    }
  });
}

function checkFileGroup(group: OutputGroup, i: number, problems: Problems): void {
  const path: Path = ['Settings', 'OutputGroups', i, 'OutputGroupSettings', 'FileGroupSettings'];
  const file = group.OutputGroupSettings?.FileGroupSettings;
  if (!file) return problems.add(path, 'required when Type is FILE_GROUP_SETTINGS');
  checkDestination(file.Destination, [...path, 'Destination'], problems);
  (group.Outputs ?? []).forEach((o, j) => {
    const p: Path = ['Settings', 'OutputGroups', i, 'Outputs', j];
    if (outputKind(o) !== 'frame-capture') return problems.unsupported(p, 'file outputs other than frame capture (the stand-in writes CMAF packages and JPEG frame captures)');
    // "you remove the audio component, choose No container for the container, and then choose
    // Frame capture to JPEG for the video codec"
    // https://docs.aws.amazon.com/mediaconvert/latest/ug/file-group-with-frame-capture-output.html
    if (o.AudioDescriptions?.length) problems.add([...p, 'AudioDescriptions'], 'a frame capture output has no audio');
    if ((o.ContainerSettings?.Container ?? 'RAW') !== 'RAW') problems.add([...p, 'ContainerSettings', 'Container'], 'a frame capture output uses RAW (no container)');
    // FrameCaptureSettings: "Required when you set Codec to the value FRAME_CAPTURE."
    if (!o.VideoDescription?.CodecSettings?.FrameCaptureSettings) problems.add([...p, 'VideoDescription', 'CodecSettings', 'FrameCaptureSettings'], 'required when Codec is FRAME_CAPTURE');
  });
}

/** Every output group, plus the rules that span the outputs of one group or of the job. */
export function validateOutputGroups(groups: readonly OutputGroup[], problems: Problems): void {
  groups.forEach((group, i) => {
    const type = group.OutputGroupSettings?.Type;
    if (type === undefined) return problems.add(['Settings', 'OutputGroups', i, 'OutputGroupSettings', 'Type'], 'required');
    if (type === 'CMAF_GROUP_SETTINGS') checkCmafGroup(group, i, problems);
    if (type === 'FILE_GROUP_SETTINGS') checkFileGroup(group, i, problems);
    const outputs = group.Outputs ?? [];
    // NameModifier: "When you create multiple outputs in the same output group, Name modifier is required."
    if (outputs.length > 1) {
      outputs.forEach((o, j) => {
        if (o.NameModifier === undefined) problems.add(['Settings', 'OutputGroups', i, 'Outputs', j, 'NameModifier'], 'required when an output group has more than one output');
      });
      // AWS documents no outcome for two outputs with the same modifier (their files would collide); refused.
      const mods = outputs.map((o) => o.NameModifier).filter((m): m is string => m !== undefined);
      if (new Set(mods).size !== mods.length) problems.add(['Settings', 'OutputGroups', i, 'Outputs'], 'name modifiers must differ within an output group');
    }
  });
  // "You can create frame capture outputs only in jobs that also have a regular audio and video output."
  // https://docs.aws.amazon.com/mediaconvert/latest/ug/file-group-with-frame-capture-output.html
  const all = groups.flatMap((g) => g.Outputs ?? []);
  if (all.some((o) => outputKind(o) === 'frame-capture')) {
    const hasVideo = all.some((o) => outputKind(o) === 'video');
    const hasAudio = all.some((o) => (o.AudioDescriptions?.length ?? 0) > 0);
    if (!hasVideo || !hasAudio) problems.add(['Settings', 'OutputGroups'], 'frame capture outputs need a regular audio and video output in the same job');
  }
}
