/**
 * The job the upload trigger submits, through the real MediaConvertClient, completes in the
 * stand-in and leaves what MediaConvert leaves: the files under MediaConvert's names, a
 * COMPLETE event that lists them, and playlists that hls.js and the completion handler accept.
 */
import { CreateJobCommand, DescribeEndpointsCommand, GetJobCommand, ListJobsCommand, type CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { M3U8Parser, PlaylistLevelType } from 'hls.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobStateChange, rewriteMasterPlaylist } from '../../pipeline/aws/completion-handler.ts';
import { jobFor } from '../../pipeline/aws/upload-trigger.ts';
import { parseMediaPlaylist } from '../../pipeline/hls/index.ts';
import { MEDIA, QUEUE, ROLE, SOURCE_KEY, UPLOADS, startHarness, statusesOf, type Harness } from './test-fixtures.ts';

const VERSION = 'v0mwq8z3k0-1a2b';
const PREFIX = `courses/intro-to-hls/lesson-1/${VERSION}/`;

function lessonJob(): CreateJobCommandInput {
  return jobFor(
    { kind: 'encode', bucket: UPLOADS, key: SOURCE_KEY, courseId: 'intro-to-hls', lessonId: 'lesson-1', sequencer: '0A1B2C' },
    { mediaBucket: MEDIA, mediaConvert: { role: ROLE, queue: QUEUE }, includeOptional: false },
    VERSION,
  );
}

describe('a lesson job from toMediaConvertJob()', () => {
  let h: Harness;
  let jobId: string;

  beforeAll(async () => {
    h = await startHarness({ sourceSeconds: 5 });
    const created = await h.client.send(new CreateJobCommand(lessonJob()));
    jobId = created.Job!.Id!;
    expect(created.Job?.Status).toBe('SUBMITTED');
    await h.standIn.whenIdle();
  });
  afterAll(() => h.close());

  it('answers CreateJob with a SUBMITTED job, its ARN and creation time, before encoding', async () => {
    const job = h.standIn.jobs().find((j) => j.id === jobId)!;
    expect(job.arn).toBe(`arn:aws:mediaconvert:us-east-1:111122223333:jobs/${jobId}`);
    expect(jobId).toMatch(/^\d{13}-[0-9a-z]{6}$/);
    expect(job.queue).toBe(QUEUE);
  });

  it('completes, and GetJob says so with the renditions it made', async () => {
    const { Job } = await h.client.send(new GetJobCommand({ Id: jobId }));
    expect(Job?.Status).toBe('COMPLETE');
    expect(Job?.CreatedAt).toBeInstanceOf(Date);
    expect(Job?.Timing?.FinishTime).toBeInstanceOf(Date);
    expect(Job?.UserMetadata).toMatchObject({ courseId: 'intro-to-hls', lessonId: 'lesson-1', version: VERSION, attempt: '1' });
    expect(Job?.Settings?.OutputGroups?.[0]?.OutputGroupSettings?.CmafGroupSettings?.Destination).toBe(`s3://${MEDIA}/${PREFIX}index`);
    const sizes = Job?.OutputGroupDetails?.[0]?.OutputDetails?.flatMap((o) => (o.VideoDetails ? [`${o.VideoDetails.WidthInPx}x${o.VideoDetails.HeightInPx}`] : []));
    // The 854x480 source allows the ladder's 480p and 360p sizes, never the larger ones.
    expect(sizes).toEqual(['854x480', '640x360']);
  });

  it('emits PROGRESSING, INPUT_INFORMATION, then COMPLETE, in the documented envelope', () => {
    expect(statusesOf(h.events, jobId)).toEqual(['PROGRESSING', 'INPUT_INFORMATION', 'COMPLETE']);
    const complete = h.events.find((e) => e.detail.jobId === jobId && e.detail.status === 'COMPLETE')!;
    expect(complete).toMatchObject({
      version: '0',
      source: 'aws.mediaconvert',
      'detail-type': 'MediaConvert Job State Change',
      account: '111122223333',
      region: 'us-east-1',
      resources: [`arn:aws:mediaconvert:us-east-1:111122223333:jobs/${jobId}`],
      detail: { accountId: '111122223333', queue: QUEUE, jobId, status: 'COMPLETE', userMetadata: { courseId: 'intro-to-hls', version: VERSION } },
    });
    expect(complete.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(typeof complete.detail['timestamp']).toBe('number');
  });

  it('writes the CMAF package and the poster under MediaConvert names', async () => {
    const keys = (await h.keys(MEDIA)).map((k) => k.slice(PREFIX.length));
    expect(keys).toEqual([
      'index.m3u8',
      'index_audio.m3u8',
      'index_audio_000000001.cmfa',
      'index_audio_000000002.cmfa',
      'index_audio_000000003.cmfa',
      'index_audioinit.cmfa',
      'index_video_1.m3u8',
      'index_video_1_000000001.cmfv',
      'index_video_1_000000002.cmfv',
      'index_video_1_000000003.cmfv',
      'index_video_1_thumb.m3u8',
      'index_video_1_thumb_000000001.jpg',
      'index_video_1init.cmfv',
      'index_video_2.m3u8',
      'index_video_2_000000001.cmfv',
      'index_video_2_000000002.cmfv',
      'index_video_2_000000003.cmfv',
      'index_video_2init.cmfv',
      'poster.0000001.jpg',
    ]);
    expect(await h.keys(UPLOADS)).toEqual([SOURCE_KEY]);
  });

  it("lists the group's manifest and the last frame capture in outputGroupDetails, as the docs' example does", () => {
    const complete = h.events.find((e) => e.detail.jobId === jobId && e.detail.status === 'COMPLETE')!;
    const groups = complete.detail['outputGroupDetails'] as Record<string, any>[];
    expect(groups.map((g) => g['type'])).toEqual(['CMAF_GROUP', 'FILE_GROUP']);
    expect(groups[0]!['playlistFilePaths']).toEqual([`s3://${MEDIA}/${PREFIX}index.m3u8`]);
    expect(groups[0]!['outputDetails'][0]).toEqual({ durationInMs: 5000, videoDetails: { widthInPx: 854, heightInPx: 480 } });
    expect(groups[0]!['outputDetails'].every((o: Record<string, unknown>) => !('outputFilePaths' in o))).toBe(true);
    expect(groups[1]!['outputDetails']).toEqual([{ outputFilePaths: [`s3://${MEDIA}/${PREFIX}poster.0000001.jpg`], durationInMs: 5000, videoDetails: { widthInPx: 854, heightInPx: 480 } }]);
  });

  it('writes a multivariant playlist hls.js parses, with the attributes MediaConvert writes', async () => {
    const text = await readFile(join(h.buckets[MEDIA]!, PREFIX, 'index.m3u8'), 'utf8');
    const parsed = M3U8Parser.parseMasterPlaylist(text, `https://cdn.test/${PREFIX}index.m3u8`);
    expect(parsed.levels.map((l) => l.attrs.RESOLUTION)).toEqual(['854x480', '640x360']);
    for (const level of parsed.levels) {
      expect(level.attrs['AVERAGE-BANDWIDTH']).toMatch(/^\d+$/);
      expect(level.attrs.CODECS).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(level.attrs['FRAME-RATE']).toBe('30.000');
      expect(level.attrs.AUDIO).toBe('audio');
      expect(level.bitrate).toBeGreaterThanOrEqual(Number(level.attrs['AVERAGE-BANDWIDTH']));
    }
    const audio = M3U8Parser.parseMasterPlaylistMedia(text, 'https://cdn.test/', parsed);
    expect(audio.AUDIO?.map((a) => a.url)).toEqual([`https://cdn.test/index_audio.m3u8`]);
    expect(text).toContain('#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=');
  });

  it('writes fMP4 media playlists whose init and segments all exist', async () => {
    for (const name of ['index_video_1.m3u8', 'index_video_2.m3u8', 'index_audio.m3u8']) {
      const text = await readFile(join(h.buckets[MEDIA]!, PREFIX, name), 'utf8');
      const details = M3U8Parser.parseLevelPlaylist(text, `https://cdn.test/${PREFIX}${name}`, 0, PlaylistLevelType.MAIN, 0, null);
      expect(details.fragments.length).toBe(3);
      const mine = parseMediaPlaylist(text);
      expect(mine.endList).toBe(true);
      expect(mine.version).toBe(6);
      for (const uri of [mine.mapUri!, ...mine.segments.map((s) => s.uri)]) {
        await expect(readFile(join(h.buckets[MEDIA]!, PREFIX, uri))).resolves.toBeInstanceOf(Buffer);
      }
      // SegmentLength 2, fragments of one 2 s GOP: two 2 s segments, then the last second.
      expect(mine.segments.map((s) => Math.round(s.duration * 10) / 10)).toEqual([2, 2, 1]);
    }
  });

  it('leaves what the completion handler reads: its event parses, every playlist the master names exists', async () => {
    const complete = h.events.find((e) => e.detail.jobId === jobId && e.detail.status === 'COMPLETE')!;
    const change = parseJobStateChange(complete)!;
    expect(change).toMatchObject({ jobId, status: 'COMPLETE', courseId: 'intro-to-hls', lessonId: 'lesson-1', version: VERSION, attempt: 1 });
    const master = change.outputGroups.find((g) => g.type === 'CMAF_GROUP')!.playlistFilePaths[0]!;
    const poster = change.outputGroups.find((g) => g.type === 'FILE_GROUP')!.outputs[0]!.outputFilePaths[0]!;
    const rewritten = rewriteMasterPlaylist(await readFile(join(h.buckets[MEDIA]!, master.replace(`s3://${MEDIA}/`, '')), 'utf8'), VERSION, poster.replace(`s3://${MEDIA}/${PREFIX}`, ''));
    expect(rewritten.playlists.length).toBe(4);
    for (const relative of rewritten.playlists) {
      await expect(readFile(join(h.buckets[MEDIA]!, 'courses/intro-to-hls/lesson-1', relative))).resolves.toBeInstanceOf(Buffer);
    }
    expect(rewritten.thumbnails).toBe(`${VERSION}/index_video_1_thumb.m3u8`);
    expect(rewritten.renditions.map((r) => r.name)).toEqual(['480p', '360p']);
  });

  it('lists the job (ListJobs) and names its own URL as the endpoint (DescribeEndpoints)', async () => {
    const listed = await h.client.send(new ListJobsCommand({ Status: 'COMPLETE' }));
    expect(listed.Jobs?.map((j) => j.Id)).toEqual([jobId]);
    const endpoints = await h.client.send(new DescribeEndpointsCommand({}));
    expect(endpoints.Endpoints).toEqual([{ Url: h.standIn.endpoint }]);
  });

  it('answers a repeated client request token with the original job', async () => {
    const again = await h.client.send(new CreateJobCommand(lessonJob()));
    expect(again.Job?.Id).toBe(jobId);
  });
});

describe('a fixed-size CMAF output with a DASH manifest', () => {
  let h: Harness;
  afterAll(() => h.close());

  it('writes <name><modifier> files, the .mpd beside the .m3u8, and lists both manifests', async () => {
    h = await startHarness({ sourceSeconds: 2 });
    const job: CreateJobCommandInput = {
      Role: ROLE,
      Settings: {
        Inputs: [{ FileInput: `s3://${UPLOADS}/${SOURCE_KEY}`, AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } } }],
        OutputGroups: [
          {
            OutputGroupSettings: {
              Type: 'CMAF_GROUP_SETTINGS',
              CmafGroupSettings: { Destination: `s3://${MEDIA}/dash/`, SegmentLength: 2, FragmentLength: 1, WriteDashManifest: 'ENABLED', CodecSpecification: 'RFC_6381' },
            },
            Outputs: [
              {
                NameModifier: '_360',
                ContainerSettings: { Container: 'CMFC' },
                VideoDescription: { Width: 640, Height: 360, CodecSettings: { Codec: 'H_264', H264Settings: { RateControlMode: 'QVBR', MaxBitrate: 800_000 } } },
              },
              {
                NameModifier: '_aac',
                ContainerSettings: { Container: 'CMFC' },
                AudioDescriptions: [{ CodecSettings: { Codec: 'AAC', AacSettings: { Bitrate: 64_000, CodingMode: 'CODING_MODE_2_0', SampleRate: 48_000 } } }],
              },
            ],
          },
        ],
      },
    };
    const { Job } = await h.client.send(new CreateJobCommand(job));
    await h.standIn.whenIdle();
    expect(h.standIn.jobs()[0]?.status).toBe('COMPLETE');
    // No base name in the destination: the input's file name ("welcome") is the base.
    expect(await h.keys(MEDIA)).toEqual([
      'dash/welcome.m3u8',
      'dash/welcome.mpd',
      'dash/welcome_360.m3u8',
      'dash/welcome_360_000000001.cmfv',
      'dash/welcome_360init.cmfv',
      'dash/welcome_aac.m3u8',
      'dash/welcome_aac_000000001.cmfa',
      'dash/welcome_aacinit.cmfa',
    ]);
    const complete = h.events.find((e) => e.detail.jobId === Job!.Id && e.detail.status === 'COMPLETE')!;
    expect((complete.detail['outputGroupDetails'] as any[])[0].playlistFilePaths).toEqual([`s3://${MEDIA}/dash/welcome.mpd`, `s3://${MEDIA}/dash/welcome.m3u8`]);
    const mpd = await readFile(join(h.buckets[MEDIA]!, 'dash/welcome.mpd'), 'utf8');
    expect(mpd).toContain('media="welcome_360_$Number%09d$.cmfv"');
    expect(mpd).toContain('initialization="welcome_aacinit.cmfa"');
  });
});
