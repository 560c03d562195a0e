/**
 * The jobs of the stand-in's account and the one worker that runs them, one at a time, in the
 * background: CreateJob answers as soon as the job is SUBMITTED. Each job goes SUBMITTED ->
 * PROGRESSING -> COMPLETE | ERROR, or to CANCELED when CancelJob reaches it first; every change
 * is emitted as the documented EventBridge event, in order.
 */
import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeJob, JobFailure, uploadStaged } from './encode-job.ts';
import { completeDetail, inputDetail, jobEvent, progressDetail, type MediaConvertEvent } from './job-events.ts';
import { jobView, type JobRecord, type JobView } from './job-record.ts';

export interface RunnerOptions {
  readonly region: string;
  readonly account: string;
  /** IAM role ARNs that exist in the account (the roles MediaConvert may assume). */
  readonly roles: readonly string[];
  readonly bucketRoot: (bucket: string) => string | undefined;
  readonly emit?: (event: MediaConvertEvent) => void | Promise<void>;
  readonly log?: (line: string) => void;
  /** Tests: make a job fail with this error as soon as it starts. */
  readonly failJob?: (job: JobView) => { errorCode: number; errorMessage: string } | undefined;
  readonly now?: () => Date;
}

/** `STATUS_UPDATE` cadence: the job's StatusUpdateInterval (default one minute, ev_status_status_update.html). */
function intervalMs(request: CreateJobCommandInput): number {
  return Number((request.StatusUpdateInterval ?? 'SECONDS_60').replace('SECONDS_', '')) * 1000;
}

/** Job ids look like the docs' `1671477617078-2886ye`: creation time in ms, six base-36 characters. */
function newJobId(now: Date): string {
  const suffix = [...randomBytes(6)].map((b) => (b % 36).toString(36)).join('');
  return `${now.getTime()}-${suffix}`;
}

export class JobRunner {
  private readonly records = new Map<string, JobRecord>();
  private readonly tokens = new Map<string, { id: string; at: number }>();
  private chain: Promise<void> = Promise.resolve();
  private emits: Promise<void> = Promise.resolve();
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly options: RunnerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private log(line: string): void {
    this.options.log?.(`mediaconvert: ${line}`);
  }

  private emit(job: JobRecord, status: string, extra: Record<string, unknown> = {}): void {
    // A canceled job says nothing more: whatever its run was doing is discarded.
    if (this.stopped || (job.status === 'CANCELED' && status !== 'CANCELED')) return;
    job.events.push(status);
    const event = jobEvent(this.options, { id: job.id, arn: job.arn, queueArn: job.queueArn, userMetadata: job.request.UserMetadata ?? {} }, status, extra, this.now());
    const emit = this.options.emit;
    if (!emit) return;
    this.emits = this.emits.then(() => emit(event)).catch((error: Error) => this.log(`emitting ${status} for job ${job.id} failed: ${error.message}`));
  }

  /**
   * A new SUBMITTED job, queued. "If you reuse a client request token within one minute of a
   * successful request, the API returns the job details of the original request instead."
   * (ClientRequestToken, https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html)
   */
  submit(request: CreateJobCommandInput, queueArn: string): JobRecord {
    const now = this.now();
    const token = request.ClientRequestToken;
    if (token !== undefined) {
      const seen = this.tokens.get(token);
      if (seen && now.getTime() - seen.at < 60_000) return this.records.get(seen.id)!;
    }
    const id = newJobId(now);
    const job: JobRecord = {
      id,
      arn: `arn:aws:mediaconvert:${this.options.region}:${this.options.account}:jobs/${id}`,
      request,
      queueArn,
      createdAt: now,
      status: 'SUBMITTED',
      written: [],
      events: [],
      abort: new AbortController(),
    };
    this.records.set(id, job);
    if (token !== undefined) this.tokens.set(token, { id, at: now.getTime() });
    this.log(`job ${id} submitted (${request.Settings?.Inputs?.[0]?.FileInput ?? 'no input'})`);
    this.chain = this.chain.then(() => this.run(job));
    return job;
  }

  get(id: string): JobRecord | undefined {
    return this.records.get(id);
  }

  all(): JobRecord[] {
    return [...this.records.values()];
  }

  views(): JobView[] {
    return this.all().map(jobView);
  }

  /** "Permanently cancel a job": a SUBMITTED or PROGRESSING job becomes CANCELED at once; false when it already ended. */
  cancel(job: JobRecord): boolean {
    if (job.status !== 'SUBMITTED' && job.status !== 'PROGRESSING') return false;
    job.status = 'CANCELED';
    job.finishedAt = this.now();
    job.abort.abort();
    this.emit(job, 'CANCELED');
    this.log(`job ${job.id} canceled`);
    return true;
  }

  /**
   * Shutting the stand-in down: queued jobs never start, a running encode is killed, and no
   * event is emitted (the service did not cancel anything; this machine just stopped).
   */
  stop(): void {
    this.stopped = true;
    for (const job of this.records.values()) job.abort.abort();
  }

  /** Resolves when no job is queued or running and every event has been handed to `emit`. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const chain = this.chain;
      const emits = this.emits;
      await chain;
      await emits;
      if (chain === this.chain && emits === this.emits) return;
    }
  }

  private fail(job: JobRecord, errorCode: number, errorMessage: string): void {
    if (job.status === 'CANCELED' || this.stopped) return;
    job.status = 'ERROR';
    job.errorCode = errorCode;
    job.errorMessage = errorMessage;
    job.finishedAt = this.now();
    this.emit(job, 'ERROR', { errorCode, errorMessage });
    this.log(`job ${job.id} ERROR ${errorCode}: ${errorMessage}`);
  }

  private async run(job: JobRecord): Promise<void> {
    if (job.status !== 'SUBMITTED' || this.stopped) return; // canceled while queued, or shutting down
    job.status = 'PROGRESSING';
    job.startedAt = this.now();
    this.emit(job, 'PROGRESSING');

    const forced = this.options.failJob?.(jobView(job));
    if (forced) return this.fail(job, forced.errorCode, forced.errorMessage);
    const role = job.request.Role!;
    // Role problems surface while the job runs, as error codes 1515 ("doesn't have the necessary
    // permissions or is malformed") and 1433 ("The role specified in your MediaConvert job
    // settings doesn't exist"), https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_error_codes.html
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/.test(role)) return this.fail(job, 1515, `IAM Role Error: the role ${role} is malformed`);
    if (!this.options.roles.includes(role)) return this.fail(job, 1433, `IAM Role Error: the role specified in your MediaConvert job settings doesn't exist: ${role}`);

    const workDir = await mkdtemp(join(tmpdir(), `lectern-mediaconvert-${job.id}-`));
    let frames = 0;
    let lastLogged = -1;
    const timer = setInterval(() => {
      if (job.status === 'PROGRESSING' && job.phase) this.emit(job, 'STATUS_UPDATE', progressDetail(job.phase, job.percent ?? 0, frames));
    }, intervalMs(job.request));
    timer.unref();
    try {
      const input = job.request.Settings!.Inputs![0]!.FileInput!;
      const result = await encodeJob(job.request, {
        bucketRoot: this.options.bucketRoot,
        workDir,
        signal: job.abort.signal,
        onProgress: (phase, percent, framesDecoded) => {
          job.phase = phase;
          job.percent = percent;
          if (framesDecoded !== undefined) frames = framesDecoded;
          if (phase === 'TRANSCODING' && percent !== lastLogged && percent % 10 === 0) {
            lastLogged = percent;
            this.log(`job ${job.id} ${phase} ${percent}%`);
          }
        },
        onProbed: (probe) => {
          this.emit(job, 'INPUT_INFORMATION', inputDetail(input, probe));
        },
      });
      if (job.abort.signal.aborted) return;
      job.phase = 'UPLOADING';
      job.percent = 0;
      job.written = await uploadStaged(result.files, this.options.bucketRoot, job.abort.signal, (done) => {
        job.percent = Math.floor((done / result.files.length) * 100);
      });
      if (job.abort.signal.aborted) return;
      job.status = 'COMPLETE';
      job.groups = result.groups;
      job.finishedAt = this.now();
      this.emit(job, 'COMPLETE', completeDetail(result.groups));
      this.log(`job ${job.id} COMPLETE: ${job.written.length} files`);
    } catch (error) {
      if (job.abort.signal.aborted) return;
      if (error instanceof JobFailure) this.fail(job, error.errorCode, error.message);
      else this.fail(job, 1999, `Unknown Error: ${(error as Error).message}`);
    } finally {
      clearInterval(timer);
      await rm(workDir, { recursive: true, force: true });
    }
  }
}
