/**
 * Automatic captions end to end, every AWS service a local stand-in behind the real SDK
 * clients: an upload encoded by the MediaConvert stand-in, published by the completion handler
 * (which starts the Transcribe job), the Transcribe stand-in writing its WebVTT, and the
 * transcribe handler publishing it as a machine-generated rendition of the lesson. A human
 * track of the language suppresses it; a failure never unpublishes the lesson.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand } from '@aws-sdk/client-mediaconvert';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TranscribeClient } from '@aws-sdk/client-transcribe';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3StandIn, type S3StandIn } from '../../emulator/s3/index.ts';
import { startTranscribeStandIn, type TranscribeEvent, type TranscribeStandIn } from '../../emulator/transcribe/index.ts';
import { MEDIA, QUEUE, ROLE, SOURCE_KEY, UPLOADS, startHarness, type Harness } from '../../emulator/mediaconvert/test-fixtures.ts';
import { parseMediaPlaylist, subtitleTracksOf, withSubtitles } from '../hls/index.ts';
import { getLesson, prepareLesson } from '../lessons.ts';
import { startLocalDynamo, type LocalDynamo } from '../test-dynamo.ts';
import { lessonKey } from '../../tables/lessons.ts';
import { startAutoCaptions } from './auto-captions.ts';
import { createCompletionHandler } from './completion-handler.ts';
import { parseCompletionHandlerConfig, parseTranscribeHandlerConfig } from './config.ts';
import { createTranscribeHandler } from './transcribe-handler.ts';
import { jobFor } from './upload-trigger.ts';

const COURSE = 'intro-to-hls';
const LESSON = 'lesson-1';
const VERSION = 'v0mwq8z3k0-1a2b';
const MASTER_KEY = `courses/${COURSE}/${LESSON}/master.m3u8`;
const CUES = [
  { startMs: 500, endMs: 2_000, text: 'Welcome to the course.' },
  { startMs: 3_500, endMs: 4_500, text: 'This cue spans a segment boundary.' },
];
const quiet = () => undefined;

let h: Harness;
let db: LocalDynamo;
let s3Server: S3StandIn;
let transcribeServer: TranscribeStandIn;
let s3: S3Client;
let transcribe: TranscribeClient;
const transcribeEvents: TranscribeEvent[] = [];
let completed: TranscribeEvent;
let complete: unknown;
const completion = () => createCompletionHandler(autoConfig(), { s3, mediaConvert: h.client, dynamo: db.dynamo, keyValueStore: null, transcribe, log: quiet });

const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: MEDIA, Key: key }))).Body!.transformToString('utf-8'));
const putMaster = (body: string) => s3.send(new PutObjectCommand({ Bucket: MEDIA, Key: MASTER_KEY, Body: body, ContentType: 'application/vnd.apple.mpegurl' }));
const record = async () => (await db.dynamo.send(new GetItemCommand({ TableName: db.lessonsTable, Key: lessonKey(COURSE, LESSON) }))).Item!;
const transcribeHandler = () =>
  createTranscribeHandler(parseTranscribeHandlerConfig({ region: 'us-east-1', lessonsTable: db.lessonsTable, mediaBucket: MEDIA }), { s3, transcribe, dynamo: db.dynamo, log: quiet });
const autoConfig = () => parseCompletionHandlerConfig({
  region: 'us-east-1', lessonsTable: db.lessonsTable, mediaBucket: MEDIA, keyValueStoreArn: null, autoCaptions: { language: 'en-US', uploadsBucket: UPLOADS },
});

beforeAll(async () => {
  h = await startHarness({ sourceSeconds: 8 });
  db = await startLocalDynamo('lectern-autocap-');
  s3Server = await startS3StandIn({ buckets: h.buckets, metadataRoot: join(h.dir, 's3-metadata') });
  transcribeServer = await startTranscribeStandIn({
    region: 'us-east-1',
    account: '111122223333',
    bucketRoot: (b) => h.buckets[b],
    // The stand-in's one deliberate difference: it is told what is said in the upload.
    transcripts: ({ mediaUri }) => (mediaUri === `s3://${UPLOADS}/${SOURCE_KEY}` ? { cues: CUES } : undefined),
    emit: (e) => {
      transcribeEvents.push(e);
    },
  });
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
  s3 = new S3Client({ ...local, endpoint: s3Server.endpoint, forcePathStyle: true });
  transcribe = new TranscribeClient({ ...local, endpoint: transcribeServer.endpoint });

  await prepareLesson(db.dynamo, db.lessonsTable, { courseId: COURSE, lessonId: LESSON, status: 'encoding', sourceKey: SOURCE_KEY });
  const action = { kind: 'encode' as const, bucket: UPLOADS, key: SOURCE_KEY, courseId: COURSE, lessonId: LESSON, sequencer: '0A' };
  await h.client.send(new CreateJobCommand(jobFor(action, { mediaBucket: MEDIA, mediaConvert: { role: ROLE, queue: QUEUE }, includeOptional: false }, VERSION)));
  await h.standIn.whenIdle();
  complete = h.events.find((e) => e.detail.status === 'COMPLETE')!;
  const result = await completion()(complete);
  expect(result).toMatchObject({ outcome: 'published' });
  await transcribeServer.whenIdle();
  completed = transcribeEvents.find((e) => e.detail.TranscriptionJobStatus === 'COMPLETED')!;
}, 180_000);

afterAll(async () => {
  s3?.destroy();
  transcribe?.destroy();
  await transcribeServer?.close();
  await s3Server?.close();
  await db?.close();
  await h?.close();
});

describe('a lesson published with automatic captions on', () => {
  it('starts one Transcribe job on the upload, with WebVTT into the version folder under transcripts/', () => {
    const jobs = transcribeServer.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.request).toMatchObject({
      name: `lectern.${COURSE}.${LESSON}.${VERSION}.en-US`,
      mediaUri: `s3://${UPLOADS}/${SOURCE_KEY}`,
      outputBucket: MEDIA,
      outputKey: `transcripts/${COURSE}/${LESSON}/${VERSION}/`,
      subtitles: { formats: ['vtt'], startIndex: 1 },
    });
    expect(completed.detail.TranscriptionJobName).toBe(jobs[0]!.request.name);
  });

  it('is not captioned while a human track of the language exists, and the master is left as it was', async () => {
    const original = await text(MASTER_KEY);
    const withHuman = withSubtitles(original, [{ language: 'en', name: 'English', uri: `${VERSION}/subs/en.r0000000001abcd.m3u8` }]);
    await putMaster(withHuman);
    try {
      expect(await transcribeHandler()(completed)).toEqual({ outcome: 'skipped', reason: 'the lesson has human en captions' });
      expect(await text(MASTER_KEY)).toBe(withHuman);
      expect((await record())['autoCaptionsState']?.S).toBe('skipped');
      // And no new job is started for it.
      expect(await startAutoCaptions(autoConfig(), { s3, dynamo: db.dynamo, transcribe, log: quiet }, { courseId: COURSE, lessonId: LESSON, version: VERSION })).toEqual({
        outcome: 'skipped', reason: 'the lesson has human en captions',
      });
      expect(transcribeServer.jobs()).toHaveLength(1);
    } finally {
      await putMaster(original);
    }
  });

  it('gets a machine-generated rendition in its master once the job completes, named so, with the cues at their times', async () => {
    const result = await transcribeHandler()(completed);
    expect(result).toMatchObject({ outcome: 'published', language: 'en-US', cues: 2 });
    const master = await text(MASTER_KEY);
    const [track] = subtitleTracksOf(master);
    expect(track).toMatchObject({ language: 'en-US', name: 'English (US, auto-generated)' });
    expect(track!.uri).toMatch(new RegExp(`^${VERSION}/subs/en-US\\.auto-r[0-9a-z]+\\.m3u8$`));
    expect(master).toMatch(/#EXT-X-STREAM-INF:[^\n]*SUBTITLES="subs"/);

    // Cut on the video's own segments (2 s), each segment timed by X-TIMESTAMP-MAP.
    const lessonDir = `courses/${COURSE}/${LESSON}`;
    const subs = parseMediaPlaylist(await text(`${lessonDir}/${track!.uri}`));
    const video = parseMediaPlaylist(await text(`${lessonDir}/${master.split('\n').find((l) => l.startsWith(`${VERSION}/`) && l.endsWith('.m3u8'))}`));
    expect(subs.segments.map((s) => s.duration)).toEqual(video.segments.map((s) => s.duration));
    expect(video.segments[0]!.duration).toBeGreaterThan(1.5);
    expect(video.segments[0]!.duration).toBeLessThan(2.5);
    const folder = track!.uri.split('/').slice(0, -1).join('/');
    const [first, second, third] = await Promise.all(subs.segments.slice(0, 3).map((seg) => text(`${lessonDir}/${folder}/${seg.uri}`)));
    expect(first).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000\n/);
    expect(first).toContain('00:00:00.500 --> 00:00:02.000\nWelcome to the course.');
    expect(second).toContain('00:00:03.500 --> 00:00:04.500\nThis cue spans a segment boundary.');
    expect(third).toContain('00:00:03.500 --> 00:00:04.500\nThis cue spans a segment boundary.');
    expect(second).not.toContain('Welcome');
    expect(first).not.toContain('spans');
    const head = await s3.send(new HeadObjectCommand({ Bucket: MEDIA, Key: `${lessonDir}/${folder}/${subs.segments[0]!.uri}` }));
    expect(head.ContentType).toBe('text/vtt; charset=utf-8');

    const item = await record();
    expect(item['autoCaptionsState']?.S).toBe('published');
    expect(item['autoCaptionsJob']?.S).toBe(completed.detail.TranscriptionJobName);
    expect((await getLesson(db.dynamo, db.lessonsTable, COURSE, LESSON))?.status).toBe('published');
  });

  it('replaces its own earlier automatic track on a repeated event, never adding a second one', async () => {
    const before = subtitleTracksOf(await text(MASTER_KEY));
    expect(await transcribeHandler()(completed)).toMatchObject({ outcome: 'published' });
    const after = subtitleTracksOf(await text(MASTER_KEY));
    expect(after).toHaveLength(1);
    expect(after[0]!.uri).not.toBe(before[0]!.uri);
  });

  it('keeps the rendition when MediaConvert\'s COMPLETE is delivered again and the lesson is published anew', async () => {
    expect(await completion()(complete)).toMatchObject({ outcome: 'published' });
    expect(subtitleTracksOf(await text(MASTER_KEY))).toEqual([expect.objectContaining({ language: 'en-US', name: 'English (US, auto-generated)' })]);
    expect(transcribeServer.jobs()).toHaveLength(1);
  });
});

describe('failures leave the lesson published', () => {
  it('records a FAILED job and leaves the master alone', async () => {
    const master = await text(MASTER_KEY);
    const failed = { ...completed, detail: { ...completed.detail, TranscriptionJobStatus: 'FAILED', FailureReason: 'Unsupported media format' } };
    expect(await transcribeHandler()(failed)).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/Unsupported media format/) });
    expect(await text(MASTER_KEY)).toBe(master);
    expect((await record())['autoCaptionsState']?.S).toBe('failed');
    expect((await getLesson(db.dynamo, db.lessonsTable, COURSE, LESSON))?.status).toBe('published');
  });

  it('records a job that cannot start (the upload is gone) without throwing', async () => {
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: COURSE, lessonId: 'lesson-2', status: 'encoding', sourceKey: 'uploads/intro-to-hls/lesson-2/gone.mp4' });
    const started = await startAutoCaptions(autoConfig(), { s3, dynamo: db.dynamo, transcribe, log: quiet }, { courseId: COURSE, lessonId: 'lesson-2', version: VERSION });
    // lesson-2 has no master yet: that read fails first, and is recorded like any other failure.
    expect(started).toMatchObject({ outcome: 'failed' });
    const item = (await db.dynamo.send(new GetItemCommand({ TableName: db.lessonsTable, Key: lessonKey(COURSE, 'lesson-2') }))).Item!;
    expect(item['autoCaptionsState']?.S).toBe('failed');
  });

  it("ignores events of other projects' jobs and of versions the lesson no longer serves", async () => {
    const other = { ...completed, detail: { TranscriptionJobName: 'podcast_2_episode_89', TranscriptionJobStatus: 'COMPLETED' } };
    expect(await transcribeHandler()(other)).toMatchObject({ outcome: 'ignored' });
    const older = { ...completed, detail: { TranscriptionJobName: `lectern.${COURSE}.${LESSON}.v0mwq8z3k0-0000.en-US`, TranscriptionJobStatus: 'COMPLETED' } };
    expect(await transcribeHandler()(older)).toEqual({ outcome: 'ignored', reason: `the lesson now serves ${VERSION}, not v0mwq8z3k0-0000` });
  });
});
