import type { H264Settings } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import { LADDER } from './ladder.ts';
import { toMediaConvertJob, type MediaConvertJobInput, type MediaConvertJobOutput } from './mediaconvert-job.ts';
import { captionOutputs, captionSelectors } from './mediaconvert-job-captions.ts';

const input: MediaConvertJobInput = {
  fileInput: 's3://lectern-uploads/uploads/demo/lesson-1/intro.mov',
  courseId: 'demo',
  lessonId: 'lesson-1',
};
const output: MediaConvertJobOutput = {
  destination: 's3://lectern-media/courses/demo/lesson-1/v0mwqb2tm6-76c6/',
  version: 'v0mwqb2tm6-76c6',
  role: 'arn:aws:iam::123456789012:role/lectern-mediaconvert',
};

describe('toMediaConvertJob', () => {
  const job = toMediaConvertJob(LADDER, input, output);
  const groups = job.Settings!.OutputGroups!;
  const abr = groups[0]!;
  const cmaf = abr.OutputGroupSettings!.CmafGroupSettings!;
  const h264 = abr.Outputs![0]!.VideoDescription!.CodecSettings!.H264Settings as H264Settings;

  it('carries the course, lesson and version in user metadata and uses the given role', () => {
    expect(job.UserMetadata).toEqual({ courseId: 'demo', lessonId: 'lesson-1', version: 'v0mwqb2tm6-76c6' });
    expect(job.Role).toBe(output.role);
    expect(job.Queue).toBeUndefined();
  });

  it('reads the upload, applies rotation metadata and falls back to silence without audio', () => {
    const inp = job.Settings!.Inputs![0]!;
    expect(inp.FileInput).toBe(input.fileInput);
    expect(inp.VideoSelector).toEqual({ Rotate: 'AUTO' });
    expect(inp.AudioSelectors).toEqual({ 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } });
  });

  it('packages a CMAF group with an HLS manifest, 2 s fMP4 segments (one GOP each) cut on GOP boundaries', () => {
    expect(abr.OutputGroupSettings!.Type).toBe('CMAF_GROUP_SETTINGS');
    expect(cmaf).toMatchObject({
      Destination: 's3://lectern-media/courses/demo/lesson-1/v0mwqb2tm6-76c6/index',
      SegmentLength: 2,
      SegmentLengthControl: 'GOP_MULTIPLE',
      FragmentLength: 2,
      SegmentControl: 'SEGMENTED_FILES',
      WriteHlsManifest: 'ENABLED',
      WriteDashManifest: 'DISABLED',
      CodecSpecification: 'RFC_6381',
    });
    expect(abr.Outputs!.every((o) => o.ContainerSettings!.Container === 'CMFC')).toBe(true);
  });

  it('uses Automated ABR with QVBR, bounded by the ladder and limited to its sizes', () => {
    const abrSettings = abr.AutomatedEncodingSettings!.AbrSettings!;
    expect(abrSettings.MaxAbrBitrate).toBe(6_000_000);
    expect(abrSettings.MaxRenditions).toBe(4);
    expect(abrSettings.MaxQualityLevel).toBeUndefined();
    expect(abrSettings.Rules).toEqual([
      {
        Type: 'ALLOWED_RENDITIONS',
        AllowedRenditions: [
          { Width: 1920, Height: 1080, Required: 'DISABLED' },
          { Width: 1280, Height: 720, Required: 'DISABLED' },
          { Width: 854, Height: 480, Required: 'DISABLED' },
          { Width: 640, Height: 360, Required: 'DISABLED' },
        ],
      },
    ]);
    expect(h264).toMatchObject({ RateControlMode: 'QVBR', QualityTuningLevel: 'MULTI_PASS_HQ' });
  });

  it('keeps a fixed, closed 2 s GOP without scene-change keyframes so renditions stay aligned', () => {
    expect(h264).toMatchObject({
      GopSize: 2,
      GopSizeUnits: 'SECONDS',
      GopClosedCadence: 1,
      SceneChangeDetect: 'DISABLED',
      ParControl: 'SPECIFIED',
      ParNumerator: 1,
      ParDenominator: 1,
    });
  });

  it('encodes AAC-LC stereo at the top rung audio bitrate in its own CMAF track', () => {
    const audio = abr.Outputs![1]!.AudioDescriptions![0]!.CodecSettings!.AacSettings!;
    expect(audio).toEqual({ CodecProfile: 'LC', CodingMode: 'CODING_MODE_2_0', Bitrate: 128_000, SampleRate: 48_000 });
  });

  it('writes sprite thumbnails in the manifest and poster frame captures beside it', () => {
    expect(cmaf.ImageBasedTrickPlay).toBe('ADVANCED');
    expect(cmaf.ImageBasedTrickPlaySettings).toMatchObject({ ThumbnailWidth: 160, ThumbnailHeight: 90, TileWidth: 10, TileHeight: 10 });
    const poster = groups[1]!;
    expect(poster.OutputGroupSettings).toEqual({
      Type: 'FILE_GROUP_SETTINGS',
      FileGroupSettings: { Destination: 's3://lectern-media/courses/demo/lesson-1/v0mwqb2tm6-76c6/poster' },
    });
    expect(poster.Outputs![0]!.VideoDescription!.CodecSettings!.Codec).toBe('FRAME_CAPTURE');
  });

  it('caps quality and bitrate lower when the caller says it is a lecture', () => {
    const lecture = toMediaConvertJob(LADDER, { ...input, contentKind: 'lecture' }, output);
    const s = lecture.Settings!.OutputGroups![0]!.AutomatedEncodingSettings!.AbrSettings!;
    expect(s.MaxAbrBitrate).toBe(2_500_000);
    expect(s.MaxQualityLevel).toBe(7);
    expect(lecture.UserMetadata!.contentKind).toBe('lecture');
  });

  it('includes the optional 240p rung on request and passes the queue through', () => {
    const job240 = toMediaConvertJob(LADDER, { ...input, includeOptional: true }, { ...output, queue: 'arn:queue' });
    expect(job240.Queue).toBe('arn:queue');
    const rules = job240.Settings!.OutputGroups![0]!.AutomatedEncodingSettings!.AbrSettings!.Rules!;
    expect(rules[0]!.AllowedRenditions!.at(-1)).toEqual({ Width: 426, Height: 240, Required: 'DISABLED' });
  });

  it('refuses bad ids, non-S3 inputs and destinations outside the lesson version prefix', () => {
    expect(() => toMediaConvertJob(LADDER, { ...input, courseId: '../x' }, output)).toThrow(/bad course id/);
    expect(() => toMediaConvertJob(LADDER, { ...input, lessonId: 'A' }, output)).toThrow(/bad lesson id/);
    expect(() => toMediaConvertJob(LADDER, { ...input, fileInput: '/tmp/x.mp4' }, output)).toThrow(/s3:\/\//);
    expect(() =>
      toMediaConvertJob(LADDER, input, { ...output, destination: 's3://lectern-media/courses/other/lesson-1/v0mwqb2tm6-76c6/' }),
    ).toThrow(/destination must be/);
  });

  it('has no caption selectors or outputs without sidecar files', () => {
    expect(job.Settings!.Inputs![0]!.CaptionSelectors).toBeUndefined();
    expect(abr.Outputs!.some((o) => o.CaptionDescriptions)).toBe(false);
  });
});

describe('toMediaConvertJob with sidecar captions', () => {
  const captions = [
    { language: 'en', name: 'English', sourceFile: 's3://lectern-uploads/uploads/demo/lesson-1/intro.en.vtt' },
    { language: 'pt-BR', name: 'Português (Brasil)', sourceFile: 's3://lectern-uploads/uploads/demo/lesson-1/intro.pt-BR.SRT' },
  ];
  const job = toMediaConvertJob(LADDER, { ...input, captions }, output);
  const abr = job.Settings!.OutputGroups![0]!;

  it('reads each file through its own caption selector, with the format named (MediaConvert cannot detect it)', () => {
    expect(job.Settings!.Inputs![0]!.CaptionSelectors).toEqual({
      'Caption Selector 1': { SourceSettings: { SourceType: 'WEBVTT', FileSourceSettings: { SourceFile: captions[0]!.sourceFile } } },
      'Caption Selector 2': { SourceSettings: { SourceType: 'SRT', FileSourceSettings: { SourceFile: captions[1]!.sourceFile } } },
    });
  });

  it('writes one WebVTT output per language in the CMAF group, beside (not inside) the video and audio outputs', () => {
    const outputs = abr.Outputs!;
    expect(outputs.map((o) => o.NameModifier)).toEqual(['_video', '_audio', '_captions_en', '_captions_pt-BR']);
    expect(outputs[3]).toEqual({
      NameModifier: '_captions_pt-BR',
      ContainerSettings: { Container: 'CMFC' },
      CaptionDescriptions: [
        {
          CaptionSelectorName: 'Caption Selector 2',
          CustomLanguageCode: 'pt-BR',
          LanguageDescription: 'Português (Brasil)',
          DestinationSettings: { DestinationType: 'WEBVTT', WebvttDestinationSettings: { StylePassthrough: 'ENABLED', Accessibility: 'DISABLED' } },
        },
      ],
    });
    expect(outputs.slice(0, 2).every((o) => o.CaptionDescriptions === undefined)).toBe(true);
  });

  it('refuses a caption file that is not on S3, not .vtt/.srt, or a second file for one language', () => {
    expect(() => captionSelectors([{ ...captions[0]!, sourceFile: '/tmp/intro.en.vtt' }])).toThrow(/s3:\/\//);
    expect(() => captionOutputs([{ ...captions[0]!, sourceFile: 's3://b/uploads/demo/lesson-1/intro.en.ttml' }])).toThrow(/\.vtt or \.srt/);
    expect(() => toMediaConvertJob(LADDER, { ...input, captions: [captions[0]!, captions[0]!] }, output)).toThrow(/two caption files for en/);
  });
});

