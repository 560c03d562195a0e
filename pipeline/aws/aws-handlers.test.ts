/**
 * The upload trigger and the completion handler, fed the documented event shapes (fixtures/),
 * with real AWS SDK clients pointed at local servers: dynalite for DynamoDB, and
 * tests/support/fake-aws.ts for S3, MediaConvert and CloudFront KeyValueStore (SigV4a-signed).
 */
import '@aws-sdk/signature-v4a';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopbackAgent, startFakeAws, type FakeAws } from '../../tests/support/fake-aws.ts';
import { getLesson, markPublished, prepareLesson } from '../lessons.ts';
import { startLocalDynamo, type LocalDynamo } from '../test-dynamo.ts';
import { setLessonOrder, writeBeforeEncode } from '../../tables/lesson-writes.ts';
import { parseCompletionHandlerConfig, parseUploadTriggerConfig, type CompletionHandlerConfig, type UploadTriggerConfig } from './config.ts';
import { createCompletionHandler, kvsChanges, shouldRetry } from './completion-handler.ts';
import { createUploadTrigger, decodeS3Key, planUploadEvent, sequencerNewer } from './upload-trigger.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const MASTER = readFileSync(new URL('./fixtures/mediaconvert-master.m3u8', import.meta.url), 'utf8');
const UPLOADS = 'lectern-uploads-example';
const MEDIA = 'lectern-media-example';
const KVS_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const ROLE = 'arn:aws:iam::111122223333:role/lectern-mediaconvert';
const COURSE = 'intro-to-hls';

let db: LocalDynamo;
let aws: FakeAws;
let mediaConvert: MediaConvertClient;
let s3: S3Client;
let kvs: CloudFrontKeyValueStoreClient;
let uploadConfig: UploadTriggerConfig;
let completionConfig: CompletionHandlerConfig;
let versions = 0;
const newVersion = () => `v0mwq9a${String(versions++).padStart(3, '0')}-beef`;
const quiet = () => undefined;

beforeAll(async () => {
  db = await startLocalDynamo('lectern-aws-');
  aws = await startFakeAws();
  const local = { region: 'us-east-1', endpoint: aws.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  mediaConvert = new MediaConvertClient({ ...local, maxAttempts: 1 });
  s3 = new S3Client({ ...local, forcePathStyle: true, maxAttempts: 1 });
  // A host name, not an IP: KeyValueStore's endpoint rules prefix the account id to it.
  kvs = new CloudFrontKeyValueStoreClient({ ...local, endpoint: aws.endpoint.replace('127.0.0.1', 'fake-aws.test'), maxAttempts: 1, requestHandler: { httpAgent: loopbackAgent() } });
  uploadConfig = parseUploadTriggerConfig({
    region: 'us-east-1',
    lessonsTable: db.lessonsTable,
    uploadsBucket: UPLOADS,
    mediaBucket: MEDIA,
    mediaConvert: { role: ROLE },
  });
  completionConfig = parseCompletionHandlerConfig({ region: 'us-east-1', lessonsTable: db.lessonsTable, mediaBucket: MEDIA, keyValueStoreArn: KVS_ARN });
});

afterAll(async () => {
  mediaConvert?.destroy();
  s3?.destroy();
  kvs?.destroy();
  await aws?.close();
  await db?.close();
});

beforeEach(() => {
  aws.requests.length = 0;
});

const trigger = (config: Partial<UploadTriggerConfig> = {}) =>
  createUploadTrigger({ ...uploadConfig, ...config }, { mediaConvert, dynamo: db.dynamo, s3, newVersion, log: quiet });
const completion = () => createCompletionHandler(completionConfig, { s3, mediaConvert, dynamo: db.dynamo, keyValueStore: kvs, newVersion, log: quiet });

function createJobBody(): Record<string, any> {
  const request = aws.requests.filter((r) => r.service === 'mediaconvert' && r.method === 'POST').pop();
  expect(request, 'a CreateJob request').toBeDefined();
  return JSON.parse(request!.body);
}

describe('upload trigger: pure parts', () => {
  it('decodes S3 notification keys (+ is a space) and compares sequencers as padded hex', () => {
    expect(decodeS3Key('uploads/c/l/01+Welcome+%28final%29.mp4')).toBe('uploads/c/l/01 Welcome (final).mp4');
    expect(sequencerNewer('0055AED6DCD90281E6', '0055AED6DCD90281E5')).toBe(true);
    expect(sequencerNewer('55AED6DCD90281E5', '0055AED6DCD90281E5')).toBe(false);
    expect(sequencerNewer('0A', undefined)).toBe(true);
  });

  it('skips what is not a lesson upload, saying why', () => {
    const event = fixture('s3-object-created.json');
    const record = event.Records[0];
    const variants = [
      { ...record, s3: { ...record.s3, bucket: { name: 'someone-else' } } },
      { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: 'uploads/Bad_Course/l1/a.mp4' } } },
      { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: 'uploads/c/l/deeper/a.mp4' } } },
      { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: 'uploads/c/l/notes.txt' } } },
      { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: 'uploads/c/l/' } } },
      { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: 'uploads/c/l/a.mp4', size: 0 } } },
      { ...record, eventName: 'ObjectRemoved:Delete' },
    ];
    const { actions, skipped } = planUploadEvent({ Records: variants }, uploadConfig);
    expect(actions).toEqual([]);
    expect(skipped).toHaveLength(6);
    expect(planUploadEvent({ hello: 'world' }, uploadConfig).skipped[0]!.reason).toMatch(/not an S3/);
  });
});

describe('upload trigger, S3 ObjectCreated -> MediaConvert CreateJob', () => {
  it('submits the ladder job with course, lesson, version, attempt and source in user metadata, and records the lesson', async () => {
    const result = await trigger()(fixture('s3-object-created.json'));
    expect(result.submitted).toHaveLength(1);
    const body = createJobBody();
    const version = body.userMetadata.version;
    expect(body.userMetadata).toEqual({
      courseId: COURSE,
      lessonId: 'lesson-1',
      version,
      attempt: '1',
      sourceKey: 'uploads/intro-to-hls/lesson-1/01 Welcome (final).mp4',
      trigger: 'encode',
    });
    expect(body.role).toBe(ROLE);
    expect(body.clientRequestToken).toMatch(/^[0-9a-f]{64}$/);
    expect(body.settings.inputs[0].fileInput).toBe(`s3://${UPLOADS}/uploads/intro-to-hls/lesson-1/01 Welcome (final).mp4`);
    expect(body.settings.outputGroups[0].outputGroupSettings.cmafGroupSettings.destination).toBe(`s3://${MEDIA}/courses/${COURSE}/lesson-1/${version}/index`);
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1')).toMatchObject({
      status: 'encoding',
      sourceKey: 'uploads/intro-to-hls/lesson-1/01 Welcome (final).mp4',
      jobId: result.submitted[0]!.jobId,
      uploadSequencer: '0055AED6DCD90281E5',
    });
  });

  it('does not submit a second job for a repeated (or older) event', async () => {
    const result = await trigger()(fixture('s3-object-created.json'));
    expect(result.submitted).toEqual([]);
    expect(result.skipped[0]!.reason).toMatch(/duplicate|already handled/);
    expect(aws.requests.filter((r) => r.service === 'mediaconvert')).toEqual([]);
  });

  it('takes the EventBridge form of the S3 event as well', async () => {
    const result = await trigger()(fixture('eventbridge-s3-object-created.json'));
    expect(result.submitted.map((s) => s.lessonId)).toEqual(['lesson-2']);
    expect(createJobBody().settings.inputs[0].fileInput).toBe(`s3://${UPLOADS}/uploads/intro-to-hls/lesson-2/02 The edge.mov`);
  });

  it('only registers the upload (pending + source) when encodes are on demand', async () => {
    const event = fixture('s3-object-created.json');
    event.Records[0].s3.object.key = 'uploads/intro-to-hls/lesson-9/nine.mp4';
    const result = await trigger({ encodeOnUpload: false })(event);
    expect(result.registered).toEqual([{ courseId: COURSE, lessonId: 'lesson-9', sourceKey: 'uploads/intro-to-hls/lesson-9/nine.mp4' }]);
    expect(aws.requests.filter((r) => r.service === 'mediaconvert')).toEqual([]);
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-9')).toMatchObject({ status: 'pending', sourceKey: 'uploads/intro-to-hls/lesson-9/nine.mp4' });
  });

  it('submits the job for an on-demand encode request (the cookie issuer async invoke)', async () => {
    const result = await trigger()({ type: 'lectern.encode-request', courseId: COURSE, lessonId: 'lesson-9', sourceKey: 'uploads/intro-to-hls/lesson-9/nine.mp4' });
    expect(result.submitted).toHaveLength(1);
    expect(createJobBody().userMetadata.trigger).toBe('on-demand');
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-9')).toMatchObject({ status: 'encoding', jobId: result.submitted[0]!.jobId });
  });

  it('ignores an encode request whose source is outside the lesson folder', async () => {
    const result = await trigger()({ type: 'lectern.encode-request', courseId: COURSE, lessonId: 'lesson-9', sourceKey: 'uploads/other/lesson-1/x.mp4' });
    expect(result.submitted).toEqual([]);
    expect(aws.requests).toEqual([]);
  });

  it('records a submission failure (upload) or puts the lesson back to pending (on demand), and throws for Lambda to retry', async () => {
    const event = fixture('s3-object-created.json');
    event.Records[0].s3.object.key = 'uploads/intro-to-hls/lesson-8/eight.mp4';
    aws.failNext('mediaconvert', 400, 'BadRequestException');
    await expect(trigger()(event)).rejects.toThrow();
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-8')).toMatchObject({ status: 'failed', errorKind: 'submit' });

    // Back to `encoding` (the failed record is not published, so the status is set).
    const failed = await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-8');
    await writeBeforeEncode(db.dynamo, db.lessonsTable, COURSE, 'lesson-8', failed, { status: 'encoding' }, new Date().toISOString());
    expect((await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-8'))?.status).toBe('encoding');
    aws.failNext('mediaconvert', 400, 'BadRequestException');
    await expect(trigger()({ type: 'lectern.encode-request', courseId: COURSE, lessonId: 'lesson-8', sourceKey: 'uploads/intro-to-hls/lesson-8/eight.mp4' })).rejects.toThrow();
    expect((await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-8'))?.status).toBe('pending');
  });
});

describe('upload trigger, sidecar caption files beside the upload', () => {
  const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello\n';
  const SRT = '1\n00:00:01,000 --> 00:00:03,000\nHola\n';
  const uploadOf = (key: string, sequencer = '0055AED6DCD90281E5') => {
    const event = fixture('s3-object-created.json');
    event.Records[0].s3.object.key = key;
    event.Records[0].s3.object.sequencer = sequencer;
    return event;
  };
  const mediaConvertRequests = () => aws.requests.filter((r) => r.service === 'mediaconvert');

  it('reads and checks them, then submits a caption selector and a WebVTT output for each language', async () => {
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-3/talk.es.srt', SRT);
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-3/talk.en.vtt', VTT);
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-3/outtakes.fr.vtt', VTT);
    const result = await trigger()(uploadOf('uploads/intro-to-hls/lesson-3/talk.mp4'));
    expect(result.submitted).toHaveLength(1);
    const body = createJobBody();
    expect(body.settings.inputs[0].captionSelectors).toEqual({
      'Caption Selector 1': { sourceSettings: { sourceType: 'WEBVTT', fileSourceSettings: { sourceFile: `s3://${UPLOADS}/uploads/intro-to-hls/lesson-3/talk.en.vtt` } } },
      'Caption Selector 2': { sourceSettings: { sourceType: 'SRT', fileSourceSettings: { sourceFile: `s3://${UPLOADS}/uploads/intro-to-hls/lesson-3/talk.es.srt` } } },
    });
    const captions = body.settings.outputGroups[0].outputs.flatMap((o: any) => o.captionDescriptions ?? []);
    expect(captions.map((c: any) => [c.customLanguageCode, c.languageDescription, c.captionSelectorName])).toEqual([
      ['en', 'English', 'Caption Selector 1'],
      ['es', 'Español', 'Caption Selector 2'],
    ]);
  });

  it('marks the lesson failed with the file and line of a malformed sidecar, and submits nothing', async () => {
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-4/talk.en.vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:xx\nHello\n');
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-4/talk.es.srt', SRT);
    const result = await trigger()(uploadOf('uploads/intro-to-hls/lesson-4/talk.mp4'));
    expect(result.submitted).toEqual([]);
    expect(result.refused).toEqual([{ courseId: COURSE, lessonId: 'lesson-4', message: expect.stringMatching(/^talk\.en\.vtt:3: /) }]);
    expect(mediaConvertRequests()).toEqual([]);
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-4')).toMatchObject({ status: 'failed', errorKind: 'captions', error: expect.stringMatching(/^talk\.en\.vtt:3: /) });
  });

  it('refuses a sidecar whose language part is no language tag, naming the file', async () => {
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-5/talk.english.vtt', VTT);
    const result = await trigger()(uploadOf('uploads/intro-to-hls/lesson-5/talk.mp4'));
    expect(result.refused[0]!.message).toMatch(/talk\.english\.vtt: "english" is not a language tag/);
    expect(mediaConvertRequests()).toEqual([]);
  });

  it('refuses a caption file too large to be one without reading it', async () => {
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-10/talk.en.vtt', Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
    const result = await trigger()(uploadOf('uploads/intro-to-hls/lesson-10/talk.mp4'));
    expect(result.refused[0]!.message).toBe('talk.en.vtt: the file is 10485761 bytes: caption files are at most 10485760 bytes');
    expect(aws.requests.filter((r) => r.method === 'GET' && r.path.includes('talk.en.vtt'))).toEqual([]);
    expect(mediaConvertRequests()).toEqual([]);
  });

  it('re-submits the lesson with every sidecar when one arrives after its video, keeping the video event order intact', async () => {
    aws.putObject(UPLOADS, 'uploads/intro-to-hls/lesson-3/talk.pt-br.vtt', VTT);
    const result = await trigger()(uploadOf('uploads/intro-to-hls/lesson-3/talk.pt-br.vtt', '0055AED6DCD9FFFFFF'));
    expect(result.submitted).toHaveLength(1);
    const body = createJobBody();
    expect(body.settings.inputs[0].fileInput).toBe(`s3://${UPLOADS}/uploads/intro-to-hls/lesson-3/talk.mp4`);
    expect(Object.keys(body.settings.inputs[0].captionSelectors)).toHaveLength(3);
    expect(body.settings.outputGroups[0].outputs.flatMap((o: any) => (o.captionDescriptions ?? []).map((c: any) => c.customLanguageCode))).toEqual(['en', 'es', 'pt-BR']);
    expect(body.userMetadata).toMatchObject({ trigger: 'captions', sourceKey: 'uploads/intro-to-hls/lesson-3/talk.mp4' });
    // The caption file's sequencer is not the video's: the record keeps the video's.
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-3')).toMatchObject({ status: 'encoding', jobId: result.submitted[0]!.jobId, uploadSequencer: '0055AED6DCD90281E5' });
  });

  it('does nothing for a caption file with no video of its name in the lesson yet, saying why', async () => {
    const early = await trigger()(uploadOf('uploads/intro-to-hls/lesson-7/talk.en.vtt'));
    expect(early.skipped[0]!.reason).toMatch(/no video for talk\.en\.vtt in the lesson yet/);
    const stranger = await trigger()(uploadOf('uploads/intro-to-hls/lesson-3/outtakes.fr.vtt'));
    expect(stranger.skipped[0]!.reason).toMatch(/not a caption file of the lesson's video talk\.mp4/);
    expect(mediaConvertRequests()).toEqual([]);
  });
});

describe('completion handler: pure parts', () => {
  // rewriteMasterPlaylist: completion-rewrite.test.ts.

  it('computes KeyValueStore writes and bounded retries', () => {
    expect(kvsChanges(new Map([['c/a', 'b'], ['c/b', 'x']]), [{ key: 'c/a', value: 'b' }, { key: 'c/b', value: 'c' }])).toEqual({ puts: [{ Key: 'c/b', Value: 'c' }], deletes: [] });
    expect(kvsChanges(new Map([['c/z', 'y']]), [])).toEqual({ puts: [], deletes: [{ Key: 'c/z' }] });
    const config = { maxAttempts: 2, transientErrorCodes: [1999, 3999] };
    expect(shouldRetry({ errorCode: 1999, attempt: 1 }, config)).toBe(true);
    expect(shouldRetry({ errorCode: 1999, attempt: 2 }, config)).toBe(false);
    expect(shouldRetry({ errorCode: 1040, attempt: 1 }, config)).toBe(false);
  });
});

describe('completion handler, EventBridge MediaConvert Job State Change', () => {
  const VERSION = 'v0mwq8z3k0-1a2b';
  const JOB = '1763726818694-phptj0';
  const prefix = `courses/${COURSE}/lesson-1`;

  async function lessonOneEncoding(jobId = JOB): Promise<void> {
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: COURSE, lessonId: 'lesson-1', status: 'encoding', sourceKey: 'uploads/intro-to-hls/lesson-1/01 Welcome (final).mp4', jobId });
  }

  function putOutputs(version = VERSION): void {
    aws.putObject(MEDIA, `${prefix}/${version}/index.m3u8`, MASTER);
    for (const name of ['index_video_1', 'index_video_2', 'index_video_3', 'index_audio', 'index_video_1_thumb']) {
      aws.putObject(MEDIA, `${prefix}/${version}/${name}.m3u8`, '#EXTM3U\n');
    }
  }

  it('publishes: master.m3u8 written last, record updated, next-lesson map updated with the store ETag (SigV4a)', async () => {
    // lesson-0 is published and comes first: after this, lesson-0 -> lesson-1 in the map.
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: COURSE, lessonId: 'lesson-0', after: undefined });
    await markPublished(db.dynamo, db.lessonsTable, COURSE, 'lesson-0', { version: 'v0mwq9a000-beef', manifestKey: `courses/${COURSE}/lesson-0/master.m3u8`, durationSeconds: 10, renditions: [] });
    await setLessonOrder(db.dynamo, db.lessonsTable, COURSE, 'lesson-0', 0, new Date().toISOString());
    aws.kvs.set(`${COURSE}/stale-lesson`, 'lesson-1');
    await lessonOneEncoding();
    putOutputs();

    const result = await completion()(fixture('mediaconvert-complete.json'));
    // Puts: lesson-0 -> lesson-1, and both lessons' served versions; the stale key deleted.
    expect(result).toMatchObject({ outcome: 'published', manifestKey: `${prefix}/master.m3u8`, kvs: { puts: 3, deletes: 1 } });
    expect(aws.kvs.get(`${COURSE}/lesson-1/versions`)).toBe(VERSION);
    // The edge serves only listed versions: the new one is listed before a master names it.
    const firstListing = aws.requests.findIndex((r) => r.service === 'kvs' && r.method === 'POST');
    const masterWrite = aws.requests.findIndex((r) => r.method === 'PUT' && r.path.split('?')[0]!.endsWith('/master.m3u8'));
    expect(firstListing).toBeGreaterThanOrEqual(0);
    expect(masterWrite).toBeGreaterThan(firstListing);

    const master = aws.objects.get(`${MEDIA}/${prefix}/master.m3u8`)!;
    expect(master.contentType).toBe('application/vnd.apple.mpegurl');
    expect(master.cacheControl).toBe('max-age=10');
    expect(master.body.toString()).toContain(`${VERSION}/index_video_2.m3u8`);
    const s3Writes = aws.requests.filter((r) => r.service === 's3');
    expect(s3Writes.at(-1)).toMatchObject({ method: 'PUT' });
    expect(s3Writes.filter((r) => r.method === 'HEAD')).toHaveLength(5);

    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1')).toMatchObject({
      status: 'published',
      manifestKey: `${prefix}/master.m3u8`,
      durationSeconds: 180.041,
      renditions: [
        { name: '720p', width: 1280, height: 720, bandwidth: 2415000 },
        { name: '480p', width: 854, height: 480, bandwidth: 1260000 },
        { name: '360p', width: 640, height: 360, bandwidth: 720000 },
      ],
      posterKey: `${prefix}/${VERSION}/poster.0000001.jpg`,
      thumbnailsKey: `${prefix}/${VERSION}/index_video_1_thumb.m3u8`,
    });
    expect((await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1'))?.jobId).toBeUndefined();
    expect(aws.kvs.get(`${COURSE}/lesson-0`)).toBe('lesson-1');
    expect(aws.kvs.has(`${COURSE}/stale-lesson`)).toBe(false);
    const update = aws.requests.find((r) => r.service === 'kvs' && r.method === 'POST')!;
    expect(update.headers['if-match']).toMatch(/^KV/);
    expect(String(update.headers['authorization'])).toMatch(/^AWS4-ECDSA-P256-SHA256 /);
  });

  it('retries the KeyValueStore update once the ETag moved under it', async () => {
    await lessonOneEncoding();
    aws.kvs.delete(`${COURSE}/lesson-0`);
    aws.failNext('kvs', 409, 'ConflictException', 'POST');
    const result = await completion()(fixture('mediaconvert-complete.json'));
    expect(result).toMatchObject({ outcome: 'published', kvs: { puts: 1 } });
    expect(aws.requests.filter((r) => r.service === 'kvs' && r.method === 'POST')).toHaveLength(2);
  });

  it('records a failure and writes no master when a playlist of the job is missing', async () => {
    await lessonOneEncoding();
    const version = 'v0mwq8z3k1-0000';
    aws.putObject(MEDIA, `${prefix}/${version}/index.m3u8`, MASTER);
    const event = fixture('mediaconvert-complete.json');
    event.detail.userMetadata.version = version;
    event.detail.outputGroupDetails[0].playlistFilePaths = [`s3://${MEDIA}/${prefix}/${version}/index.m3u8`];
    const before = aws.objects.get(`${MEDIA}/${prefix}/master.m3u8`)!.body.toString();
    const result = await completion()(event);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(aws.objects.get(`${MEDIA}/${prefix}/master.m3u8`)!.body.toString()).toBe(before);
    // The earlier version was published: it stays published, with the reason recorded.
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1')).toMatchObject({ status: 'published', errorKind: 'publish' });
  });

  it('ignores events of other jobs, superseded jobs and statuses it does not act on', async () => {
    const notOurs = fixture('mediaconvert-complete.json');
    notOurs.detail.userMetadata = {};
    expect(await completion()(notOurs)).toMatchObject({ outcome: 'ignored' });
    const progressing = fixture('mediaconvert-complete.json');
    progressing.detail.status = 'PROGRESSING';
    expect(await completion()(progressing)).toMatchObject({ outcome: 'ignored' });
    await lessonOneEncoding('1763726999999-newer0');
    expect(await completion()(fixture('mediaconvert-complete.json'))).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/superseded/) });
    expect(aws.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('records a non-transient ERROR with MediaConvert message; a new lesson becomes failed', async () => {
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: COURSE, lessonId: 'lesson-5', status: 'encoding', jobId: JOB });
    const event = fixture('mediaconvert-error.json');
    event.detail.userMetadata.lessonId = 'lesson-5';
    const result = await completion()(event);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-5')).toMatchObject({
      status: 'failed',
      errorKind: 'mediaconvert-input',
      error: expect.stringMatching(/MediaConvert error 1040: Demuxer.*attempt 1 of 2/),
    });
  });

  it('resubmits a transient ERROR once, into a fresh version, then gives up', async () => {
    const upload = fixture('s3-object-created.json');
    upload.Records[0].s3.object.key = 'uploads/intro-to-hls/lesson-6/six.mp4';
    const submitted = await trigger()(upload);
    const first = submitted.submitted[0]!;

    const error = fixture('mediaconvert-error.json');
    error.detail.jobId = first.jobId;
    error.detail.errorCode = 1999;
    error.detail.userMetadata = { ...error.detail.userMetadata, lessonId: 'lesson-6', version: first.version };
    const retried = await completion()(error);
    expect(retried).toMatchObject({ outcome: 'resubmitted', attempt: 2 });
    const body = createJobBody();
    expect(body.userMetadata).toMatchObject({ attempt: '2', previousJobId: first.jobId, lessonId: 'lesson-6' });
    expect(body.userMetadata.version).not.toBe(first.version);
    expect(body.settings.outputGroups[0].outputGroupSettings.cmafGroupSettings.destination).toBe(`s3://${MEDIA}/courses/${COURSE}/lesson-6/${body.userMetadata.version}/index`);
    const second = (retried as { jobId: string }).jobId;
    expect((await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-6'))?.jobId).toBe(second);

    const again = fixture('mediaconvert-error.json');
    again.detail.jobId = second;
    again.detail.errorCode = 1999;
    again.detail.userMetadata = { ...again.detail.userMetadata, lessonId: 'lesson-6', version: body.userMetadata.version, attempt: '2' };
    expect(await completion()(again)).toMatchObject({ outcome: 'failed' });
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-6')).toMatchObject({ status: 'failed', errorKind: 'mediaconvert' });
  });
});
