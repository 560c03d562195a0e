/**
 * The Transcribe stand-in through the real TranscribeClient: it refuses what StartTranscriptionJob
 * refuses, writes the transcript and the subtitles where Transcribe names them, and announces
 * the end of each job on EventBridge's `Transcribe Job State Change`.
 */
import { BadRequestException, ConflictException, GetTranscriptionJobCommand, NotFoundException, StartTranscriptionJobCommand, TranscribeClient, type StartTranscriptionJobCommandInput } from '@aws-sdk/client-transcribe';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTranscribeStandIn, type TranscribeEvent, type TranscribeStandIn } from './index.ts';

const REGION = 'us-east-1';
const UPLOADS = 'lectern-uploads-test';
const MEDIA = 'lectern-media-test';
const SOURCE = 'uploads/intro/lesson-1/talk.mp4';

let dir: string;
let standIn: TranscribeStandIn;
let client: TranscribeClient;
const events: TranscribeEvent[] = [];
let names = 0;

const request = (over: Partial<StartTranscriptionJobCommandInput> = {}): StartTranscriptionJobCommandInput => ({
  TranscriptionJobName: `job-${names++}`,
  Media: { MediaFileUri: `s3://${UPLOADS}/${SOURCE}` },
  LanguageCode: 'en-US',
  OutputBucketName: MEDIA,
  OutputKey: 'transcripts/intro/lesson-1/',
  Subtitles: { Formats: ['vtt', 'srt'], OutputStartIndex: 1 },
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-transcribe-'));
  const buckets: Record<string, string> = { [UPLOADS]: join(dir, 'uploads'), [MEDIA]: join(dir, 'media') };
  await mkdir(join(buckets[UPLOADS]!, 'uploads/intro/lesson-1'), { recursive: true });
  await mkdir(buckets[MEDIA]!, { recursive: true });
  await writeFile(join(buckets[UPLOADS]!, SOURCE), 'not really a video');
  standIn = await startTranscribeStandIn({
    region: REGION,
    account: '111122223333',
    bucketRoot: (b) => buckets[b],
    transcripts: ({ mediaUri }) => (mediaUri.endsWith('talk.mp4') ? { languageCode: 'es-ES', cues: [{ startMs: 500, endMs: 2000, text: 'Hello there.' }, { startMs: 2500, endMs: 4000, text: 'Welcome.' }] } : undefined),
    emit: (e) => {
      events.push(e);
    },
  });
  client = new TranscribeClient({ region: REGION, endpoint: standIn.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

const refusal = async (input: StartTranscriptionJobCommandInput) => client.send(new StartTranscriptionJobCommand(input)).then(() => null, (e: Error) => e);

describe('StartTranscriptionJob refuses what Transcribe refuses, and starts nothing', () => {
  it.each([
    ['a name with a space', { TranscriptionJobName: 'my job' }, /transcriptionJobName/],
    ['a name of 201 characters', { TranscriptionJobName: 'a'.repeat(201) }, /transcriptionJobName/],
    ['the name ".."', { TranscriptionJobName: '..' }, /transcriptionJobName/],
    ['both a language and identification', { IdentifyLanguage: true }, /only one/],
    ['neither a language nor identification', { LanguageCode: undefined }, /one of LanguageCode/],
    ['a language Transcribe does not have', { LanguageCode: 'xx-XX' as never }, /languageCode/],
    ['a subtitle format other than vtt or srt', { Subtitles: { Formats: ['ttml' as never] } }, /subtitles.formats/],
    ['a start index of 2', { Subtitles: { Formats: ['vtt'], OutputStartIndex: 2 } }, /outputStartIndex/],
    ['media that is not in the bucket', { Media: { MediaFileUri: `s3://${UPLOADS}/uploads/intro/lesson-1/missing.mp4` } }, /can't be accessed/],
    ['a media URI that is not a URI', { Media: { MediaFileUri: 'talk.mp4' } }, /mediaFileUri/],
    ['an output bucket that does not exist', { OutputBucketName: 'no-such-bucket' }, /bucket does not exist/],
    ['an output key with a space', { OutputKey: 'my transcripts/' }, /outputKey/],
  ])('refuses %s with BadRequestException', async (_what, over, message) => {
    const before = standIn.jobs().length;
    const error = await refusal(request(over as Partial<StartTranscriptionJobCommandInput>));
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error!.message).toMatch(message);
    expect(standIn.jobs()).toHaveLength(before);
  });

  it('refuses a second job of the same name with ConflictException', async () => {
    const input = request();
    await client.send(new StartTranscriptionJobCommand(input));
    expect(await refusal(input)).toBeInstanceOf(ConflictException);
    await standIn.whenIdle();
  });

  it('answers GetTranscriptionJob for an unknown job with NotFoundException', async () => {
    await expect(client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: 'never-started' }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('a job that completes', () => {
  it('answers IN_PROGRESS, then writes <key><job name>.json, .vtt and .srt numbered from OutputStartIndex, and says COMPLETED', async () => {
    const name = 'lectern.intro.lesson-1.v0mwq8z3k0-1a2b.en-US';
    const started = await client.send(new StartTranscriptionJobCommand(request({ TranscriptionJobName: name })));
    expect(started.TranscriptionJob?.TranscriptionJobStatus).toBe('IN_PROGRESS');
    await standIn.whenIdle();
    const { TranscriptionJob: job } = await client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }));
    expect(job?.TranscriptionJobStatus).toBe('COMPLETED');
    expect(job?.CompletionTime).toBeInstanceOf(Date);
    expect(job?.Subtitles?.SubtitleFileUris).toEqual([
      `https://s3.${REGION}.amazonaws.com/${MEDIA}/transcripts/intro/lesson-1/${name}.vtt`,
      `https://s3.${REGION}.amazonaws.com/${MEDIA}/transcripts/intro/lesson-1/${name}.srt`,
    ]);
    const vtt = await readFile(join(dir, 'media/transcripts/intro/lesson-1', `${name}.vtt`), 'utf8');
    expect(vtt).toBe('WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nHello there.\n\n2\n00:00:02.500 --> 00:00:04.000\nWelcome.\n');
    const srt = await readFile(join(dir, 'media/transcripts/intro/lesson-1', `${name}.srt`), 'utf8');
    expect(srt).toMatch(/^1\n00:00:00,500 --> 00:00:02,000\nHello there\./);
    expect(JSON.parse(await readFile(join(dir, 'media/transcripts/intro/lesson-1', `${name}.json`), 'utf8')).results.transcripts[0].transcript).toBe('Hello there. Welcome.');
    expect(events.find((e) => e.detail.TranscriptionJobName === name)).toMatchObject({
      version: '0',
      source: 'aws.transcribe',
      'detail-type': 'Transcribe Job State Change',
      account: '111122223333',
      region: REGION,
      detail: { TranscriptionJobName: name, TranscriptionJobStatus: 'COMPLETED' },
    });
  });

  it('reports the identified language with IdentifyLanguage', async () => {
    const name = 'identify-me';
    await client.send(new StartTranscriptionJobCommand(request({ TranscriptionJobName: name, LanguageCode: undefined, IdentifyLanguage: true })));
    await standIn.whenIdle();
    const { TranscriptionJob: job } = await client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }));
    expect(job?.LanguageCode).toBe('es-ES');
  });
});

describe('a job without a transcript fixture', () => {
  it('fails, saying the stand-in cannot recognise speech, in GetTranscriptionJob and the FAILED event', async () => {
    const other = 'uploads/intro/lesson-1/other.mp4';
    await writeFile(join(dir, 'uploads', other), 'x');
    const name = 'no-fixture';
    await client.send(new StartTranscriptionJobCommand(request({ TranscriptionJobName: name, Media: { MediaFileUri: `s3://${UPLOADS}/${other}` } })));
    await standIn.whenIdle();
    const { TranscriptionJob: job } = await client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }));
    expect(job?.TranscriptionJobStatus).toBe('FAILED');
    expect(job?.FailureReason).toMatch(/cannot recognise speech.*need Amazon Transcribe on AWS/);
    expect(events.find((e) => e.detail.TranscriptionJobName === name)?.detail).toMatchObject({ TranscriptionJobStatus: 'FAILED', FailureReason: job?.FailureReason });
  });
});
