/**
 * Captions through the AWS path, end to end on this machine: a video and its sidecar caption
 * files are put into the uploads bucket (the S3 stand-in, through the real S3 client), each
 * ObjectCreated event goes to the upload trigger, the job runs in the MediaConvert stand-in
 * (real ffmpeg), and its COMPLETE event goes to the completion handler. What a student's player
 * gets is read back from the media bucket: hls.js finds both languages, and the cues play where
 * the files put them.
 */
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { M3U8Parser } from 'hls.js';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3StandIn, toS3Event, type ObjectCreatedRecord, type S3StandIn } from '../../emulator/s3/index.ts';
import { versionsKey } from '../../edge/lesson-versions.ts';
import { decideViewerRequest } from '../../edge/viewer-request/core.ts';
import { makeSource, MEDIA, QUEUE, REGION, ROLE, startHarness, UPLOADS, type Harness } from '../../emulator/mediaconvert/test-fixtures.ts';
import { parseWebVtt } from '../captions/parse-webvtt.ts';
import { parseMaster, parseMediaPlaylist } from '../hls/index.ts';
import { getLesson } from '../lessons.ts';
import { startLocalDynamo, type LocalDynamo } from '../test-dynamo.ts';
import { createCompletionHandler } from './completion-handler.ts';
import { parseCompletionHandlerConfig, parseUploadTriggerConfig } from './config.ts';
import { createUploadTrigger, type UploadTriggerResult } from './upload-trigger.ts';

const COURSE = 'intro-to-hls';
const EN_VTT = 'WEBVTT\n\n00:00.500 --> 00:01.500\nHello\n\n00:03.000 --> 00:05.000 line:80%\nAcross the boundary\n';
const ES_SRT = '1\n00:00:01,000 --> 00:00:02,000\nHola\n\n2\n00:00:04,500 --> 00:00:05,500\nAdiós\n';

let h: Harness;
let s3Stand: S3StandIn;
let db: LocalDynamo;
let s3: S3Client;
let mediaConvert: MediaConvertClient;
const created: ObjectCreatedRecord[] = [];
let versions = 0;

beforeAll(async () => {
  h = await startHarness();
  await mkdir(join(h.dir, 'meta'), { recursive: true });
  s3Stand = await startS3StandIn({ buckets: h.buckets, metadataRoot: join(h.dir, 'meta'), onObjectCreated: (r) => void created.push(r) });
  db = await startLocalDynamo('lectern-upload-captions-');
  const local = { region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  s3 = new S3Client({ ...local, endpoint: s3Stand.endpoint, forcePathStyle: true });
  mediaConvert = new MediaConvertClient({ ...local, endpoint: h.standIn.endpoint });
});

afterAll(async () => {
  s3?.destroy();
  mediaConvert?.destroy();
  await s3Stand?.close();
  await db?.close();
  await h?.close();
});

const quiet = () => undefined;
const newVersion = () => `v0mwqc0${String(versions++).padStart(3, '0')}-cafe`;

function trigger() {
  const config = parseUploadTriggerConfig({ region: REGION, lessonsTable: db.lessonsTable, uploadsBucket: UPLOADS, mediaBucket: MEDIA, mediaConvert: { role: ROLE, queue: QUEUE } });
  return createUploadTrigger(config, { mediaConvert, dynamo: db.dynamo, s3, newVersion, log: quiet });
}

/** Puts the files in this order, then delivers their events in the same order. */
async function upload(lessonId: string, files: Record<string, string | Buffer>): Promise<UploadTriggerResult[]> {
  const from = created.length;
  for (const [name, body] of Object.entries(files)) {
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: `uploads/${COURSE}/${lessonId}/${name}`, Body: body }));
  }
  await s3Stand.whenIdle();
  const handle = trigger();
  const results: UploadTriggerResult[] = [];
  for (const record of created.slice(from)) results.push(await handle(toS3Event({ ...record, region: REGION })));
  return results;
}

async function complete(jobId: string) {
  await h.standIn.whenIdle();
  const event = h.events.find((e) => e.detail.jobId === jobId && e.detail.status === 'COMPLETE');
  expect(event, `a COMPLETE event for job ${jobId}`).toBeDefined();
  const config = parseCompletionHandlerConfig({ region: REGION, lessonsTable: db.lessonsTable, mediaBucket: MEDIA, keyValueStoreArn: null });
  return createCompletionHandler(config, { s3, mediaConvert, dynamo: db.dynamo, keyValueStore: null, newVersion, log: quiet })(event);
}

const mediaFile = (key: string) => readFile(join(h.buckets[MEDIA]!, ...key.split('/')), 'utf8');

describe('a video uploaded with x.en.vtt and x.es.srt beside it', () => {
  const prefix = `courses/${COURSE}/lesson-1`;
  let jobId: string;

  beforeAll(async () => {
    const video = join(h.dir, 'talk.mp4');
    await makeSource(video, 6);
    // Captions first, then the video: the video's event sees both files (the captions' events come before any video and do nothing).
    const results = await upload('lesson-1', { 'talk.en.vtt': EN_VTT, 'talk.es.srt': ES_SRT, 'talk.mp4': await readFile(video) });
    expect(results.slice(0, 2).map((r) => r.skipped[0]?.reason)).toEqual([expect.stringMatching(/no video/), expect.stringMatching(/no video/)]);
    expect(results[2]!.submitted).toHaveLength(1);
    jobId = results[2]!.submitted[0]!.jobId;
  });

  it('is published with both subtitle renditions, which hls.js finds in the group every variant names', async () => {
    expect(await complete(jobId)).toMatchObject({ outcome: 'published', manifestKey: `${prefix}/master.m3u8` });
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1')).toMatchObject({ status: 'published' });
    const text = await mediaFile(`${prefix}/master.m3u8`);
    const base = `https://cdn.test/${prefix}/master.m3u8`;
    const parsed = M3U8Parser.parseMasterPlaylist(text, base);
    expect(parsed.levels.length).toBeGreaterThan(0);
    expect(parsed.levels.every((l) => l.attrs.SUBTITLES === 'subs')).toBe(true);
    const media = M3U8Parser.parseMasterPlaylistMedia(text, base, parsed);
    expect(media.SUBTITLES?.map((s) => [s.lang, s.name, s.default])).toEqual([
      ['en', 'English', false],
      ['es', 'Español', false],
    ]);
  });

  it('plays each cue in the segments of its time, on the video segment timeline', async () => {
    const master = parseMaster(await mediaFile(`${prefix}/master.m3u8`), `https://cdn.test/${prefix}/master.m3u8`);
    const videoPlaylist = parseMediaPlaylist(await mediaFile(new URL(master.variants[0]!.url).pathname.slice(1)));
    const cuesOf = async (language: string) => {
      const track = master.subtitles.find((s) => s.language === language)!;
      const key = new URL(track.url).pathname.slice(1);
      const playlist = parseMediaPlaylist(await mediaFile(key));
      expect(playlist.segments.map((s) => s.duration)).toEqual(videoPlaylist.segments.map((s) => s.duration));
      const folder = key.slice(0, key.lastIndexOf('/') + 1);
      const out: [number, number, string][][] = [];
      for (const s of playlist.segments) {
        expect(s.uri).toMatch(new RegExp(`^index_captions_${language}_\\d{9}\\.vtt$`));
        const vtt = await mediaFile(`${folder}${s.uri}`);
        expect(vtt).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000\n/);
        out.push(parseWebVtt(vtt, s.uri).cues.map((c) => [c.startMs, c.endMs, c.text]));
      }
      return out;
    };
    // 4 s segments: a cue across the boundary is in both, as RFC 8216 requires.
    expect(await cuesOf('en')).toEqual([
      [[500, 1500, 'Hello'], [3000, 5000, 'Across the boundary']],
      [[3000, 5000, 'Across the boundary']],
    ]);
    expect(await cuesOf('es')).toEqual([[[1000, 2000, 'Hola']], [[4500, 5500, 'Adiós']]]);
  });
  it('is let through by the viewer-request function, every subtitle playlist and segment', async () => {
    const version = (await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1'))!.publishedVersion!;
    const files = (await h.keys(MEDIA)).filter((k) => k.startsWith(`${prefix}/${version}/`) && k.includes('_captions_'));
    expect(files).toHaveLength(6);
    for (const key of files) {
      const uri = `/${key}`;
      const decision = await decideViewerRequest(
        { method: 'GET', uri, querystring: '', headers: {} },
        { nextLesson: async () => undefined, servedVersions: async (k) => (k === versionsKey(COURSE, 'lesson-1') ? version : undefined) },
      );
      expect(decision, uri).toEqual({ kind: 'pass', uri });
    }
  });
});

describe('a sidecar uploaded after its video', () => {
  it('re-encodes the lesson into a new version that has every sidecar, the earlier one superseded', async () => {
    const video = join(h.dir, 'late.mp4');
    await makeSource(video, 2);
    const first = await upload('lesson-3', { 'late.mp4': await readFile(video), 'late.en.vtt': 'WEBVTT\n\n00:00.500 --> 00:01.500\nHello\n' });
    const [videoJob, captionsJob] = [first[0]!.submitted[0]!, first[1]!.submitted[0]!];
    expect(captionsJob.version).not.toBe(videoJob.version);
    // The first job's completion is ignored: the record names the second.
    expect(await complete(videoJob.jobId)).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/superseded/) });
    expect(await complete(captionsJob.jobId)).toMatchObject({ outcome: 'published' });
    const master = parseMaster(await mediaFile(`courses/${COURSE}/lesson-3/master.m3u8`), 'https://cdn.test/');
    expect(master.subtitles.map((s) => [s.language, new URL(s.url).pathname])).toEqual([['en', `/${captionsJob.version}/index_captions_en.m3u8`]]);
    expect(master.variants.every((v) => v.url.includes(`/${captionsJob.version}/`))).toBe(true);
  });
});

describe('a video uploaded with a malformed sidecar', () => {
  it('publishes nothing: the lesson is failed with the file and line, and no job is created', async () => {
    const jobsBefore = h.standIn.jobs().length;
    const video = join(h.dir, 'bad.mp4');
    await makeSource(video, 2);
    const results = await upload('lesson-2', { 'bad.en.vtt': 'WEBVTT\n\n00:00:01.000 --> nonsense\nHello\n', 'bad.mp4': await readFile(video) });
    expect(results.at(-1)!.refused).toEqual([{ courseId: COURSE, lessonId: 'lesson-2', message: expect.stringMatching(/^bad\.en\.vtt:3: /) }]);
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-2')).toMatchObject({ status: 'failed', errorKind: 'captions' });
    await h.standIn.whenIdle();
    expect(h.standIn.jobs()).toHaveLength(jobsBefore);
    expect((await h.keys(MEDIA)).filter((k) => k.startsWith(`courses/${COURSE}/lesson-2/`))).toEqual([]);
  });
});
