/**
 * MediaConvert job statuses, declared once: the job's own status (the API's JobStatus, which
 * the local MediaConvert stand-in reports: emulator/mediaconvert/job-record.ts) and the
 * statuses the completion handler acts on. The handler switches on `JOB_STATE` and ignores
 * every other status, and the stack's EventBridge rule (infra/components/encoding-pipeline.ts)
 * forwards exactly HANDLED_JOB_STATES, so a status the handler handles can never be filtered
 * out before it arrives. In "MediaConvert Job State Change" events MediaConvert emits
 * INPUT_INFORMATION, PROGRESSING, STATUS_UPDATE, COMPLETE, CANCELED, ERROR, NEW_WARNING and
 * QUEUE_HOP (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html).
 */
export const JOB_STATE = {
  COMPLETE: 'COMPLETE',
  ERROR: 'ERROR',
  CANCELED: 'CANCELED',
} as const;

export const HANDLED_JOB_STATES = [JOB_STATE.COMPLETE, JOB_STATE.ERROR, JOB_STATE.CANCELED] as const;

export type HandledJobState = (typeof HANDLED_JOB_STATES)[number];

/** A job's status as GetJob / ListJobs answer it (the API's JobStatus enum). */
export const MEDIACONVERT_JOB_STATUSES = ['SUBMITTED', 'PROGRESSING', JOB_STATE.COMPLETE, JOB_STATE.CANCELED, JOB_STATE.ERROR] as const;

export type MediaConvertJobStatus = (typeof MEDIACONVERT_JOB_STATUSES)[number];

export function isHandledJobState(status: string): status is HandledJobState {
  return (HANDLED_JOB_STATES as readonly string[]).includes(status);
}
