/**
 * The EventBridge events MediaConvert sends when a job changes state, in the documented shape
 * (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html and the
 * per-status pages linked from it): `version` 0, a UUID `id`, detail-type `MediaConvert Job
 * State Change`, source `aws.mediaconvert`, the 12-digit `account`, `time`, `region`,
 * `resources` with the job ARN, and a `detail` with `timestamp` (ms), `accountId`, `queue`,
 * `jobId`, `status`, `userMetadata` and what the status adds:
 * - PROGRESSING: nothing more (ev_status_progressing.html);
 * - INPUT_INFORMATION: `inputDetails` (ev_status_input_information.html);
 * - STATUS_UPDATE: `framesDecoded`, `jobProgress` (ev_status_status_update.html);
 * - COMPLETE: `outputGroupDetails`, `warnings`, `paddingInserted`, `blackVideoDetected` (ev_status_complete.html);
 * - ERROR: `errorCode`, `errorMessage` (ev_status_error.html);
 * - CANCELED: nothing more (ev_status_canceled.html).
 */
import { randomUUID } from 'node:crypto';
import type { Probe } from '../../pipeline/probe.ts';
import type { OutputGroupResult } from './encode-job.ts';

export const DETAIL_TYPE = 'MediaConvert Job State Change';
export const SOURCE = 'aws.mediaconvert';

export interface MediaConvertEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': typeof DETAIL_TYPE;
  readonly source: typeof SOURCE;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>> & { readonly status: string; readonly jobId: string };
}

export interface EventJob {
  readonly id: string;
  readonly arn: string;
  readonly queueArn: string;
  readonly userMetadata: Readonly<Record<string, string>>;
}

export interface EventPlace {
  readonly region: string;
  readonly account: string;
}

export function jobEvent(place: EventPlace, job: EventJob, status: string, extra: Record<string, unknown>, now: Date): MediaConvertEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DETAIL_TYPE,
    source: SOURCE,
    account: place.account,
    // The examples show whole seconds: "2022-12-19T19:20:21Z".
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: place.region,
    resources: [job.arn],
    detail: { timestamp: now.getTime(), accountId: place.account, queue: job.queueArn, jobId: job.id, status, userMetadata: { ...job.userMetadata }, ...extra },
  };
}

/** COMPLETE's `outputGroupDetails`, as in the CMAF and frame-capture examples of output-file-names-and-paths.html. */
export function completeDetail(groups: readonly OutputGroupResult[]): Record<string, unknown> {
  return {
    outputGroupDetails: groups.map((g) => ({
      outputDetails: g.outputDetails.map((o) => ({
        ...(o.outputFilePaths ? { outputFilePaths: [...o.outputFilePaths] } : {}),
        durationInMs: o.durationInMs,
        ...(o.videoDetails ? { videoDetails: { ...o.videoDetails } } : {}),
      })),
      type: g.type,
      ...(g.playlistFilePaths ? { playlistFilePaths: [...g.playlistFilePaths] } : {}),
    })),
    paddingInserted: 0,
    blackVideoDetected: 0,
    warnings: [],
  };
}

/** INPUT_INFORMATION's `inputDetails` for the one input, in the example's field names. */
export function inputDetail(uri: string, probe: Probe): Record<string, unknown> {
  const v = probe.video;
  const a = probe.audio;
  return {
    inputDetails: [
      {
        id: 1,
        uri,
        video: v
          ? [{ codec: v.codec === 'h264' ? 'H_264' : v.codec.toUpperCase(), width: v.width, height: v.height, frameRate: Math.round((v.frameRate.num / v.frameRate.den) * 1000) / 1000, sar: `${v.sar.num}:${v.sar.den}`, interlaceMode: v.interlaced ? 'INTERLACED' : 'PROGRESSIVE', streamId: v.index + 1 }]
          : [],
        audio: a ? [{ codec: a.codec.toUpperCase(), channels: a.channels, sampleRate: a.sampleRate, language: 'UND', streamId: a.index + 1 }] : [],
      },
    ],
  };
}

/** STATUS_UPDATE's progress (the example's `jobProgress` shape). */
export function progressDetail(phase: 'PROBING' | 'TRANSCODING' | 'UPLOADING', percent: number, framesDecoded: number): Record<string, unknown> {
  const order = ['PROBING', 'TRANSCODING', 'UPLOADING'] as const;
  const at = order.indexOf(phase);
  const phaseProgress = Object.fromEntries(
    order.map((p, i) => [p, { status: i < at ? 'COMPLETE' : i === at ? 'PROGRESSING' : 'PENDING', percentComplete: i < at ? 100 : i === at ? percent : 0 }]),
  );
  const jobPercentComplete = Math.round(((at + percent / 100) / order.length) * 100);
  return { framesDecoded, jobProgress: { phaseProgress, jobPercentComplete, currentPhase: phase, retryCount: 0 } };
}
