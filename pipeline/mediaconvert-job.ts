/**
 * Pure builder: ladder + input + output -> MediaConvert CreateJob settings (the AWS twin of
 * ffmpeg-args.ts). Field names and enum values are the SDK's own types
 * (@aws-sdk/client-mediaconvert), so tsc checks them.
 *
 * Choice: Automated ABR with QVBR, constrained to the ladder's sizes — not an explicit
 * per-rung output list. Why:
 * - The upload trigger is a Lambda that sees an S3 key, not a probe: it cannot know the source
 *   height without downloading and probing it. An explicit 1080p/720p/... list would then
 *   upscale a 720p upload to 1080p (MediaConvert's FIT_NO_UPSCALE would merely produce two
 *   identical 720p renditions). Automated ABR analyses the input itself and never makes
 *   renditions above it: the "never upscale" rule holds without a probe.
 * - It is content-adaptive per title, which is the point of the lecture/camera split: it picks
 *   how many renditions and which bitrates from the measured complexity, so a slide deck gets a
 *   short, cheap stack and a football match a full one. MaxQualityLevel carries our content
 *   kind when the caller knows it; MaxAbrBitrate/MinAbrBitrate come from the ladder's caps.
 * - An ALLOWED_RENDITIONS rule keeps every rendition on the ladder's sizes, so the player sees
 *   the same rungs as with the local encoder.
 * The cost: the exact rung count is the service's decision (3 to the ladder's size), and the
 * rendition names in the output come from MediaConvert; the completion handler reads them from
 * the job's output details rather than assuming them.
 *
 * Packaging: a CMAF output group writing only the HLS manifest: fMP4 segments of 2 s
 * (SegmentLengthControl GOP_MULTIPLE: cut on GOP boundaries, one GOP each), fragments of one GOP
 * (2 s, closed, fixed cadence, scene-change keyframes off, so keyframes align across
 * renditions), RFC 6381 codec strings. CMAF keeps audio in its own rendition group (the local
 * encoder muxes it into each rendition); players handle both. The job writes into a fresh
 * version prefix; the completion handler publishes the lesson's master.m3u8 last, exactly as
 * the local publisher does. Sidecar captions: mediaconvert-job-captions.ts.
 */
import type {
  AutomatedAbrRule,
  CreateJobCommandInput,
  H264CodecProfile,
  Output,
  OutputGroup,
} from '@aws-sdk/client-mediaconvert';
import { isCourseId, isLessonId } from '../edge/course-id.ts';
import { validateLadder, type ContentKind, type H264Profile, type Ladder } from './ladder.ts';
import { captionOutputs, captionSelectors, type SidecarCaption } from './mediaconvert-job-captions.ts';

export interface MediaConvertJobInput {
  /** `s3://bucket/key` of the uploaded source. */
  readonly fileInput: string;
  readonly courseId: string;
  readonly lessonId: string;
  /** When known (upload metadata, CLI flag): caps the QVBR quality level. Else the service decides. */
  readonly contentKind?: ContentKind;
  readonly includeOptional?: boolean;
  /** Sidecar caption files (already checked by the caller), in menu order: WebVTT renditions in the CMAF group. */
  readonly captions?: readonly SidecarCaption[];
}

export interface MediaConvertJobOutput {
  /** `s3://bucket/courses/<courseId>/<lessonId>/<version>/` — a new, empty version prefix. */
  readonly destination: string;
  /** The version id (also in user metadata, for the completion handler). */
  readonly version: string;
  /** IAM role MediaConvert assumes to read the upload and write the media bucket. */
  readonly role: string;
  /** On-demand queue ARN (Automated ABR cannot use reserved queues); default queue when absent. */
  readonly queue?: string;
}

/** Name (without extension) of the HLS manifest MediaConvert writes into the version prefix. */
export const MEDIACONVERT_MANIFEST_NAME = 'index';
export const MEDIACONVERT_POSTER_NAME = 'poster';

const PROFILE: Record<H264Profile, H264CodecProfile> = { baseline: 'BASELINE', main: 'MAIN', high: 'HIGH' };

/** 16:9 width for a short side, even. */
function width169(shortSide: number): number {
  return Math.round((shortSide * 16) / 9 / 2) * 2;
}

export function toMediaConvertJob(
  ladder: Ladder,
  input: MediaConvertJobInput,
  output: MediaConvertJobOutput,
): CreateJobCommandInput {
  validateLadder(ladder);
  if (!isCourseId(input.courseId)) throw new Error(`bad course id ${JSON.stringify(input.courseId)}`);
  if (!isLessonId(input.lessonId)) throw new Error(`bad lesson id ${JSON.stringify(input.lessonId)}`);
  if (!/^s3:\/\/[^/]+\/.+/.test(input.fileInput)) throw new Error(`fileInput must be an s3:// URL, got ${input.fileInput}`);
  const expectedPrefix = `/courses/${input.courseId}/${input.lessonId}/${output.version}/`;
  if (!/^s3:\/\/[^/]+\//.test(output.destination) || !output.destination.endsWith(expectedPrefix)) {
    throw new Error(`destination must be s3://<bucket>${expectedPrefix}, got ${output.destination}`);
  }
  const rungs = ladder.rungs.filter((r) => !r.optional || input.includeOptional);
  const top = rungs[0]!;
  const bottom = rungs[rungs.length - 1]!;
  const kind = input.contentKind;
  const captions = input.captions ?? [];

  const rules: AutomatedAbrRule[] = [
    {
      Type: 'ALLOWED_RENDITIONS',
      AllowedRenditions: rungs.map((r) => ({ Width: width169(r.shortSide), Height: r.shortSide, Required: 'DISABLED' })),
    },
  ];

  const videoOutput: Output = {
    NameModifier: '_video',
    ContainerSettings: { Container: 'CMFC' },
    VideoDescription: {
      ScalingBehavior: 'DEFAULT',
      AntiAlias: 'ENABLED',
      CodecSettings: {
        Codec: 'H_264',
        H264Settings: {
          // Required by Automated ABR.
          RateControlMode: 'QVBR',
          QualityTuningLevel: 'MULTI_PASS_HQ',
          CodecProfile: PROFILE[top.profile],
          CodecLevel: 'AUTO',
          GopSize: ladder.gopSeconds,
          GopSizeUnits: 'SECONDS',
          GopClosedCadence: 1,
          MinIInterval: 0,
          SceneChangeDetect: 'DISABLED',
          // Square pixels out, like setsar=1 locally; frame rate as the source.
          ParControl: 'SPECIFIED',
          ParNumerator: 1,
          ParDenominator: 1,
          FramerateControl: 'INITIALIZE_FROM_SOURCE',
          AdaptiveQuantization: 'AUTO',
        },
      },
    },
  };

  const audioOutput: Output = {
    NameModifier: '_audio',
    ContainerSettings: { Container: 'CMFC', CmfcSettings: { AudioGroupId: 'audio', AudioTrackType: 'ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT' } },
    AudioDescriptions: [
      {
        AudioSourceName: 'Audio Selector 1',
        CodecSettings: {
          Codec: 'AAC',
          AacSettings: {
            CodecProfile: 'LC',
            CodingMode: 'CODING_MODE_2_0',
            Bitrate: top.audioKbps * 1000,
            SampleRate: ladder.audioSampleRate,
          },
        },
      },
    ],
  };

  const abrGroup: OutputGroup = {
    Name: 'CMAF',
    CustomName: 'lectern-ladder',
    AutomatedEncodingSettings: {
      AbrSettings: {
        MaxAbrBitrate: top.rates[kind ?? 'camera'].maxrateKbps * 1000,
        MinAbrBitrate: Math.max(100_000, bottom.rates[kind ?? 'lecture'].maxrateKbps * 1000 * 0.5),
        MaxRenditions: Math.min(15, Math.max(3, rungs.length)),
        ...(kind !== undefined && { MaxQualityLevel: top.rates[kind].qvbrQuality }),
        Rules: rules,
      },
    },
    OutputGroupSettings: {
      Type: 'CMAF_GROUP_SETTINGS',
      CmafGroupSettings: {
        Destination: `${output.destination}${MEDIACONVERT_MANIFEST_NAME}`,
        SegmentLength: ladder.segmentSeconds,
        SegmentLengthControl: 'GOP_MULTIPLE',
        FragmentLength: ladder.gopSeconds,
        SegmentControl: 'SEGMENTED_FILES',
        WriteHlsManifest: 'ENABLED',
        WriteDashManifest: 'DISABLED',
        CodecSpecification: 'RFC_6381',
        ManifestDurationFormat: 'FLOATING_POINT',
        StreamInfResolution: 'INCLUDE',
        ClientCache: 'ENABLED',
        // Scrub thumbnails: tiled sprites of the ladder's geometry, listed in the manifest.
        ImageBasedTrickPlay: 'ADVANCED',
        ImageBasedTrickPlaySettings: {
          IntervalCadence: 'FOLLOW_CUSTOM',
          ThumbnailInterval: Math.max(ladder.thumbnails.minIntervalSeconds, Math.min(5, ladder.thumbnails.maxIntervalSeconds)),
          ThumbnailWidth: ladder.thumbnails.longSide,
          ThumbnailHeight: Math.round((ladder.thumbnails.longSide * 9) / 16 / 2) * 2,
          TileWidth: ladder.thumbnails.columns,
          TileHeight: ladder.thumbnails.rows,
        },
      },
    },
    Outputs: [videoOutput, audioOutput, ...captionOutputs(captions)],
  };

  // Poster: frame captures at 0 s and at the ladder's poster offset; the completion handler
  // keeps the last one (skipping fade-ins), like the local encoder. Source size: no upscale.
  const posterEvery = ladder.thumbnails.posterMaxSeconds;
  const posterGroup: OutputGroup = {
    Name: 'File Group',
    CustomName: 'lectern-poster',
    OutputGroupSettings: {
      Type: 'FILE_GROUP_SETTINGS',
      FileGroupSettings: { Destination: `${output.destination}${MEDIACONVERT_POSTER_NAME}` },
    },
    Outputs: [
      {
        ContainerSettings: { Container: 'RAW' },
        VideoDescription: {
          ScalingBehavior: 'DEFAULT',
          CodecSettings: {
            Codec: 'FRAME_CAPTURE',
            FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: posterEvery, MaxCaptures: 2, Quality: 80 },
          },
        },
      },
    ],
  };

  return {
    Role: output.role,
    ...(output.queue !== undefined && { Queue: output.queue }),
    UserMetadata: {
      courseId: input.courseId,
      lessonId: input.lessonId,
      version: output.version,
      ...(kind !== undefined && { contentKind: kind }),
    },
    StatusUpdateInterval: 'SECONDS_60',
    AccelerationSettings: { Mode: 'PREFERRED' },
    Settings: {
      TimecodeConfig: { Source: 'ZEROBASED' },
      Inputs: [
        {
          FileInput: input.fileInput,
          TimecodeSource: 'ZEROBASED',
          // Rotation metadata is applied (portrait phone video stays portrait).
          VideoSelector: { Rotate: 'AUTO' },
          // DEFAULT: an input without audio still gets an (silent) audio track, like locally.
          AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } },
          ...(captions.length > 0 && { CaptionSelectors: captionSelectors(captions) }),
        },
      ],
      OutputGroups: [abrGroup, posterGroup],
    },
  };
}
