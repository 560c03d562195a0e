/**
 * One error type for the pipeline, with a coarse kind the CLI can map to a message or an exit
 * code. The message is always meant for a person.
 */
export type PipelineErrorKind =
  | 'input' // missing, unreadable or not a media file
  | 'no-video' // a file without a video stream
  | 'disk-full' // ENOSPC while encoding or publishing
  | 'ffmpeg' // the encoder failed for another reason
  | 'verify' // the encode finished but the output is not sane
  | 'interrupted' // aborted by the caller (Ctrl-C)
  | 'lesson' // bad course/lesson ids, unknown `after` lesson
  | 'captions' // a caption file or language tag that cannot be published (pipeline/captions/)
  | 'record' // the media is published but the lesson record or next-lesson map update failed
  | 'tools'; // ffmpeg/ffprobe not found

/**
 * Every errorKind a lesson record can hold (markFailed): a PipelineError's kind, or one of the
 * AWS path's (pipeline/aws), where a MediaConvert job fails instead of a local encode.
 */
export type LessonErrorKind =
  | PipelineErrorKind
  | 'submit' // the upload trigger could not submit the MediaConvert job
  | 'mediaconvert-input' // MediaConvert could not read the input (error 1010-1099, 1404)
  | 'mediaconvert' // MediaConvert failed for another reason
  | 'canceled' // the MediaConvert job was canceled
  | 'publish' // MediaConvert finished but its output could not be published
  | 'unknown'; // a failure that is no PipelineError

export class PipelineError extends Error {
  readonly kind: PipelineErrorKind;
  constructor(kind: PipelineErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipelineError';
    this.kind = kind;
  }
}

export function isEnospc(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';
}

/** Maps the tail of ffmpeg's stderr to a pipeline error. */
export function classifyFfmpegFailure(stderr: string, exitCode: number | null, signal: string | null): PipelineError {
  const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
  const last = lines.slice(-3).join(' | ');
  if (/No space left on device/i.test(stderr)) {
    return new PipelineError('disk-full', `disk full while encoding: free some space and run it again (ffmpeg: ${last})`);
  }
  if (/Invalid data found when processing input|moov atom not found|could not find codec parameters/i.test(stderr)) {
    return new PipelineError('input', `the input could not be decoded (ffmpeg: ${last})`);
  }
  const how = signal ? `was stopped by ${signal}` : `exited with code ${exitCode}`;
  return new PipelineError('ffmpeg', `ffmpeg ${how}${last ? `: ${last}` : ''}`);
}
