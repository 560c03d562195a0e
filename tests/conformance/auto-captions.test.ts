/**
 * Automatic captions in the local deployed stack, with the stack setting on: an upload is
 * encoded (MediaConvert stand-in) and published by the deployed completion handler, which
 * starts a job on the Transcribe stand-in; its `Transcribe Job State Change` goes through the
 * program's EventBridge rule to the deployed transcribe handler, which publishes the
 * machine-generated rendition. The stand-in is told what is said (it recognises no speech).
 */
import { synthesizeTestClip } from '../../pipeline/test-clip.ts';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { subtitleTracksOf } from '../../pipeline/hls/index.ts';
import { dynamoClient } from '../../tables/client.ts';
import { lessonKey } from '../../tables/lessons.ts';
import { DEFAULT_TABLE_PREFIX, TABLES, tableName } from '../../tables/schema.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

const KEY = 'uploads/demo/lesson-9/clip.mp4';
let system: TestSystem & { cleanup(): Promise<void> };
let work: string;
const systemLog: string[] = [];

beforeAll(async () => {
  system = await startTestSystem({
    stack: { autoCaptions: 'en-US' },
    standIns: { transcribe: { transcripts: ({ mediaUri }) => (mediaUri.endsWith(`/${KEY}`) ? { cues: [{ startMs: 200, endMs: 1500, text: 'Hello from the stand-in.' }] } : undefined) } },
    log: (line) => systemLog.push(line),
  });
  work = await mkdtemp(join(tmpdir(), 'lectern-autocap-'));
  const clip = join(work, 'clip.mp4');
  const { ffmpeg } = await resolveFfmpegTools();
  await synthesizeTestClip(ffmpeg, clip, { size: '640x360', rate: 25, seconds: 2 });
  const s3 = new S3Client({ region: 'us-east-1', endpoint: system.standIns.endpoints.S3, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await s3.send(new PutObjectCommand({ Bucket: system.buckets.uploads, Key: KEY, Body: await readFile(clip), ContentType: 'video/mp4' }));
  s3.destroy();
  await system.whenPipelineIdle();
}, 300_000);

afterAll(async () => {
  await system?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('automatic captions in the local stack (autoCaptions: en-US)', () => {
  it('publishes the upload with a machine-generated English rendition, and records it on the lesson', async () => {
    onTestFailed(() => console.log(systemLog.join('\n')));
    const master = await readFile(join(system.mediaRoot, 'courses/demo/lesson-9/master.m3u8'), 'utf8');
    const tracks = subtitleTracksOf(master);
    expect(tracks).toEqual([expect.objectContaining({ language: 'en-US', name: 'English (US, auto-generated)' })]);
    const segment = await readFile(join(system.mediaRoot, 'courses/demo/lesson-9', tracks[0]!.uri.replace(/\.m3u8$/, '.00000.vtt')), 'utf8');
    expect(segment).toContain('00:00:00.200 --> 00:00:01.500\nHello from the stand-in.');
    const dynamo = dynamoClient({ region: 'us-east-1', endpoint: system.dynamoEndpoint });
    const item = (await dynamo.send(new GetItemCommand({ TableName: tableName(DEFAULT_TABLE_PREFIX, TABLES.lessons), Key: lessonKey('demo', 'lesson-9') }))).Item!;
    dynamo.destroy();
    expect(item['status']?.S).toBe('published');
    expect(item['autoCaptionsState']?.S).toBe('published');
  });
});
