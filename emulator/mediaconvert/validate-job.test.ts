/**
 * Each CreateJob rule refuses a bad job the way MediaConvert does: a 400 BadRequestException
 * (a typed SDK exception) naming the setting, no job, no event, nothing written. Every case
 * starts from the job the upload trigger really submits and breaks one thing.
 */
import { BadRequestException, CreateJobCommand, type CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFor } from '../../pipeline/aws/upload-trigger.ts';
import { captionOutputs, captionSelectors } from '../../pipeline/mediaconvert-job-captions.ts';
import { ACCOUNT, MEDIA, QUEUE, REGION, RESERVED_QUEUE, ROLE, SOURCE_KEY, UPLOADS, startHarness, type Harness } from './test-fixtures.ts';
import { validateCreateJob } from './validate-job.ts';

function lessonJob(): any {
  return structuredClone(
    jobFor(
      { kind: 'encode', bucket: UPLOADS, key: SOURCE_KEY, courseId: 'intro-to-hls', lessonId: 'lesson-1' },
      { mediaBucket: MEDIA, mediaConvert: { role: ROLE, queue: QUEUE }, includeOptional: false },
      'v0mwq8z3k0-1a2b',
    ),
  );
}

const cmaf = (j: any) => j.Settings.OutputGroups[0];
const abr = (j: any) => cmaf(j).AutomatedEncodingSettings.AbrSettings;
const video = (j: any) => cmaf(j).Outputs[0];
const poster = (j: any) => j.Settings.OutputGroups[1];

// The captions the upload trigger adds for `welcome.en.vtt` and `welcome.es.srt` beside the source.
const SIDECARS = [
  { language: 'en', name: 'English', sourceFile: `s3://${UPLOADS}/uploads/intro-to-hls/lesson-1/welcome.en.vtt` },
  { language: 'es', name: 'Español', sourceFile: `s3://${UPLOADS}/uploads/intro-to-hls/lesson-1/welcome.es.srt` },
];
function addCaptions(j: any): void {
  j.Settings.Inputs[0].CaptionSelectors = structuredClone(captionSelectors(SIDECARS));
  cmaf(j).Outputs.push(...structuredClone(captionOutputs(SIDECARS)));
}
const captioned = (breakIt: (j: any) => void) => (j: any) => {
  addCaptions(j);
  breakIt(j);
};
const selector = (j: any) => j.Settings.Inputs[0].CaptionSelectors['Caption Selector 1'].SourceSettings;
const captionsOf = (j: any) => cmaf(j).Outputs[2].CaptionDescriptions;

const cases: [string, (j: any) => void, RegExp][] = [
  // MediaConvert's own rules
  ['a job without Role', (j) => delete j.Role, /^\/role: required$/],
  ['a queue the account does not have', (j) => (j.Queue = 'arn:aws:mediaconvert:us-east-1:111122223333:queues/nope'), /\/queue: no queue/],
  ['automated ABR on a reserved queue', (j) => (j.Queue = RESERVED_QUEUE), /must use an on-demand queue/],
  ['Max renditions below 3', (j) => (abr(j).MaxRenditions = 2), /maxRenditions: must be between 3 and 15/],
  ['Max ABR bitrate below 100000', (j) => (abr(j).MaxAbrBitrate = 50_000), /maxAbrBitrate: must be between 100000 and 100000000/],
  ['Min ABR bitrate above Max ABR bitrate', (j) => (abr(j).MinAbrBitrate = abr(j).MaxAbrBitrate + 1), /minAbrBitrate: must not exceed MaxAbrBitrate/],
  ['Max quality level above 10', (j) => (abr(j).MaxQualityLevel = 11), /maxQualityLevel: must be between 1 and 10/],
  ['Allowed renditions that do not match Max renditions', (j) => (abr(j).MaxRenditions = 6), /4 resolutions for Max renditions 6/],
  ['Allowed and Force include renditions together', (j) => abr(j).Rules.push({ Type: 'FORCE_INCLUDE_RENDITIONS', ForceIncludeRenditions: [{ Width: 640, Height: 360 }] }), /cannot both be specified/],
  ['a rendition size under 32 pixels', (j) => (abr(j).Rules[0].AllowedRenditions[0].Height = 16), /allowedRenditions\/0\/height: must be between 32 and 8192/],
  ['Automated ABR on a file group', (j) => (poster(j).AutomatedEncodingSettings = { AbrSettings: {} }), /automated ABR is for HLS, DASH ISO, Microsoft Smooth Streaming and CMAF output groups/],
  ['Automated ABR without QVBR', (j) => (video(j).VideoDescription.CodecSettings.H264Settings.RateControlMode = 'VBR'), /rateControlMode: automated ABR requires QVBR/],
  ['Automated ABR without multi-pass HQ', (j) => (video(j).VideoDescription.CodecSettings.H264Settings.QualityTuningLevel = 'SINGLE_PASS'), /automated ABR requires MULTI_PASS_HQ/],
  ['Automated ABR with Fit without upscaling', (j) => (video(j).VideoDescription.ScalingBehavior = 'FIT_NO_UPSCALE'), /scaling behavior must be DEFAULT, STRETCH_TO_OUTPUT, FIT or FILL/],
  ['two video outputs in an automated ABR group', (j) => cmaf(j).Outputs.push({ ...structuredClone(video(j)), NameModifier: '_video2' }), /exactly one video output/],
  ['a CMAF destination that is not s3://', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.Destination = 'https://example.com/out/index'), /cmafGroupSettings\/destination: must match/],
  ['a CMAF group without destination', (j) => delete cmaf(j).OutputGroupSettings.CmafGroupSettings.Destination, /cmafGroupSettings\/destination: required/],
  ['a file group destination that is not s3://', (j) => (poster(j).OutputGroupSettings.FileGroupSettings.Destination = '/tmp/poster'), /fileGroupSettings\/destination: must match/],
  ['a job without inputs', (j) => (j.Settings.Inputs = []), /\/settings\/inputs: at least one input is required/],
  ['an input without FileInput', (j) => delete j.Settings.Inputs[0].FileInput, /inputs\/0\/fileInput: required/],
  ['an input that is not an S3 or HTTP URL', (j) => (j.Settings.Inputs[0].FileInput = '/data/welcome.mp4'), /inputs\/0\/fileInput: must match/],
  ['a segment length of 0', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.SegmentLength = 0), /segmentLength: must be between 1 and/],
  ['fragments longer than segments', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.FragmentLength = 6), /fragmentLength: must not exceed SegmentLength/],
  ['a minimum final segment under 1 s', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.MinFinalSegmentLength = 0.5), /minFinalSegmentLength: must be 0, or at least 1/],
  ['a thumbnail width not divisible by 8', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.ImageBasedTrickPlaySettings.ThumbnailWidth = 150), /thumbnailWidth: must be divisible by 8/],
  ['tile images over 4096 pixels high', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.ImageBasedTrickPlaySettings.TileHeight = 100), /at most 4096 pixels high/],
  ['two outputs without name modifiers', (j) => delete video(j).NameModifier, /outputs\/0\/nameModifier: required when an output group has more than one output/],
  ['two outputs with the same name modifier', (j) => (video(j).NameModifier = '_audio'), /name modifiers must differ/],
  ['an AAC bitrate outside the documented set', (j) => (cmaf(j).Outputs[1].AudioDescriptions[0].CodecSettings.AacSettings.Bitrate = 100_000), /aacSettings\/bitrate: must be one of 6000/],
  ['a container that does not exist', (j) => (video(j).ContainerSettings.Container = 'AVI'), /container: must be one of F4V/],
  ['a frame capture without a regular audio and video output', (j) => j.Settings.OutputGroups.shift(), /frame capture outputs need a regular audio and video output/],
  ['a status update interval that does not exist', (j) => (j.StatusUpdateInterval = 'SECONDS_5'), /statusUpdateInterval: must be one of/],
  ['a caption selector without a source type', captioned((j) => delete selector(j).SourceType), /sourceType: required: the service cannot auto-detect the caption format/],
  ['a caption selector without its file', captioned((j) => delete selector(j).FileSourceSettings.SourceFile), /sourceFile: required: the URI of the WEBVTT sidecar file/],
  ['a caption file of an extension MediaConvert does not accept', captioned((j) => (selector(j).FileSourceSettings.SourceFile = `s3://${UPLOADS}/uploads/c/l/welcome.en.txt`)), /sourceFile: must match/],
  ['a caption output naming a selector the input lacks', captioned((j) => (captionsOf(j)[0].CaptionSelectorName = 'Caption Selector 9')), /captionSelectorName: input 1 has no caption selector named "Caption Selector 9"/],
  ['WebVTT captions inside the video output', captioned((j) => (video(j).CaptionDescriptions = structuredClone(captionsOf(j)))), /outputs\/0\/captionDescriptions: WebVTT captions go in their own output/],
  ['two caption tracks in one output', captioned((j) => captionsOf(j).push(structuredClone(cmaf(j).Outputs[3].CaptionDescriptions[0]))), /each WebVTT captions track goes in its own output/],
  ['a caption language that is no language code', captioned((j) => (captionsOf(j)[0].CustomLanguageCode = 'english!')), /customLanguageCode: must match/],
  // What the stand-in does not implement is refused, never approximated
  ['an HLS output group', (j) => (cmaf(j).OutputGroupSettings.Type = 'HLS_GROUP_SETTINGS'), /stand-in does not implement the value HLS_GROUP_SETTINGS/],
  ['a setting the stand-in does not know', (j) => (j.Settings.Esam = { ManifestConfirmConditionNotification: {} }), /\/settings\/esam: the MediaConvert stand-in does not implement this setting/],
  ['a destination key with ..', (j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.Destination = `s3://${MEDIA}/courses/../../etc/index`), /cannot be mapped to a folder/],
  ['an HTTPS input', (j) => (j.Settings.Inputs[0].FileInput = 'https://example.com/welcome.mp4'), /does not implement HTTP\(S\) inputs/],
  ['burned-in captions', captioned((j) => (captionsOf(j)[0].DestinationSettings = { DestinationType: 'BURN_IN' })), /does not implement the value BURN_IN/],
  ['SCC caption sources', captioned((j) => (selector(j).SourceType = 'SCC')), /does not implement the value SCC/],
  ['a .vtt file read as SRT', captioned((j) => (selector(j).SourceType = 'SRT')), /does not implement a SRT source in a \.vtt file/],
  ['strict WebVTT style passthrough', captioned((j) => (captionsOf(j)[0].DestinationSettings.WebvttDestinationSettings.StylePassthrough = 'STRICT')), /does not implement the value STRICT/],
  ['a caption time delta', captioned((j) => (selector(j).FileSourceSettings.TimeDelta = 2)), /timeDelta: the MediaConvert stand-in does not implement this setting/],
  ['captions in a DASH manifest', captioned((j) => (cmaf(j).OutputGroupSettings.CmafGroupSettings.WriteDashManifest = 'ENABLED')), /captions in the DASH manifest/],
];

describe('CreateJob validation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('accepts the unbroken job (the baseline every case below breaks)', () => {
    const result = validateCreateJob(lessonJob() as CreateJobCommandInput, { region: REGION, account: ACCOUNT, onDemand: [QUEUE], reserved: [RESERVED_QUEUE] });
    expect(result).toMatchObject({ ok: true, queueArn: QUEUE });
  });

  it('accepts the job with sidecar captions the upload trigger submits', () => {
    const job = lessonJob();
    addCaptions(job);
    const result = validateCreateJob(job as CreateJobCommandInput, { region: REGION, account: ACCOUNT, onDemand: [QUEUE], reserved: [RESERVED_QUEUE] });
    expect(result).toMatchObject({ ok: true });
  });

  it.each(cases)('refuses %s with a 400 BadRequestException', async (_name, breakIt, message) => {
    const job = lessonJob();
    breakIt(job);
    const error = await h.client.send(new CreateJobCommand(job)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).$metadata.httpStatusCode).toBe(400);
    expect((error as BadRequestException).message).toMatch(message);
  });

  it('created no job, emitted no event and wrote nothing for any of them', async () => {
    await h.standIn.whenIdle();
    expect(h.standIn.jobs()).toEqual([]);
    expect(h.events).toEqual([]);
    expect(await h.keys(MEDIA)).toEqual([]);
    expect(await h.keys(UPLOADS)).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${h.standIn.endpoint}/2017-08-29/jobs`, {
      method: 'POST',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/mediaconvert/aws4_request, SignedHeaders=host, Signature=0' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(await res.json()).toEqual({ message: 'the request body is not JSON' });
  });
});
