/**
 * Captions through the AWS path, end to end on this machine: a video and its sidecar caption
 * files are put into the uploads bucket (the S3 stand-in, through the real S3 client), each
 * ObjectCreated event goes to the upload trigger, the job runs in the MediaConvert stand-in
 * (real ffmpeg), and its COMPLETE event goes to the completion handler. What a student's player
 * gets is read back from the media bucket: hls.js finds both languages, and the cues play where
 * the files put them.
 */
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
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

/** Puts the files in this order, then delivers their events in the same order (or all at once, as concurrent Lambdas would). */
async function upload(lessonId: string, files: Record<string, string | Buffer>, options: { together?: boolean } = {}): Promise<UploadTriggerResult[]> {
  const from = created.length;
  for (const [name, body] of Object.entries(files)) {
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: `uploads/${COURSE}/${lessonId}/${name}`, Body: body }));
  }
  await s3Stand.whenIdle();
  const handle = trigger();
  const events = created.slice(from).map((record) => toS3Event({ ...record, region: REGION }));
  if (options.together) return Promise.all(events.map((e) => handle(e)));
  const results: UploadTriggerResult[] = [];
  for (const event of events) results.push(await handle(event));
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

type Cue = [startMs: number, endMs: number, text: string];

/** A subtitle segment's cues; one with no cue is a header only (which the strict parser refuses as a file). */
const cuesIn = (vtt: string, uri: string): Cue[] => (vtt.includes('-->') ? parseWebVtt(vtt, uri).cues.map((c) => [c.startMs, c.endMs, c.text]) : []);

/**
 * Where RFC 8216 puts each cue, whatever the segment length: in every segment its time overlaps
 * (a cue across a boundary is in both).
 */
function bySegment(durations: readonly number[], cues: readonly Cue[]): Cue[][] {
  let start = 0;
  return durations.map((d) => {
    const [from, to] = [Math.round(start * 1000), Math.round((start += d) * 1000)];
    return cues.filter(([s, e]) => s < to && e > from);
  });
}

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
      const out: Cue[][] = [];
      for (const s of playlist.segments) {
        expect(s.uri).toMatch(new RegExp(`^index_captions_${language}_\\d{9}\\.vtt$`));
        const vtt = await mediaFile(`${folder}${s.uri}`);
        expect(vtt).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000\n/);
        out.push(cuesIn(vtt, s.uri));
      }
      return out;
    };
    const durations = videoPlaylist.segments.map((s) => s.duration);
    const en = await cuesOf('en');
    expect(en).toEqual(bySegment(durations, [[500, 1500, 'Hello'], [3000, 5000, 'Across the boundary']]));
    // The 4 s boundary falls inside it: it is in two segments.
    expect(en.filter((cues) => cues.some((c) => c[2] === 'Across the boundary'))).toHaveLength(2);
    expect(await cuesOf('es')).toEqual(bySegment(durations, [[1000, 2000, 'Hola'], [4500, 5500, 'Adiós']]));
  });
  it('is let through by the viewer-request function, every subtitle playlist and segment', async () => {
    const version = (await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-1'))!.publishedVersion!;
    const files = (await h.keys(MEDIA)).filter((k) => k.startsWith(`${prefix}/${version}/`) && k.includes('_captions_'));
    const segments = parseMediaPlaylist(await mediaFile(`${prefix}/${version}/index_captions_en.m3u8`)).segments.length;
    // Per language: its playlist and a segment per video segment.
    expect(files).toHaveLength(2 * (1 + segments));
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

describe('a sidecar uploaded while its video is still being encoded', () => {
  it('re-encodes the lesson into a new version that has every sidecar, the earlier one superseded', async () => {
    const video = join(h.dir, 'early.mp4');
    await makeSource(video, 2);
    const first = await upload('lesson-3', { 'early.mp4': await readFile(video), 'early.en.vtt': 'WEBVTT\n\n00:00.500 --> 00:01.500\nHello\n' });
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

describe('a sidecar uploaded after its video was published', () => {
  const prefix = `courses/${COURSE}/lesson-4`;
  const masterKey = `${prefix}/master.m3u8`;
  let version: string;
  let videoFiles: Map<string, string>;

  /** Every file of the published version but the late subtitle files, with its bytes' hash. */
  async function versionFiles(): Promise<Map<string, string>> {
    const keys = (await h.keys(MEDIA)).filter((k) => k.startsWith(`${prefix}/${version}/`) && !k.startsWith(`${prefix}/${version}/subs/`)).sort();
    const out = new Map<string, string>();
    for (const key of keys) out.set(key, createHash('sha256').update(await readFile(join(h.buckets[MEDIA]!, ...key.split('/')))).digest('hex'));
    return out;
  }

  /** Cue start, end and text per segment of one language's rendition, and its X-TIMESTAMP-MAP. */
  async function renditionOf(language: string) {
    const master = parseMaster(await mediaFile(masterKey), `https://cdn.test/${masterKey}`);
    const track = master.subtitles.find((s) => s.language === language);
    expect(track, `a ${language} track`).toBeDefined();
    const key = new URL(track!.url).pathname.slice(1);
    const playlist = parseMediaPlaylist(await mediaFile(key));
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    const segments = await Promise.all(playlist.segments.map((s) => mediaFile(`${folder}${s.uri}`)));
    return {
      key,
      durations: playlist.segments.map((s) => s.duration),
      maps: segments.map((vtt) => /^X-TIMESTAMP-MAP=.*$/m.exec(vtt)?.[0]),
      cues: segments.map((vtt, i) => cuesIn(vtt, playlist.segments[i]!.uri)),
    };
  }

  async function rawRecord(lessonId: string) {
    const { Item } = await db.dynamo.send(new GetItemCommand({ TableName: db.lessonsTable, Key: { courseId: { S: COURSE }, lessonId: { S: lessonId } }, ConsistentRead: true }));
    return Item ?? {};
  }

  beforeAll(async () => {
    const video = join(h.dir, 'late.mp4');
    await makeSource(video, 6);
    const first = await upload('lesson-4', { 'late.en.vtt': EN_VTT, 'late.mp4': await readFile(video) });
    expect(await complete(first[1]!.submitted[0]!.jobId)).toMatchObject({ outcome: 'published' });
    version = (await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-4'))!.publishedVersion!;
    videoFiles = await versionFiles();
    expect([...videoFiles.keys()].filter((k) => k.endsWith('.cmfv')).length).toBeGreaterThan(0);
  });

  it('adds its language to the published lesson, cues on the video timeline, with no MediaConvert job and the video untouched', async () => {
    await h.standIn.whenIdle();
    const jobsBefore = h.standIn.jobs().length;
    const [result] = await upload('lesson-4', { 'late.es.srt': ES_SRT });
    expect(result!.submitted).toEqual([]);
    expect(result!.captioned).toEqual([{ courseId: COURSE, lessonId: 'lesson-4', language: 'es', uri: expect.stringMatching(new RegExp(`^${version}/subs/es\\.r[0-9a-z]+\\.m3u8$`)), cues: 2 }]);
    await h.standIn.whenIdle();
    expect(h.standIn.jobs()).toHaveLength(jobsBefore);
    expect(await versionFiles()).toEqual(videoFiles);

    const text = await mediaFile(masterKey);
    const base = `https://cdn.test/${masterKey}`;
    const parsed = M3U8Parser.parseMasterPlaylist(text, base);
    expect(parsed.levels.every((l) => l.attrs.SUBTITLES === 'subs')).toBe(true);
    expect(M3U8Parser.parseMasterPlaylistMedia(text, base, parsed).SUBTITLES?.map((s) => [s.lang, s.name])).toEqual([['en', 'English'], ['es', 'Español']]);
    const [en, es] = [await renditionOf('en'), await renditionOf('es')];
    // The same segments and the same timestamp map as the track MediaConvert made: the cues play where the file puts them.
    expect(es.durations).toEqual(en.durations);
    expect(es.maps).toEqual(en.maps);
    expect(es.cues).toEqual(bySegment(es.durations, [[1000, 2000, 'Hola'], [4500, 5500, 'Adiós']]));
    expect(es.cues.flat()).toHaveLength(2);
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-4')).toMatchObject({ status: 'published', publishedVersion: version });
    expect((await rawRecord('lesson-4'))['lateCaptionsState']).toEqual({ S: 'published' });
  });

  it('swaps the track of its language when it replaces one, keeping the others and the old files', async () => {
    const before = await renditionOf('en');
    const [result] = await upload('lesson-4', { 'late.en.vtt': 'WEBVTT\n\n00:02.000 --> 00:02.500\nHello again\n' });
    expect(result!.captioned).toEqual([expect.objectContaining({ language: 'en', uri: expect.stringMatching(/\/subs\/en\.r/) })]);
    const master = parseMaster(await mediaFile(masterKey), 'https://cdn.test/');
    expect(master.subtitles.map((s) => s.language)).toEqual(['en', 'es']);
    const after = await renditionOf('en');
    expect(after.key).not.toBe(before.key);
    expect(after.cues).toEqual(bySegment(after.durations, [[2000, 2500, 'Hello again']]));
    expect(after.cues.flat().map((c) => c[2])).toEqual(['Hello again']);
    // Players that loaded the previous master still find its files: version folders are immutable.
    expect(await mediaFile(before.key)).toContain('#EXTINF');
    expect(await versionFiles()).toEqual(videoFiles);
  });

  it('adds two languages uploaded at once, neither losing the other', async () => {
    const results = await upload('lesson-4', { 'late.de.vtt': 'WEBVTT\n\n00:01.000 --> 00:02.000\nHallo\n', 'late.fr.vtt': 'WEBVTT\n\n00:01.000 --> 00:02.000\nBonjour\n' }, { together: true });
    expect(results.flatMap((r) => r.captioned.map((c) => c.language)).sort()).toEqual(['de', 'fr']);
    const master = parseMaster(await mediaFile(masterKey), 'https://cdn.test/');
    expect(master.subtitles.map((s) => s.language).sort()).toEqual(['de', 'en', 'es', 'fr']);
  });

  it('changes nothing when malformed: the lesson stays published and the record says which line', async () => {
    await h.standIn.whenIdle();
    const jobsBefore = h.standIn.jobs().length;
    const [masterBefore, keysBefore] = [await mediaFile(masterKey), await h.keys(MEDIA)];
    const [result] = await upload('lesson-4', { 'late.it.vtt': 'WEBVTT\n\n00:00:01.000 --> nonsense\nCiao\n' });
    expect(result!.refused).toEqual([{ courseId: COURSE, lessonId: 'lesson-4', message: expect.stringMatching(/^late\.it\.vtt:3: /) }]);
    expect(result!.captioned).toEqual([]);
    await h.standIn.whenIdle();
    expect(h.standIn.jobs()).toHaveLength(jobsBefore);
    expect(await mediaFile(masterKey)).toBe(masterBefore);
    expect(await h.keys(MEDIA)).toEqual(keysBefore);
    const lesson = await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-4');
    expect(lesson).toMatchObject({ status: 'published', publishedVersion: version });
    expect(lesson?.error).toBeUndefined();
    expect(await rawRecord('lesson-4')).toMatchObject({
      lateCaptionsState: { S: 'refused' },
      lateCaptionsFile: { S: 'late.it.vtt' },
      lateCaptionsDetail: { S: expect.stringMatching(/^late\.it\.vtt:3: /) },
    });
  });

  it('changes nothing when a cue starts after the lesson ends', async () => {
    const masterBefore = await mediaFile(masterKey);
    const [result] = await upload('lesson-4', { 'late.pt.vtt': 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOlá\n\n00:09.000 --> 00:10.000\nTchau\n' });
    expect(result!.refused).toEqual([{ courseId: COURSE, lessonId: 'lesson-4', message: expect.stringMatching(/^late\.pt\.vtt:6: the cue starts at 00:00:09\.000, after the lesson ends/) }]);
    expect(await mediaFile(masterKey)).toBe(masterBefore);
  });
});

describe('a sidecar of a video that is not the published one', () => {
  it('re-encodes the lesson: captions never go onto another video', async () => {
    const [first, second] = [join(h.dir, 'first.mp4'), join(h.dir, 'second.mp4')];
    await makeSource(first, 2);
    await makeSource(second, 2);
    const published = await upload('lesson-5', { 'first.mp4': await readFile(first) });
    expect(await complete(published[0]!.submitted[0]!.jobId)).toMatchObject({ outcome: 'published' });
    const masterBefore = await mediaFile(`courses/${COURSE}/lesson-5/master.m3u8`);
    // A new video whose captions are refused: the lesson stays published with the first video.
    const refused = await upload('lesson-5', { 'second.en.vtt': 'WEBVTT\n\n00:01.000 --> soon\nHi\n', 'second.mp4': await readFile(second) });
    expect(refused.at(-1)!.refused).toHaveLength(1);
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-5')).toMatchObject({ status: 'published', sourceKey: `uploads/${COURSE}/lesson-5/second.mp4` });

    const [fixed] = await upload('lesson-5', { 'second.en.vtt': 'WEBVTT\n\n00:01.000 --> 00:01.500\nHi\n' });
    expect(fixed!.captioned).toEqual([]);
    expect(fixed!.submitted).toHaveLength(1);
    expect(await mediaFile(`courses/${COURSE}/lesson-5/master.m3u8`)).toBe(masterBefore);
    await h.standIn.whenIdle();
  });
});

describe('a video uploaded with a sidecar whose last cue starts after the video ends', () => {
  it('is encoded but not published: the completion handler refuses it with the file and line, as lectern encode does', async () => {
    const video = join(h.dir, 'short.mp4');
    await makeSource(video, 2);
    const late = 'WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nIn time\n\n00:00:04.000 --> 00:00:05.000\nAfter the end\n';
    const results = await upload('lesson-9', { 'short.en.vtt': late, 'short.mp4': await readFile(video) });
    const jobId = results.at(-1)!.submitted[0]!.jobId;
    const outcome = await complete(jobId);
    expect(outcome).toMatchObject({ outcome: 'failed' });
    expect(await getLesson(db.dynamo, db.lessonsTable, COURSE, 'lesson-9')).toMatchObject({
      status: 'failed',
      errorKind: 'captions',
      error: expect.stringMatching(/^short\.en\.vtt:6: the cue starts at 00:00:04\.000, after the lesson ends/),
    });
    expect((await h.keys(MEDIA)).filter((k) => k === `courses/${COURSE}/lesson-9/master.m3u8`)).toEqual([]);
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
