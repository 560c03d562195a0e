/**
 * A local stand-in for Amazon Transcribe's batch jobs, reached through the real
 * `@aws-sdk/client-transcribe` (point the client's `endpoint` at `endpoint`): it validates
 * StartTranscriptionJob as Transcribe documents it, writes the transcript and subtitle files
 * where and under the names Transcribe does, answers GetTranscriptionJob, and emits `Transcribe
 * Job State Change` events. It cannot recognise speech: the words come from a transcript
 * fixture (job-store.ts), which is why the local stack has no automatic captions of its own.
 *
 * Production code never imports this; tests and the local stack (only with autoCaptions on) do.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../loopback-server.ts';
import { createTranscribeApiHandler } from './api-server.ts';
import { JobStore, type JobStoreOptions, type TranscriptionJobRecord } from './job-store.ts';

export type { TranscribeEvent, TranscriptFixture, TranscriptionJobRecord } from './job-store.ts';
export type { FixtureCue } from './output-files.ts';

export interface TranscribeStandInOptions extends Omit<JobStoreOptions, 'transcripts'> {
  /** The cues "heard" in a media file; default: none, so every job fails saying why. */
  readonly transcripts?: JobStoreOptions['transcripts'];
  readonly port?: number;
}

export interface TranscribeStandIn {
  readonly endpoint: string;
  jobs(): readonly TranscriptionJobRecord[];
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

export async function startTranscribeStandIn(options: TranscribeStandInOptions): Promise<TranscribeStandIn> {
  if (!/^\d{12}$/.test(options.account)) throw new Error(`account must be 12 digits, got ${options.account}`);
  const store = new JobStore({ ...options, transcripts: options.transcripts ?? (() => undefined) });
  const listening = await listenOnLoopback(createServer(createTranscribeApiHandler({ region: options.region, store })), options.port);
  return {
    endpoint: listening.endpoint,
    jobs: () => store.all(),
    whenIdle: () => store.whenIdle(),
    async close() {
      await store.whenIdle();
      await listening.close();
    },
  };
}
