/**
 * The part of the CreateJob request the stand-in understands, with the types, enums and ranges
 * of the MediaConvert API reference (https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html,
 * the same service model the SDK is generated from). A value outside the documented enum or
 * range is MediaConvert's 400; a field the table does not list, or an enum value outside `only`,
 * is something the stand-in does not implement, and is refused too rather than ignored: an
 * output that silently differed from AWS's would be worse than a clear refusal.
 */
import type { Path, Problems } from './problems.ts';

export type Field =
  | { readonly t: 'enum'; readonly values: readonly string[]; readonly only?: readonly string[] }
  | { readonly t: 'int'; readonly min: number; readonly max: number }
  | { readonly t: 'num'; readonly min: number; readonly max: number }
  | { readonly t: 'str'; readonly min?: number; readonly max?: number; readonly pattern?: RegExp }
  | { readonly t: 'struct'; readonly fields: Readonly<Record<string, Field>> }
  | { readonly t: 'list'; readonly of: Field }
  | { readonly t: 'map'; readonly of: Field };

const e = (values: readonly string[], only?: readonly string[]): Field => ({ t: 'enum', values, ...(only ? { only } : {}) });
const int = (min: number, max: number): Field => ({ t: 'int', min, max });
const num = (min: number, max: number): Field => ({ t: 'num', min, max });
const str = (o: { min?: number; max?: number; pattern?: RegExp } = {}): Field => ({ t: 'str', ...o });
const struct = (fields: Record<string, Field>): Field => ({ t: 'struct', fields });
const list = (of: Field): Field => ({ t: 'list', of });
const map = (of: Field): Field => ({ t: 'map', of });

const ED = ['ENABLED', 'DISABLED'];
const DE = ['DISABLED', 'ENABLED'];
const POS = int(1, 2147483647);
const SIZE = int(32, 8192);
// The API's LanguageCode enum has ~190 ISO 639-2 codes; three letters is what the stand-in checks.
const LANGUAGE = str({ pattern: /^[A-Z]{3}$/ });

const renditionSize = struct({ Width: SIZE, Height: SIZE });
// CaptionDescription.CustomLanguageCode: ISO 639-2/639-3, "For streaming outputs ... any other
// code in the full RFC-5646 specification"; the stand-in checks the shape of a tag.
const CUSTOM_LANGUAGE = str({ pattern: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/ });

// Sidecar captions (caption-plan.ts): the enums in full, `only` what the stand-in renders.
const captionSelector = struct({
  CustomLanguageCode: str({ pattern: /^[A-Za-z]{3}$/ }),
  LanguageCode: LANGUAGE,
  SourceSettings: struct({
    SourceType: e(['ANCILLARY', 'DVB_SUB', 'EMBEDDED', 'SCTE20', 'SCC', 'TTML', 'STL', 'SRT', 'SMI', 'SMPTE_TT', 'TELETEXT', 'NULL_SOURCE', 'IMSC', 'WEBVTT', 'TT_3GPP'], ['SRT', 'WEBVTT']),
    // SourceFile: at least 14 characters, an s3:// or http(s) URL of a file with one of the
    // "Accepted file extensions" (scc, ttml, dfxp, stl, srt, xml, smi, webvtt, vtt).
    FileSourceSettings: struct({ SourceFile: str({ min: 14, pattern: /^(s3|https?):\/\/.*\.(scc|ttml|dfxp|stl|srt|xml|smi|webvtt|vtt)(\?.*)?$/i }) }),
  }),
});

const captionDescription = struct({
  CaptionSelectorName: str({ min: 1 }),
  CustomLanguageCode: CUSTOM_LANGUAGE,
  LanguageCode: LANGUAGE,
  LanguageDescription: str(),
  DestinationSettings: struct({
    DestinationType: e(['BURN_IN', 'DVB_SUB', 'EMBEDDED', 'EMBEDDED_PLUS_SCTE20', 'IMSC', 'SCTE20_PLUS_EMBEDDED', 'SCC', 'SRT', 'SMI', 'TELETEXT', 'TTML', 'WEBVTT'], ['WEBVTT']),
    WebvttDestinationSettings: struct({
      Accessibility: e(DE),
      StylePassthrough: e(['ENABLED', 'DISABLED', 'STRICT', 'MERGE'], ['ENABLED', 'DISABLED']),
    }),
  }),
});

const h264 = struct({
  AdaptiveQuantization: e(['OFF', 'AUTO', 'LOW', 'MEDIUM', 'HIGH', 'HIGHER', 'MAX']),
  Bitrate: int(1000, 1152000000),
  CodecLevel: e(['AUTO', 'LEVEL_1', 'LEVEL_1_1', 'LEVEL_1_2', 'LEVEL_1_3', 'LEVEL_2', 'LEVEL_2_1', 'LEVEL_2_2', 'LEVEL_3', 'LEVEL_3_1', 'LEVEL_3_2', 'LEVEL_4', 'LEVEL_4_1', 'LEVEL_4_2', 'LEVEL_5', 'LEVEL_5_1', 'LEVEL_5_2']),
  CodecProfile: e(['BASELINE', 'HIGH', 'HIGH_10BIT', 'HIGH_422', 'HIGH_422_10BIT', 'MAIN'], ['BASELINE', 'MAIN', 'HIGH']),
  DynamicSubGop: e(['ADAPTIVE', 'STATIC']),
  EntropyEncoding: e(['CABAC', 'CAVLC']),
  FlickerAdaptiveQuantization: e(DE),
  FramerateControl: e(['INITIALIZE_FROM_SOURCE', 'SPECIFIED']),
  FramerateConversionAlgorithm: e(['DUPLICATE_DROP', 'INTERPOLATE', 'FRAMEFORMER', 'MAINTAIN_FRAME_COUNT'], ['DUPLICATE_DROP']),
  FramerateDenominator: POS,
  FramerateNumerator: POS,
  GopBReference: e(DE),
  GopClosedCadence: int(0, 2147483647),
  GopSize: num(0, Number.MAX_VALUE),
  GopSizeUnits: e(['FRAMES', 'SECONDS', 'AUTO']),
  HrdBufferFinalFillPercentage: int(0, 100),
  HrdBufferInitialFillPercentage: int(0, 100),
  HrdBufferSize: int(0, 1152000000),
  InterlaceMode: e(['PROGRESSIVE', 'TOP_FIELD', 'BOTTOM_FIELD', 'FOLLOW_TOP_FIELD', 'FOLLOW_BOTTOM_FIELD'], ['PROGRESSIVE']),
  MaxBitrate: int(1000, 1152000000),
  MinIInterval: int(0, 30),
  NumberBFramesBetweenReferenceFrames: int(0, 7),
  NumberReferenceFrames: int(1, 6),
  ParControl: e(['INITIALIZE_FROM_SOURCE', 'SPECIFIED']),
  ParDenominator: POS,
  ParNumerator: POS,
  QualityTuningLevel: e(['SINGLE_PASS', 'SINGLE_PASS_HQ', 'MULTI_PASS_HQ']),
  QvbrSettings: struct({ MaxAverageBitrate: int(1000, 1152000000), QvbrQualityLevel: int(1, 10), QvbrQualityLevelFineTune: num(0, 1) }),
  RateControlMode: e(['VBR', 'CBR', 'QVBR']),
  RepeatPps: e(DE),
  SceneChangeDetect: e(['DISABLED', 'ENABLED', 'TRANSITION_DETECTION']),
  Slices: int(1, 32),
  SpatialAdaptiveQuantization: e(DE),
  Syntax: e(['DEFAULT', 'RP2027'], ['DEFAULT']),
  Telecine: e(['NONE', 'SOFT', 'HARD'], ['NONE']),
  TemporalAdaptiveQuantization: e(DE),
  UnregisteredSeiTimecode: e(DE),
  WriteMp4PackagingType: e(['AVC1', 'AVC3'], ['AVC1']),
  EndOfStreamMarkers: e(['INCLUDE', 'SUPPRESS']),
});

const videoDescription = struct({
  AfdSignaling: e(['NONE', 'AUTO', 'FIXED']),
  AntiAlias: e(DE),
  CodecSettings: struct({
    Codec: e(['AV1', 'AVC_INTRA', 'FRAME_CAPTURE', 'GIF', 'H_264', 'H_265', 'MPEG2', 'PASSTHROUGH', 'PRORES', 'UNCOMPRESSED', 'VC3', 'VP8', 'VP9', 'XAVC'], ['H_264', 'FRAME_CAPTURE']),
    H264Settings: h264,
    FrameCaptureSettings: struct({ FramerateDenominator: POS, FramerateNumerator: POS, MaxCaptures: int(1, 10000000), Quality: int(1, 100) }),
  }),
  ColorMetadata: e(['IGNORE', 'INSERT']),
  DropFrameTimecode: e(DE),
  Height: SIZE,
  RespondToAfd: e(['NONE', 'RESPOND', 'PASSTHROUGH'], ['NONE']),
  ScalingBehavior: e(['DEFAULT', 'STRETCH_TO_OUTPUT', 'FIT', 'FIT_NO_UPSCALE', 'FILL', 'SMART_CROP'], ['DEFAULT', 'STRETCH_TO_OUTPUT', 'FIT', 'FIT_NO_UPSCALE', 'FILL']),
  Sharpness: int(0, 100),
  TimecodeInsertion: e(['DISABLED', 'PIC_TIMING_SEI']),
  Width: SIZE,
});

const audioDescription = struct({
  AudioSourceName: str({ max: 2048 }),
  AudioType: int(0, 255),
  AudioTypeControl: e(['FOLLOW_INPUT', 'USE_CONFIGURED']),
  CodecSettings: struct({
    Codec: e(['AAC', 'MP2', 'MP3', 'WAV', 'AIFF', 'AC3', 'AC4', 'EAC3', 'EAC3_ATMOS', 'VORBIS', 'OPUS', 'PASSTHROUGH', 'FLAC'], ['AAC']),
    AacSettings: struct({
      AudioDescriptionBroadcasterMix: e(['BROADCASTER_MIXED_AD', 'NORMAL'], ['NORMAL']),
      Bitrate: int(6000, 1024000),
      CodecProfile: e(['LC', 'HEV1', 'HEV2', 'XHE'], ['LC']),
      CodingMode: e(['AD_RECEIVER_MIX', 'CODING_MODE_1_0', 'CODING_MODE_1_1', 'CODING_MODE_2_0', 'CODING_MODE_5_1', 'CODING_MODE_AUTO'], ['CODING_MODE_1_0', 'CODING_MODE_2_0']),
      RateControlMode: e(['CBR', 'VBR'], ['CBR']),
      RawFormat: e(['LATM_LOAS', 'NONE'], ['NONE']),
      SampleRate: int(8000, 96000),
      Specification: e(['MPEG2', 'MPEG4'], ['MPEG4']),
    }),
  }),
  LanguageCode: LANGUAGE,
  LanguageCodeControl: e(['FOLLOW_INPUT', 'USE_CONFIGURED']),
  StreamName: str({ pattern: /^[\w\s]*$/ }),
  CustomLanguageCode: str({ pattern: /^[A-Za-z]{2,3}(-[A-Za-z0-9-]+)?$/ }),
});

const output = struct({
  AudioDescriptions: list(audioDescription),
  CaptionDescriptions: list(captionDescription),
  ContainerSettings: struct({
    Container: e(['F4V', 'GIF', 'ISMV', 'M2TS', 'M3U8', 'CMFC', 'MOV', 'MP4', 'MPD', 'MXF', 'OGG', 'WEBM', 'RAW', 'Y4M'], ['CMFC', 'RAW']),
    CmfcSettings: struct({
      AudioGroupId: str(),
      AudioRenditionSets: str(),
      AudioTrackType: e(['ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT', 'ALTERNATE_AUDIO_AUTO_SELECT', 'ALTERNATE_AUDIO_NOT_AUTO_SELECT', 'AUDIO_ONLY_VARIANT_STREAM'], ['ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT', 'ALTERNATE_AUDIO_AUTO_SELECT', 'ALTERNATE_AUDIO_NOT_AUTO_SELECT']),
      IFrameOnlyManifest: e(['INCLUDE', 'EXCLUDE'], ['EXCLUDE']),
      AudioDuration: e(['DEFAULT_CODEC_DURATION', 'MATCH_VIDEO_DURATION'], ['DEFAULT_CODEC_DURATION']),
      DescriptiveVideoServiceFlag: e(['DONT_FLAG', 'FLAG'], ['DONT_FLAG']),
    }),
  }),
  Extension: str({ max: 256 }),
  NameModifier: str({ min: 1, max: 256 }),
  VideoDescription: videoDescription,
});

const S3_DESTINATION = str({ pattern: /^s3:\/\/.*$/ });

const outputGroup = struct({
  AutomatedEncodingSettings: struct({
    AbrSettings: struct({
      MaxAbrBitrate: int(100000, 100000000),
      MaxQualityLevel: num(1, 10),
      MaxRenditions: int(3, 15),
      MinAbrBitrate: int(100000, 100000000),
      Rules: list(
        struct({
          Type: e(['MIN_TOP_RENDITION_SIZE', 'MIN_BOTTOM_RENDITION_SIZE', 'FORCE_INCLUDE_RENDITIONS', 'ALLOWED_RENDITIONS']),
          AllowedRenditions: list(struct({ Width: SIZE, Height: SIZE, Required: e(ED) })),
          ForceIncludeRenditions: list(renditionSize),
          MinTopRenditionSize: renditionSize,
          MinBottomRenditionSize: renditionSize,
        }),
      ),
    }),
  }),
  CustomName: str(),
  Name: str({ max: 2048 }),
  OutputGroupSettings: struct({
    Type: e(['HLS_GROUP_SETTINGS', 'DASH_ISO_GROUP_SETTINGS', 'FILE_GROUP_SETTINGS', 'MS_SMOOTH_GROUP_SETTINGS', 'CMAF_GROUP_SETTINGS'], ['FILE_GROUP_SETTINGS', 'CMAF_GROUP_SETTINGS']),
    CmafGroupSettings: struct({
      BaseUrl: str(),
      ClientCache: e(DE),
      CodecSpecification: e(['RFC_6381', 'RFC_4281']),
      Destination: S3_DESTINATION,
      FragmentLength: POS,
      ImageBasedTrickPlay: e(['NONE', 'THUMBNAIL', 'THUMBNAIL_AND_FULLFRAME', 'ADVANCED'], ['NONE', 'ADVANCED']),
      ImageBasedTrickPlaySettings: struct({
        IntervalCadence: e(['FOLLOW_IFRAME', 'FOLLOW_CUSTOM', 'FOLLOW_SEGMENTATION']),
        ThumbnailHeight: int(2, 4096),
        ThumbnailInterval: num(0, 2147483647),
        ThumbnailWidth: int(8, 4096),
        TileHeight: int(1, 2048),
        TileWidth: int(1, 512),
      }),
      ManifestCompression: e(['GZIP', 'NONE'], ['NONE']),
      ManifestDurationFormat: e(['FLOATING_POINT', 'INTEGER']),
      MinBufferTime: int(0, 2147483647),
      MinFinalSegmentLength: num(0, 2147483647),
      MpdProfile: e(['MAIN_PROFILE', 'ON_DEMAND_PROFILE'], ['MAIN_PROFILE']),
      SegmentControl: e(['SINGLE_FILE', 'SEGMENTED_FILES'], ['SEGMENTED_FILES']),
      SegmentLength: POS,
      SegmentLengthControl: e(['EXACT', 'GOP_MULTIPLE', 'MATCH'], ['EXACT', 'GOP_MULTIPLE']),
      StreamInfResolution: e(['INCLUDE', 'EXCLUDE']),
      TargetDurationCompatibilityMode: e(['LEGACY', 'SPEC_COMPLIANT']),
      WriteDashManifest: e(DE),
      WriteHlsManifest: e(DE),
    }),
    FileGroupSettings: struct({ Destination: S3_DESTINATION }),
  }),
  Outputs: list(output),
});

export const CREATE_JOB_SCHEMA: Field = struct({
  AccelerationSettings: struct({ Mode: e(['DISABLED', 'ENABLED', 'PREFERRED']) }),
  BillingTagsSource: e(['QUEUE', 'PRESET', 'JOB_TEMPLATE', 'JOB']),
  ClientRequestToken: str(),
  Priority: int(-50, 50),
  Queue: str(),
  Role: str(),
  Settings: struct({
    Inputs: list(
      struct({
        FileInput: str({ max: 2048, pattern: /^s3:\/\/([^/]+\/+)+(([^/]*))|^https?:\/\/[^/].*[^&]$/ }),
        TimecodeSource: e(['EMBEDDED', 'ZEROBASED', 'SPECIFIEDSTART']),
        VideoSelector: struct({ Rotate: e(['DEGREE_0', 'DEGREES_90', 'DEGREES_180', 'DEGREES_270', 'AUTO'], ['AUTO']) }),
        AudioSelectors: map(
          struct({
            DefaultSelection: e(['DEFAULT', 'NOT_DEFAULT']),
            SelectorType: e(['PID', 'TRACK', 'LANGUAGE_CODE', 'HLS_RENDITION_GROUP', 'ALL_PCM', 'STREAM'], ['TRACK']),
            Tracks: list(POS),
          }),
        ),
        CaptionSelectors: map(captionSelector),
      }),
    ),
    OutputGroups: list(outputGroup),
    TimecodeConfig: struct({ Source: e(['EMBEDDED', 'ZEROBASED', 'SPECIFIEDSTART']) }),
  }),
  SimulateReservedQueue: e(DE, ['DISABLED']),
  StatusUpdateInterval: e(['SECONDS_10', 'SECONDS_12', 'SECONDS_15', 'SECONDS_20', 'SECONDS_30', 'SECONDS_60', 'SECONDS_120', 'SECONDS_180', 'SECONDS_240', 'SECONDS_300', 'SECONDS_360', 'SECONDS_420', 'SECONDS_480', 'SECONDS_540', 'SECONDS_600']),
  Tags: map(str()),
  UserMetadata: map(str()),
});

/** Types, enums, ranges and known fields, recursively. */
export function checkSchema(value: unknown, field: Field, path: Path, problems: Problems): void {
  if (value === undefined || value === null) return;
  switch (field.t) {
    case 'enum':
      if (typeof value !== 'string' || !field.values.includes(value)) problems.add(path, `must be one of ${field.values.join(', ')}`);
      else if (field.only && !field.only.includes(value)) problems.unsupported(path, `the value ${value} (it implements ${field.only.join(', ')})`);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.add(path, 'must be an integer');
      else if (value < field.min || value > field.max) problems.add(path, `must be between ${field.min} and ${field.max}`);
      return;
    case 'num':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.add(path, 'must be a number');
      else if (value < field.min || value > field.max) problems.add(path, `must be between ${field.min} and ${field.max}`);
      return;
    case 'str':
      if (typeof value !== 'string') problems.add(path, 'must be a string');
      else if (field.min !== undefined && value.length < field.min) problems.add(path, `must be at least ${field.min} characters`);
      else if (field.max !== undefined && value.length > field.max) problems.add(path, `must be at most ${field.max} characters`);
      else if (field.pattern && !field.pattern.test(value)) problems.add(path, `must match ${field.pattern.source}`);
      return;
    case 'list':
      if (!Array.isArray(value)) return problems.add(path, 'must be a list');
      value.forEach((v, i) => checkSchema(v, field.of, [...path, i], problems));
      return;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return problems.add(path, 'must be an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) checkSchema(v, field.of, [...path, k], problems);
      return;
    case 'struct':
      if (typeof value !== 'object' || Array.isArray(value)) return problems.add(path, 'must be an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const member = field.fields[k];
        if (member) checkSchema(v, member, [...path, k], problems);
        else if (v !== undefined && v !== null) problems.unsupported([...path, k], 'this setting');
      }
  }
}
