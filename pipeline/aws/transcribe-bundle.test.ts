/**
 * The built transcribe handler (what `pulumi up` deploys with autoCaptions on): it loads the
 * config.json beside it, fits the pipeline budget, and reaches Transcribe and DynamoDB through
 * the endpoints its config names (the Transcribe stand-in, dynalite).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3StandIn, type S3StandIn } from '../../emulator/s3/index.ts';
import { startTranscribeStandIn, type TranscribeStandIn } from '../../emulator/transcribe/index.ts';
import { lessonKey } from '../../tables/lessons.ts';
import { prepareLesson } from '../lessons.ts';
import { startLocalDynamo, type LocalDynamo } from '../test-dynamo.ts';
import { buildPipelineLambda, PIPELINE_LAMBDA_BUDGET_BYTES } from './build.ts';
import { writeTranscribeHandlerConfig } from './config.ts';

let dir: string;
let db: LocalDynamo;
let transcribe: TranscribeStandIn;
let s3: S3StandIn;
const jobEvent = (name: string, status: string, reason?: string) => ({
  version: '0', source: 'aws.transcribe', 'detail-type': 'Transcribe Job State Change', account: '111122223333', region: 'us-east-1', resources: [],
  detail: { TranscriptionJobName: name, TranscriptionJobStatus: status, ...(reason ? { FailureReason: reason } : {}) },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-transcribe-bundle-'));
  db = await startLocalDynamo('lectern-tbundle-');
  await mkdir(join(dir, 'media', 'courses/intro-to-hls/lesson-1'), { recursive: true });
  await writeFile(join(dir, 'media', 'courses/intro-to-hls/lesson-1/master.m3u8'), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000,RESOLUTION=854x480\nv0mwq8z3k0-1a2b/index_480p.m3u8\n');
  s3 = await startS3StandIn({ buckets: { 'lectern-media-example': join(dir, 'media') }, metadataRoot: join(dir, 's3-metadata') });
  transcribe = await startTranscribeStandIn({ region: 'us-east-1', account: '111122223333', bucketRoot: (b) => (b === 'lectern-media-example' ? join(dir, 'media') : undefined) });
});
afterAll(async () => {
  await transcribe?.close();
  await s3?.close();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built transcribe handler', () => {
  it('fits the budget, records a FAILED job on the lesson, and reads the master, then asks Transcribe, about a COMPLETED one', async () => {
    const built = await buildPipelineLambda('transcribe-handler', dir);
    expect(built.compressedBytes).toBeLessThanOrEqual(PIPELINE_LAMBDA_BUDGET_BYTES);
    await writeTranscribeHandlerConfig(join(dir, 'transcribe-handler'), {
      region: 'us-east-1',
      lessonsTable: db.lessonsTable,
      mediaBucket: 'lectern-media-example',
      endpoints: { dynamo: db.endpoint, s3: s3.endpoint, transcribe: transcribe.endpoint },
    });
    await prepareLesson(db.dynamo, db.lessonsTable, { courseId: 'intro-to-hls', lessonId: 'lesson-1', status: 'encoding', sourceKey: 'uploads/intro-to-hls/lesson-1/a.mp4' });
    const { handler } = await import(pathToFileURL(built.file).href);
    const name = 'lectern.intro-to-hls.lesson-1.v0mwq8z3k0-1a2b.en-US';

    expect(await handler(jobEvent('podcast_2_episode_89', 'COMPLETED'))).toMatchObject({ outcome: 'ignored' });
    expect(await handler(jobEvent(name, 'FAILED', 'Unsupported media format'))).toMatchObject({ outcome: 'failed' });
    const item = (await db.dynamo.send(new GetItemCommand({ TableName: db.lessonsTable, Key: lessonKey('intro-to-hls', 'lesson-1') }))).Item!;
    expect(item['autoCaptionsState']?.S).toBe('failed');
    expect(item['autoCaptionsDetail']?.S).toMatch(/Unsupported media format/);
    // The master (read over S3) serves the job's version, but the stand-in never started the
    // job: Transcribe's NotFoundException reaches Lambda, which retries the event.
    await expect(handler(jobEvent(name, 'COMPLETED'))).rejects.toThrow(/couldn't be found/);
  });

  it('fails at load, not on an event, when its config is invalid', async () => {
    const built = await buildPipelineLambda('transcribe-handler', join(dir, 'bad'));
    await writeFile(join(dir, 'bad', 'transcribe-handler', 'config.json'), JSON.stringify({ region: 'us-east-1', lessonsTable: 't', mediaBucket: 'Not_A_Bucket' }));
    await expect(import(pathToFileURL(built.file).href)).rejects.toThrow(/mediaBucket/);
  });
});
