/**
 * The MediaConvert job statuses the completion handler acts on, declared once: the handler
 * ignores every other status, and the stack's EventBridge rule forwards exactly these, so a
 * status the handler handles can never be filtered out before it arrives. MediaConvert emits
 * INPUT_INFORMATION, PROGRESSING, STATUS_UPDATE, COMPLETE, CANCELED, ERROR, NEW_WARNING and
 * QUEUE_HOP (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html).
 */
export const HANDLED_JOB_STATES = ['COMPLETE', 'ERROR', 'CANCELED'] as const;

export type HandledJobState = (typeof HANDLED_JOB_STATES)[number];

export function isHandledJobState(status: string): status is HandledJobState {
  return (HANDLED_JOB_STATES as readonly string[]).includes(status);
}
