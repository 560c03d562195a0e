/**
 * A local stand-in for AWS Elemental MediaConvert, reached through the real
 * `@aws-sdk/client-mediaconvert` (point the client's `endpoint` at `endpoint`). It validates
 * CreateJob as MediaConvert documents it, encodes with real ffmpeg from and into local bucket
 * folders, writes the files MediaConvert writes under MediaConvert's names, and emits the
 * documented `MediaConvert Job State Change` events. Jobs run one at a time, in the background.
 *
 * Production code never imports this; the local stack (local/stand-ins.ts) and tests do.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../loopback-server.ts';
import { createApiHandler } from './api-server.ts';
import type { MediaConvertEvent } from './job-events.ts';
import type { JobView } from './job-record.ts';
import { JobRunner } from './job-runner.ts';

export type { MediaConvertEvent } from './job-events.ts';
export type { JobView, JobStatus } from './job-record.ts';

export interface MediaConvertStandInOptions {
  readonly region: string;
  /** The 12-digit account id in ARNs and events. */
  readonly account: string;
  /** On-demand queue ARNs the account has besides its Default queue. */
  readonly queues?: readonly string[];
  /** Reserved queue ARNs (automated ABR jobs may not use them). */
  readonly reservedQueues?: readonly string[];
  /** IAM role ARNs that exist (the role the stack creates for MediaConvert). */
  readonly roles: readonly string[];
  /** A bucket's local folder, or undefined when the bucket does not exist. */
  readonly bucketRoot: (bucket: string) => string | undefined;
  /** Receives each job state change event (route it through EventBridge). */
  readonly emit?: (event: MediaConvertEvent) => void | Promise<void>;
  /** Progress and state lines. */
  readonly log?: (line: string) => void;
  /** Tests: an error for a job to end in as soon as it starts, or undefined to run it. */
  readonly failJob?: (job: JobView) => { errorCode: number; errorMessage: string } | undefined;
  /** Port to listen on (127.0.0.1); default: any free port. */
  readonly port?: number;
  readonly now?: () => Date;
}

export interface MediaConvertStandIn {
  readonly endpoint: string;
  jobs(): readonly JobView[];
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

export async function startMediaConvertStandIn(options: MediaConvertStandInOptions): Promise<MediaConvertStandIn> {
  if (!/^\d{12}$/.test(options.account)) throw new Error(`account must be 12 digits, got ${options.account}`);
  const runner = new JobRunner(options);
  let endpoint = '';
  const server = createServer(
    createApiHandler({
      runner,
      catalog: { region: options.region, account: options.account, onDemand: options.queues ?? [], reserved: options.reservedQueues ?? [] },
      endpoint: () => endpoint,
    }),
  );
  const listening = await listenOnLoopback(server, options.port);
  endpoint = listening.endpoint;
  return {
    endpoint,
    jobs: () => runner.views(),
    whenIdle: () => runner.whenIdle(),
    async close() {
      runner.stop();
      await runner.whenIdle();
      await listening.close();
    },
  };
}
