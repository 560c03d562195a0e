/**
 * Pure: validated job settings + what ffprobe saw -> what to encode: per CMAF group its video
 * renditions, audio renditions and trick-play images, per frame-capture output its cadence and
 * size, with the defaults the API reference states where a setting is left out
 * (ffmpeg-command.ts turns the plan into one ffmpeg process).
 */
import type { AutomatedAbrSettings, CaptionSelector, CmafGroupSettings, CreateJobCommandInput, H264Settings, Output, VideoDescription } from '@aws-sdk/client-mediaconvert';
import { chooseRenditions } from './abr-ladder.ts';
import { captionPlans, type CaptionOutputPlan } from './caption-plan.ts';
import type { PlaylistFormat } from './hls-playlists.ts';
import { destinationBase, outputStem, type DestinationBase } from './output-names.ts';
import { outputKind } from './validate-groups.ts';

export interface SourceInfo {
  readonly width: number;
  readonly height: number;
  readonly fps: { readonly num: number; readonly den: number };
  readonly durationSeconds: number;
  readonly videoIndex: number;
  readonly audioIndex: number | null;
}

export type Scaling = 'DEFAULT' | 'STRETCH_TO_OUTPUT' | 'FIT' | 'FIT_NO_UPSCALE' | 'FILL';

export interface VideoTrack {
  readonly id: string;
  readonly outputIndex: number;
  /** 1-based rendition of an automated ABR output. */
  readonly rendition?: number;
  readonly stem: string;
  readonly width: number;
  readonly height: number;
  readonly scaling: Scaling;
  readonly profile: 'baseline' | 'main' | 'high';
  readonly level?: string;
  /** CRF (QVBR's quality target) or an average bitrate, both under a VBV cap. */
  readonly crf?: number;
  readonly bitrate?: number;
  readonly maxBitrate: number;
  readonly bFrames?: number;
  /**
   * The audio rendition group played with it: the first group its AudioRenditionSets names, or
   * (AWS documents no default) the group of the output group's audio outputs.
   */
  readonly audioGroup?: string;
}

export interface AudioTrack {
  readonly id: string;
  readonly outputIndex: number;
  readonly stem: string;
  readonly bitrate: number;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly groupId: string;
  readonly trackType: string;
  readonly name: string;
  readonly language?: string;
}

export interface TrickPlay {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  readonly rows: number;
  readonly intervalSeconds: number;
}

export interface CmafPlan {
  readonly kind: 'cmaf';
  readonly groupIndex: number;
  readonly destination: DestinationBase;
  readonly segmentSeconds: number;
  readonly fragmentSeconds: number;
  readonly exactSegments: boolean;
  readonly minFinalSeconds: number;
  readonly hls: boolean;
  readonly dash: boolean;
  readonly format: PlaylistFormat;
  readonly codecSpecification: 'RFC_6381' | 'RFC_4281';
  readonly includeResolution: boolean;
  readonly minBufferSeconds: number;
  readonly gopSeconds: number;
  readonly videos: readonly VideoTrack[];
  readonly audios: readonly AudioTrack[];
  /** WebVTT caption outputs, cut on the first video track's segments. */
  readonly captions: readonly CaptionOutputPlan[];
  readonly trickPlay?: TrickPlay;
}

export interface FrameCapturePlan {
  readonly kind: 'frames';
  readonly id: string;
  readonly groupIndex: number;
  readonly outputIndex: number;
  readonly destination: DestinationBase;
  readonly nameModifier?: string;
  readonly width: number;
  readonly height: number;
  readonly everySeconds: number;
  readonly maxCaptures: number;
  /** ffmpeg's mjpeg -q:v, 2 (best) to 31. */
  readonly qscale: number;
}

export interface EncodePlan {
  readonly fps: { readonly num: number; readonly den: number };
  readonly durationSeconds: number;
  readonly groups: readonly (CmafPlan | FrameCapturePlan)[];
}

export const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
const fpsValue = (f: { num: number; den: number }) => f.num / f.den;

/** Output size from Width/Height: both, one (the other "evenly scale[d] from your input"), or the input's. */
function outputSize(vd: VideoDescription | undefined, source: SourceInfo): { width: number; height: number } {
  const w = vd?.Width;
  const h = vd?.Height;
  if (w !== undefined && h !== undefined) return { width: w, height: h };
  if (w !== undefined) return { width: w, height: even((w * source.height) / source.width) };
  if (h !== undefined) return { width: even((h * source.width) / source.height), height: h };
  return { width: even(source.width), height: even(source.height) };
}

function frameRate(h: H264Settings | undefined, source: SourceInfo): { num: number; den: number } {
  return h?.FramerateControl === 'SPECIFIED' ? { num: h.FramerateNumerator!, den: h.FramerateDenominator! } : source.fps;
}

/** GOP in seconds: as specified, or (AUTO / unset) one fragment, which MediaConvert's own choice is not documented to be. */
function gopSeconds(h: H264Settings | undefined, fps: number, fragmentSeconds: number): number {
  if (h?.GopSizeUnits === 'SECONDS' && h.GopSize) return h.GopSize;
  if (h?.GopSizeUnits === 'FRAMES' && h.GopSize) return h.GopSize / fps;
  return fragmentSeconds;
}

/** QVBR quality level 1-10 -> x264 CRF (7, the stand-in's default level, is CRF 23). */
const crfFor = (quality: number) => Math.round(37 - 2 * quality);

const PROFILE = { BASELINE: 'baseline', MAIN: 'main', HIGH: 'high' } as const;

function videoTracks(o: Output, j: number, groupIndex: number, abr: AutomatedAbrSettings | undefined, d: DestinationBase, source: SourceInfo, fps: number): VideoTrack[] {
  const vd = o.VideoDescription!;
  const h = vd.CodecSettings?.H264Settings;
  const base = {
    scaling: (vd.ScalingBehavior ?? 'DEFAULT') as Scaling,
    profile: PROFILE[(h?.CodecProfile ?? 'MAIN') as keyof typeof PROFILE],
    ...(h?.CodecLevel && h.CodecLevel !== 'AUTO' ? { level: h.CodecLevel.replace('LEVEL_', '').replace('_', '.') } : {}),
    ...(h?.NumberBFramesBetweenReferenceFrames !== undefined ? { bFrames: h.NumberBFramesBetweenReferenceFrames } : {}),
  };
  if (abr) {
    const renditions = chooseRenditions({ abr, source: { width: source.width, height: source.height, fps }, maxWidth: vd.Width, maxHeight: vd.Height });
    const crf = crfFor(abr.MaxQualityLevel ?? 7);
    return renditions.map((r, k) => ({
      ...base,
      id: `g${groupIndex}o${j}r${k + 1}`,
      outputIndex: j,
      rendition: k + 1,
      stem: outputStem(d, o.NameModifier, k + 1),
      width: r.width,
      height: r.height,
      crf,
      maxBitrate: r.bitrate,
    }));
  }
  const size = outputSize(vd, source);
  const mode = h?.RateControlMode ?? 'QVBR';
  const rate =
    mode === 'QVBR'
      ? { crf: crfFor(h?.QvbrSettings?.QvbrQualityLevel ?? 7), maxBitrate: h!.MaxBitrate! }
      : { bitrate: h!.Bitrate!, maxBitrate: mode === 'CBR' ? h!.Bitrate! : (h?.MaxBitrate ?? h!.Bitrate!) };
  return [{ ...base, ...rate, id: `g${groupIndex}o${j}`, outputIndex: j, stem: outputStem(d, o.NameModifier), width: size.width, height: size.height }];
}

const TRACK_TYPE_DEFAULT = 'ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT';

function audioTrack(o: Output, j: number, groupIndex: number, d: DestinationBase, n: number): AudioTrack {
  const a = o.AudioDescriptions![0]!;
  const aac = a.CodecSettings?.AacSettings;
  const channels = aac?.CodingMode === 'CODING_MODE_1_0' ? 1 : 2;
  const language = a.CustomLanguageCode ?? a.LanguageCode;
  return {
    id: `g${groupIndex}o${j}`,
    outputIndex: j,
    stem: outputStem(d, o.NameModifier),
    // AWS documents no AAC defaults here; the stand-in uses 96 kbit/s stereo, 64 kbit/s mono, 48 kHz.
    bitrate: aac?.Bitrate ?? (channels === 1 ? 64_000 : 96_000),
    sampleRate: aac?.SampleRate ?? 48_000,
    channels,
    // AWS documents no default rendition group id; the stand-in uses `program_audio`.
    groupId: o.ContainerSettings?.CmfcSettings?.AudioGroupId ?? 'program_audio',
    trackType: o.ContainerSettings?.CmfcSettings?.AudioTrackType ?? TRACK_TYPE_DEFAULT,
    name: a.StreamName ?? (language ? language.toLowerCase() : `Audio ${n}`),
    ...(language ? { language: language.toLowerCase() } : {}),
  };
}

function cmafPlan(
  groupIndex: number,
  cmaf: CmafGroupSettings,
  outputs: readonly Output[],
  abr: AutomatedAbrSettings | undefined,
  firstInput: string,
  selectors: Readonly<Record<string, CaptionSelector>>,
  source: SourceInfo,
): CmafPlan {
  const d = destinationBase(cmaf.Destination!, firstInput);
  const segmentSeconds = cmaf.SegmentLength ?? 10;
  const fragmentSeconds = cmaf.FragmentLength ?? 2;
  const videoOutputs = outputs.map((o, j) => ({ o, j })).filter(({ o }) => outputKind(o) === 'video');
  const firstH264 = videoOutputs[0]?.o.VideoDescription?.CodecSettings?.H264Settings;
  const fps = fpsValue(frameRate(firstH264, source));
  let n = 0;
  const audios = outputs.flatMap((o, j) => (outputKind(o) === 'audio' ? [audioTrack(o, j, groupIndex, d, ++n)] : []));
  const videos = videoOutputs.flatMap(({ o, j }) => {
    const named = o.ContainerSettings?.CmfcSettings?.AudioRenditionSets?.split(',')[0]?.trim();
    const audioGroup = named || audios[0]?.groupId;
    return videoTracks(o, j, groupIndex, abr, d, source, fps).map((v) => (audioGroup ? { ...v, audioGroup } : v));
  });
  const t = cmaf.ImageBasedTrickPlay === 'ADVANCED' ? cmaf.ImageBasedTrickPlaySettings ?? {} : undefined;
  const gop = gopSeconds(firstH264, fps, fragmentSeconds);
  const trickPlay: TrickPlay | undefined = t && {
    id: `g${groupIndex}thumb`,
    width: t.ThumbnailWidth!,
    // "Leave blank to maintain aspect ratio with thumbnail width."
    height: t.ThumbnailHeight ?? even((t.ThumbnailWidth! * source.height) / source.width),
    columns: t.TileWidth ?? 1,
    rows: t.TileHeight ?? 1,
    intervalSeconds: t.IntervalCadence === 'FOLLOW_IFRAME' ? gop : t.IntervalCadence === 'FOLLOW_SEGMENTATION' ? segmentSeconds : t.ThumbnailInterval!,
  };
  return {
    kind: 'cmaf',
    groupIndex,
    destination: d,
    segmentSeconds,
    fragmentSeconds,
    exactSegments: cmaf.SegmentLengthControl === 'EXACT',
    minFinalSeconds: cmaf.MinFinalSegmentLength ?? 0,
    // "By default, the service creates one top-level .m3u8 HLS manifest and one top-level .mpd DASH manifest for each CMAF output group"
    // (CmafGroupSettings.AdditionalManifests, https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html).
    hls: cmaf.WriteHlsManifest !== 'DISABLED',
    dash: cmaf.WriteDashManifest !== 'DISABLED',
    format: {
      floatingPoint: cmaf.ManifestDurationFormat === 'FLOATING_POINT',
      targetDuration: cmaf.TargetDurationCompatibilityMode ?? 'LEGACY',
      allowCache: cmaf.ClientCache !== 'DISABLED',
    },
    codecSpecification: cmaf.CodecSpecification ?? 'RFC_4281',
    includeResolution: cmaf.StreamInfResolution !== 'EXCLUDE',
    minBufferSeconds: (cmaf.MinBufferTime ?? 2000) / 1000,
    gopSeconds: gop,
    videos,
    audios,
    captions: captionPlans(outputs, d, selectors),
    ...(trickPlay ? { trickPlay } : {}),
  };
}

/** Pure: the plan of a validated job for a probed source. Throws AbrLadderError when no rendition fits. */
export function planEncode(request: CreateJobCommandInput, source: SourceInfo): EncodePlan {
  const firstInput = request.Settings!.Inputs![0]!.FileInput!;
  const selectors = request.Settings!.Inputs![0]!.CaptionSelectors ?? {};
  const groups = (request.Settings!.OutputGroups ?? []).flatMap((g, i): (CmafPlan | FrameCapturePlan)[] => {
    const type = g.OutputGroupSettings!.Type;
    if (type === 'CMAF_GROUP_SETTINGS') return [cmafPlan(i, g.OutputGroupSettings!.CmafGroupSettings!, g.Outputs ?? [], g.AutomatedEncodingSettings?.AbrSettings, firstInput, selectors, source)];
    const d = destinationBase(g.OutputGroupSettings!.FileGroupSettings!.Destination!, firstInput);
    return (g.Outputs ?? []).map((o, j) => {
      const fc = o.VideoDescription!.CodecSettings!.FrameCaptureSettings!;
      const size = outputSize(o.VideoDescription, source);
      return {
        kind: 'frames',
        id: `g${i}o${j}`,
        groupIndex: i,
        outputIndex: j,
        destination: d,
        ...(o.NameModifier !== undefined ? { nameModifier: o.NameModifier } : {}),
        ...size,
        everySeconds: (fc.FramerateDenominator ?? 1) / (fc.FramerateNumerator ?? 1),
        // AWS documents no default for MaxCaptures; without one the stand-in captures through the whole input.
        maxCaptures: fc.MaxCaptures ?? 10_000_000,
        qscale: Math.round(31 - ((fc.Quality ?? 80) / 100) * 29),
      };
    });
  });
  return { fps: source.fps, durationSeconds: source.durationSeconds, groups };
}
