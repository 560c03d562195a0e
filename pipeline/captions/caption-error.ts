/**
 * A caption file or language that cannot be published. It is a PipelineError (kind `captions`)
 * so the CLI, migrate and encodeLesson handle it like any other refusal, and it names the file
 * and line so the author can go straight to the mistake.
 */
import { PipelineError } from '../errors.ts';

export class CaptionError extends PipelineError {
  readonly file: string;
  /** 1-based; absent when the problem is not on one line (a language tag, a missing file). */
  readonly line: number | undefined;
  readonly reason: string;
  constructor(file: string, line: number | undefined, reason: string, options?: { cause?: unknown }) {
    super('captions', `${line === undefined ? file : `${file}:${line}`}: ${reason}`, options);
    this.name = 'CaptionError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
