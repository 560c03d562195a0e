/**
 * What happens to a job after CreateJob: the run-time errors MediaConvert reports as ERROR
 * events with its error codes, cancellation, and the API's typed errors.
 */
import {
  CancelJobCommand,
  ConflictException,
  CreateJobCommand,
  ForbiddenException,
  GetJobCommand,
  MediaConvertClient,
  NotFoundException,
  type CreateJobCommandInput,
} from '@aws-sdk/client-mediaconvert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobStateChange } from '../../pipeline/aws/completion-handler.ts';
import { jobFor } from '../../pipeline/aws/upload-trigger.ts';
import { MEDIA, QUEUE, ROLE, SOURCE_KEY, UPLOADS, makeSource, startHarness, statusesOf, type Harness } from './test-fixtures.ts';

function lessonJob(overrides: { key?: string; bucket?: string; role?: string; version?: string } = {}): CreateJobCommandInput {
  const job = jobFor(
    { kind: 'on-demand', bucket: overrides.bucket ?? UPLOADS, key: overrides.key ?? SOURCE_KEY, courseId: 'intro-to-hls', lessonId: 'lesson-1' },
    { mediaBucket: MEDIA, mediaConvert: { role: overrides.role ?? ROLE, queue: QUEUE }, includeOptional: false },
    overrides.version ?? 'v0mwq8z3k0-1a2b',
  );
  const { ClientRequestToken: _token, ...rest } = job;
  return rest;
}

async function runToEnd(h: Harness, job: CreateJobCommandInput): Promise<string> {
  const { Job } = await h.client.send(new CreateJobCommand(job));
  await h.standIn.whenIdle();
  return Job!.Id!;
}

describe('jobs that fail while running', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      failJob: (job) => (job.userMetadata['version'] === 'v0forcedxx-0001' ? { errorCode: 1076, errorMessage: 'Source Read Error (forced by the test)' } : undefined),
    });
    await writeFile(join(h.buckets[UPLOADS]!, 'not-video.mp4'), 'this is not a video');
  });
  afterAll(() => h.close());

  it('a missing input object ends in ERROR 1404 ("could not find a file"), after PROGRESSING, writing nothing', async () => {
    const id = await runToEnd(h, lessonJob({ key: 'uploads/intro-to-hls/lesson-1/missing.mp4' }));
    expect(statusesOf(h.events, id)).toEqual(['PROGRESSING', 'ERROR']);
    const error = h.events.find((e) => e.detail.jobId === id && e.detail.status === 'ERROR')!;
    expect(error.detail).toMatchObject({ errorCode: 1404, errorMessage: expect.stringContaining(`s3://${UPLOADS}/uploads/intro-to-hls/lesson-1/missing.mp4`) });
    expect(parseJobStateChange(error)).toMatchObject({ status: 'ERROR', errorCode: 1404 });
    const { Job } = await h.client.send(new GetJobCommand({ Id: id }));
    expect(Job).toMatchObject({ Status: 'ERROR', ErrorCode: 1404 });
    expect(await h.keys(MEDIA)).toEqual([]);
  });

  it('an input bucket that does not exist is ERROR 1404 too', async () => {
    const id = await runToEnd(h, lessonJob({ bucket: 'no-such-bucket' }));
    expect(h.standIn.jobs().find((j) => j.id === id)).toMatchObject({ status: 'ERROR', errorCode: 1404, errorMessage: expect.stringContaining('no-such-bucket') });
  });

  it('an input that is not media is ERROR 1010 ("can\'t open one or more of your input files")', async () => {
    const id = await runToEnd(h, lessonJob({ key: 'not-video.mp4' }));
    expect(h.standIn.jobs().find((j) => j.id === id)).toMatchObject({ status: 'ERROR', errorCode: 1010 });
  });

  it('a role that does not exist is ERROR 1433, a malformed one 1515', async () => {
    const unknown = await runToEnd(h, lessonJob({ role: 'arn:aws:iam::111122223333:role/someone-else' }));
    const malformed = await runToEnd(h, lessonJob({ role: 'lectern-mediaconvert' }));
    expect(h.standIn.jobs().find((j) => j.id === unknown)).toMatchObject({ status: 'ERROR', errorCode: 1433 });
    expect(h.standIn.jobs().find((j) => j.id === malformed)).toMatchObject({ status: 'ERROR', errorCode: 1515 });
  });

  it('a test can force an error, which arrives like MediaConvert\'s own', async () => {
    const id = await runToEnd(h, lessonJob({ version: 'v0forcedxx-0001' }));
    const error = h.events.find((e) => e.detail.jobId === id && e.detail.status === 'ERROR')!;
    expect(error.detail).toMatchObject({ errorCode: 1076, errorMessage: 'Source Read Error (forced by the test)', userMetadata: { version: 'v0forcedxx-0001' } });
  });
});

describe('canceling jobs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await makeSource(join(h.buckets[UPLOADS]!, 'uploads/intro-to-hls/lesson-1/long.mp4'), 12);
    await makeSource(join(h.buckets[UPLOADS]!, SOURCE_KEY), 2);
  });
  afterAll(() => h.close());

  it('CancelJob on a queued job: CANCELED at once, it never runs, and the job before it still completes', async () => {
    const first = await h.client.send(new CreateJobCommand(lessonJob()));
    const second = await h.client.send(new CreateJobCommand(lessonJob({ version: 'v0secondxx-0002' })));
    await h.client.send(new CancelJobCommand({ Id: second.Job!.Id! }));
    const { Job } = await h.client.send(new GetJobCommand({ Id: second.Job!.Id! }));
    expect(Job?.Status).toBe('CANCELED');
    await h.standIn.whenIdle();
    expect(statusesOf(h.events, second.Job!.Id!)).toEqual(['CANCELED']);
    expect(statusesOf(h.events, first.Job!.Id!)).toEqual(['PROGRESSING', 'INPUT_INFORMATION', 'COMPLETE']);
    expect((await h.keys(MEDIA)).some((k) => k.includes('v0secondxx-0002'))).toBe(false);
    const canceled = h.events.find((e) => e.detail.jobId === second.Job!.Id)!;
    expect(parseJobStateChange(canceled)).toMatchObject({ status: 'CANCELED', version: 'v0secondxx-0002' });
  });

  it('CancelJob on a running job stops the encode: CANCELED after PROGRESSING, no COMPLETE, nothing written', async () => {
    let cancel: Promise<unknown> | undefined;
    const job = lessonJob({ key: 'uploads/intro-to-hls/lesson-1/long.mp4', version: 'v0runningx-0003' });
    const { Job } = await h.client.send(new CreateJobCommand(job));
    const id = Job!.Id!;
    // Cancel as soon as the job is seen PROGRESSING (while it probes or encodes).
    for (let i = 0; i < 200 && !cancel; i++) {
      if (h.standIn.jobs().find((j) => j.id === id)?.status === 'PROGRESSING') cancel = h.client.send(new CancelJobCommand({ Id: id }));
      else await new Promise((r) => setTimeout(r, 5));
    }
    await cancel;
    await h.standIn.whenIdle();
    const statuses = statusesOf(h.events, id);
    expect(statuses[0]).toBe('PROGRESSING');
    expect(statuses.at(-1)).toBe('CANCELED');
    expect(statuses).not.toContain('COMPLETE');
    expect((await h.keys(MEDIA)).some((k) => k.includes('v0runningx-0003'))).toBe(false);
  });

  it('CancelJob on a finished job is a ConflictException; on an unknown one a NotFoundException', async () => {
    const done = h.standIn.jobs().find((j) => j.status === 'COMPLETE')!;
    await expect(h.client.send(new CancelJobCommand({ Id: done.id }))).rejects.toBeInstanceOf(ConflictException);
    await expect(h.client.send(new GetJobCommand({ Id: '1763726800000-nojob0' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(h.client.send(new CancelJobCommand({ Id: '1763726800000-nojob0' }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it('refuses requests signed for another region (ForbiddenException)', async () => {
    const elsewhere = new MediaConvertClient({ endpoint: h.standIn.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
    await expect(elsewhere.send(new GetJobCommand({ Id: 'x' }))).rejects.toBeInstanceOf(ForbiddenException);
    elsewhere.destroy();
  });
});
