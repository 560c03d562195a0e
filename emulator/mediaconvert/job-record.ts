/**
 * A job as the stand-in keeps it, and the two ways out: the `Job` resource the API returns
 * (GetJob, CreateJob, ListJobs; member names of the SDK's Job type, converted to wire JSON by
 * wire-case.ts) and the read-only view tests get from `jobs()`.
 */
import type { CreateJobCommandInput, JobSettings } from '@aws-sdk/client-mediaconvert';
import type { OutputGroupResult } from './encode-job.ts';
import type { MediaConvertJobStatus } from '../../pipeline/aws/job-states.ts';

export type JobStatus = MediaConvertJobStatus;
export type JobPhase = 'PROBING' | 'TRANSCODING' | 'UPLOADING';

export interface JobRecord {
  readonly id: string;
  readonly arn: string;
  readonly request: CreateJobCommandInput;
  readonly queueArn: string;
  readonly createdAt: Date;
  status: JobStatus;
  phase?: JobPhase;
  percent?: number;
  startedAt?: Date;
  finishedAt?: Date;
  errorCode?: number;
  errorMessage?: string;
  groups?: readonly OutputGroupResult[];
  /** Local files the job wrote into bucket folders. */
  written: string[];
  /** Statuses of the events emitted for the job, in order. */
  events: string[];
  readonly abort: AbortController;
}

export interface JobView {
  readonly id: string;
  readonly arn: string;
  readonly status: JobStatus;
  readonly queue: string;
  readonly role: string;
  readonly createdAt: Date;
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly settings: JobSettings;
  readonly currentPhase?: JobPhase;
  readonly errorCode?: number;
  readonly errorMessage?: string;
  /** The COMPLETE event's output group details (paths included). */
  readonly outputGroupDetails?: readonly OutputGroupResult[];
  readonly writtenFiles: readonly string[];
  readonly events: readonly string[];
}

export function jobView(r: JobRecord): JobView {
  return {
    id: r.id,
    arn: r.arn,
    status: r.status,
    queue: r.queueArn,
    role: r.request.Role!,
    createdAt: r.createdAt,
    userMetadata: { ...(r.request.UserMetadata ?? {}) },
    settings: r.request.Settings!,
    ...(r.phase ? { currentPhase: r.phase } : {}),
    ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
    ...(r.errorMessage !== undefined ? { errorMessage: r.errorMessage } : {}),
    ...(r.groups ? { outputGroupDetails: r.groups } : {}),
    writtenFiles: [...r.written],
    events: [...r.events],
  };
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Pure: the Job resource (timestamps in epoch seconds, as the model's `__timestampUnix`). */
export function jobResource(r: JobRecord): Record<string, unknown> {
  const q = r.request;
  const mode = q.AccelerationSettings?.Mode;
  return {
    Id: r.id,
    Arn: r.arn,
    Status: r.status,
    CreatedAt: seconds(r.createdAt),
    Role: q.Role,
    Settings: q.Settings,
    Queue: r.queueArn,
    UserMetadata: q.UserMetadata ?? {},
    Priority: q.Priority ?? 0,
    StatusUpdateInterval: q.StatusUpdateInterval ?? 'SECONDS_60',
    BillingTagsSource: q.BillingTagsSource ?? 'JOB',
    SimulateReservedQueue: 'DISABLED',
    ...(q.AccelerationSettings ? { AccelerationSettings: q.AccelerationSettings } : {}),
    // The stand-in never accelerates; AWS documents NOT_APPLICABLE for jobs without acceleration.
    AccelerationStatus: mode === undefined || mode === 'DISABLED' ? 'NOT_APPLICABLE' : r.status === 'COMPLETE' ? 'NOT_ACCELERATED' : 'IN_PROGRESS',
    ...(q.ClientRequestToken !== undefined ? { ClientRequestToken: q.ClientRequestToken } : {}),
    Timing: {
      SubmitTime: seconds(r.createdAt),
      ...(r.startedAt ? { StartTime: seconds(r.startedAt) } : {}),
      ...(r.finishedAt ? { FinishTime: seconds(r.finishedAt) } : {}),
    },
    ...(r.status === 'PROGRESSING' && r.phase ? { CurrentPhase: r.phase, JobPercentComplete: r.percent ?? 0 } : {}),
    ...(r.status === 'COMPLETE' ? { JobPercentComplete: 100 } : {}),
    ...(r.errorCode !== undefined ? { ErrorCode: r.errorCode, ErrorMessage: r.errorMessage } : {}),
    // GetJob's OutputGroupDetail holds only OutputDetails (DurationInMs, VideoDetails): no paths.
    ...(r.groups
      ? {
          OutputGroupDetails: r.groups.map((g) => ({
            OutputDetails: g.outputDetails.map((o) => ({
              DurationInMs: o.durationInMs,
              ...(o.videoDetails ? { VideoDetails: { WidthInPx: o.videoDetails.widthInPx, HeightInPx: o.videoDetails.heightInPx } } : {}),
            })),
          })),
        }
      : {}),
    Messages: { Info: [], Warning: [] },
    RetryCount: 0,
  };
}
