/**
 * The stand-in's jobs: StartTranscriptionJob's checks that need the local buckets (the media
 * exists, the output bucket exists, the name is new), then the job runs in the background and
 * ends COMPLETED (output files written) or FAILED, each with its `Transcribe Job State Change`
 * event.
 *
 * The one deliberate difference from Amazon Transcribe: there is no speech recognition here.
 * The cues a job "recognises" come from the transcript fixture the stand-in is given for its
 * media (`transcripts`); a job without one FAILS and says so. Everything around the words
 * (names, validation, where the files go, events) is what Transcribe does, for the requests the
 * pipeline makes: IdentifyMultipleLanguages (never asked for) is refused, not imitated.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { localPath, parseS3Url } from '../mediaconvert/s3-paths.ts';
import { TranscribeApiError } from './api-server.ts';
import { renderSubtitles, renderTranscript, subtitleKey, transcriptKey, type FixtureCue } from './output-files.ts';
import type { StartRequest } from './validate-start.ts';

export type TranscriptionStatus = 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface TranscriptionJobRecord {
  readonly request: StartRequest;
  status: TranscriptionStatus;
  languageCode?: string;
  readonly createdAt: Date;
  startedAt?: Date;
  completedAt?: Date;
  failureReason?: string;
  transcriptUri?: string;
  subtitleUris: string[];
}

/** What the stand-in "hears" in a media file: the cues, and the language identification finds. */
export interface TranscriptFixture {
  readonly languageCode?: string;
  readonly cues: readonly FixtureCue[];
}

export interface TranscribeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Transcribe Job State Change';
  readonly source: 'aws.transcribe';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: { readonly TranscriptionJobName: string; readonly TranscriptionJobStatus: 'COMPLETED' | 'FAILED'; readonly FailureReason?: string };
}

export interface JobStoreOptions {
  readonly region: string;
  readonly account: string;
  readonly bucketRoot: (bucket: string) => string | undefined;
  readonly transcripts: (job: { readonly name: string; readonly mediaUri: string; readonly languageCode?: string }) => TranscriptFixture | undefined;
  readonly emit?: (event: TranscribeEvent) => void | Promise<void>;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

export class JobStore {
  private readonly jobs = new Map<string, TranscriptionJobRecord>();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: JobStoreOptions) {}

  get(name: string): TranscriptionJobRecord | undefined {
    return this.jobs.get(name);
  }

  all(): readonly TranscriptionJobRecord[] {
    return [...this.jobs.values()];
  }

  whenIdle(): Promise<void> {
    return this.running;
  }

  start(request: StartRequest): TranscriptionJobRecord {
    if (this.jobs.has(request.name)) throw new TranscribeApiError('ConflictException', 'The requested job name already exists. Use a different job name.');
    const media = parseS3Url(request.mediaUri);
    const file = media && media.key ? this.pathOf(media.bucket, media.key) : null;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      throw new TranscribeApiError('BadRequestException', "The S3 URI that you provided can't be accessed. Make sure that you have read permission and try your request again.");
    }
    if (request.outputBucket !== undefined && this.options.bucketRoot(request.outputBucket) === undefined) {
      throw new TranscribeApiError('BadRequestException', 'The specified S3 bucket does not exist. Check the name of the bucket and try your request again.');
    }
    const job: TranscriptionJobRecord = { request, status: 'IN_PROGRESS', ...(request.languageCode ? { languageCode: request.languageCode } : {}), createdAt: this.now(), startedAt: this.now(), subtitleUris: [] };
    this.jobs.set(request.name, job);
    this.running = this.running.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.run(job)).catch((error: Error) => {
      this.options.log?.(`Transcribe stand-in: job ${request.name}: ${error.message}`);
    });
    return job;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private pathOf(bucket: string, key: string): string | null {
    try {
      return localPath({ bucket, key }, this.options.bucketRoot);
    } catch {
      return null;
    }
  }

  /** Transcribe's subtitle URIs are path-style https URLs of the output bucket. */
  private url(bucket: string, key: string): string {
    return `https://s3.${this.options.region}.amazonaws.com/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async run(job: TranscriptionJobRecord): Promise<void> {
    const r = job.request;
    const fixture = this.options.transcripts({ name: r.name, mediaUri: r.mediaUri, ...(r.languageCode ? { languageCode: r.languageCode } : {}) });
    if (!fixture) {
      return this.finish(job, 'FAILED', `The local Transcribe stand-in cannot recognise speech, and it was given no transcript fixture for ${r.mediaUri}. Automatic captions need Amazon Transcribe on AWS.`);
    }
    if (r.identify) job.languageCode = fixture.languageCode ?? 'en-US';
    // Without OutputBucketName, Transcribe keeps the output in a service-managed bucket; the
    // stand-in has none, so such a job completes with no files to read (the pipeline always names one).
    if (r.outputBucket !== undefined) {
      const key = transcriptKey(r.name, r.outputKey);
      await this.write(r.outputBucket, key, renderTranscript(r.name, this.options.account, fixture.cues));
      job.transcriptUri = this.url(r.outputBucket, key);
      for (const format of r.subtitles?.formats ?? []) {
        const subKey = subtitleKey(key, format);
        await this.write(r.outputBucket, subKey, renderSubtitles(fixture.cues, format, r.subtitles!.startIndex));
        job.subtitleUris.push(this.url(r.outputBucket, subKey));
      }
    }
    await this.finish(job, 'COMPLETED');
  }

  private async write(bucket: string, key: string, text: string): Promise<void> {
    const file = this.pathOf(bucket, key);
    if (!file) throw new Error(`s3://${bucket}/${key} cannot be written`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }

  private async finish(job: TranscriptionJobRecord, status: 'COMPLETED' | 'FAILED', failureReason?: string): Promise<void> {
    job.status = status;
    job.completedAt = this.now();
    if (failureReason) job.failureReason = failureReason;
    this.options.log?.(`Transcribe stand-in: job ${job.request.name} ${status}${failureReason ? `: ${failureReason}` : ''}`);
    const now = this.now();
    await this.options.emit?.({
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Transcribe Job State Change',
      source: 'aws.transcribe',
      account: this.options.account,
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: [],
      detail: { TranscriptionJobName: job.request.name, TranscriptionJobStatus: status, ...(failureReason ? { FailureReason: failureReason } : {}) },
    });
  }
}
