/**
 * The built Lambda bundles (what `pulumi up` deploys), not the sources: each loads the
 * config.json beside it, and runs end to end against local servers (dynalite + fake-aws).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from '../../tests/support/fake-aws.ts';
import { getLesson } from '../lessons.ts';
import { startLocalDynamo, type LocalDynamo } from '../test-dynamo.ts';
import { buildPipelineLambda, PIPELINE_LAMBDA_BUDGET_BYTES, PIPELINE_LAMBDAS } from './build.ts';
import { bundleLambda, checkBundleBudget } from '../../edge/bundle-lambda.ts';
import { writeCompletionHandlerConfig, writeUploadTriggerConfig } from './config.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
let dir: string;
let db: LocalDynamo;
let aws: FakeAws;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-pipeline-bundle-'));
  db = await startLocalDynamo('lectern-bundle-');
  aws = await startFakeAws();
});
afterAll(async () => {
  await aws?.close();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built pipeline Lambdas', () => {
  it('upload trigger -> MediaConvert job -> completion handler -> published lesson, over HTTP', async () => {
    const dynamoUrl = db.endpoint;
    const trigger = await buildPipelineLambda('upload-trigger', dir);
    const completion = await buildPipelineLambda('completion-handler', dir);
    await writeUploadTriggerConfig(join(dir, 'upload-trigger'), {
      region: 'us-east-1',
      lessonsTable: db.lessonsTable,
      uploadsBucket: 'lectern-uploads-example',
      mediaBucket: 'lectern-media-example',
      mediaConvert: { role: 'arn:aws:iam::111122223333:role/lectern-mediaconvert' },
      endpoints: { dynamo: dynamoUrl, mediaConvert: aws.endpoint, s3: aws.endpoint },
    });
    await writeCompletionHandlerConfig(join(dir, 'completion-handler'), {
      region: 'us-east-1',
      lessonsTable: db.lessonsTable,
      mediaBucket: 'lectern-media-example',
      keyValueStoreArn: 'arn:aws:cloudfront::111122223333:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      endpoints: { dynamo: dynamoUrl, mediaConvert: aws.endpoint, s3: aws.endpoint, keyValueStore: aws.endpoint.replace('127.0.0.1', 'fake-aws.test') },
    });

    const uploadTrigger = await import(pathToFileURL(trigger.file).href);
    const submitted = await uploadTrigger.handler(fixture('s3-object-created.json'));
    expect(submitted.submitted).toHaveLength(1);
    const { jobId, version } = submitted.submitted[0];
    expect(aws.jobs.get(jobId)).toBeDefined();

    const prefix = `courses/intro-to-hls/lesson-1/${version}`;
    aws.putObject('lectern-media-example', `${prefix}/index.m3u8`, readFileSync(new URL('./fixtures/mediaconvert-master.m3u8', import.meta.url)));
    for (const name of ['index_video_1', 'index_video_2', 'index_video_3', 'index_audio', 'index_video_1_thumb']) {
      aws.putObject('lectern-media-example', `${prefix}/${name}.m3u8`, '#EXTM3U\n');
    }
    const complete = fixture('mediaconvert-complete.json');
    complete.detail.jobId = jobId;
    complete.detail.userMetadata.version = version;
    complete.detail.outputGroupDetails[0].playlistFilePaths = [`s3://lectern-media-example/${prefix}/index.m3u8`];
    complete.detail.outputGroupDetails[1].outputDetails[0].outputFilePaths = [`s3://lectern-media-example/${prefix}/poster.0000001.jpg`];

    const completionHandler = await import(pathToFileURL(completion.file).href);
    expect(await completionHandler.handler(complete)).toMatchObject({ outcome: 'published' });
    expect(await getLesson(db.dynamo, db.lessonsTable, 'intro-to-hls', 'lesson-1')).toMatchObject({
      status: 'published',
      manifestKey: 'courses/intro-to-hls/lesson-1/master.m3u8',
      posterKey: `${prefix}/poster.0000001.jpg`,
    });
    expect(aws.objects.get('lectern-media-example/courses/intro-to-hls/lesson-1/master.m3u8')?.body.toString()).toContain(`${version}/index_video_2.m3u8`);
  });

  it('is gated by its budget: the same bundle one byte over a budget fails the build', async () => {
    const built = await buildPipelineLambda('upload-trigger', join(dir, 'sized'));
    const code = readFileSync(built.file);
    expect(built.compressedBytes).toBe(deflateRawSync(code, { level: 9 }).length);
    expect(built.compressedBytes).toBeLessThanOrEqual(PIPELINE_LAMBDA_BUDGET_BYTES);
    expect(checkBundleBudget(code, built.compressedBytes, 'upload-trigger')).toBe(built.compressedBytes);
    expect(() => checkBundleBudget(code, built.compressedBytes - 1, 'upload-trigger')).toThrow(/upload-trigger bundle is \d+ bytes compressed, over its \d+-byte budget/);
    await expect(
      bundleLambda({ entry: join(import.meta.dirname, PIPELINE_LAMBDAS['upload-trigger']), outFile: join(dir, 'over', 'index.mjs'), budgetBytes: built.compressedBytes - 1, label: 'upload-trigger' }),
    ).rejects.toThrow(/over its \d+-byte budget/);
  });

  it('fails at load, not on an event, when its config is invalid', async () => {
    const built = await buildPipelineLambda('completion-handler', join(dir, 'bad'));
    await writeFile(join(dir, 'bad', 'completion-handler', 'config.json'), JSON.stringify({ region: 'us-east-1', lessonsTable: 't', mediaBucket: 'Not_A_Bucket' }));
    await expect(import(pathToFileURL(built.file).href)).rejects.toThrow(/mediaBucket/);
  });
});
