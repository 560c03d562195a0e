/** The parsed form both readers (WebVTT, SRT) produce and everything downstream consumes. */

export interface Cue {
  readonly id?: string;
  /** Integer milliseconds: segment boundaries and the duration check compare exactly. */
  readonly startMs: number;
  readonly endMs: number;
  /** WebVTT cue settings as written (`line:90% align:start`); empty when none. */
  readonly settings: string;
  /** Payload lines joined with `\n`, in WebVTT syntax. */
  readonly text: string;
  /** Line of the timing line in the source file, for errors found after parsing. */
  readonly line: number;
}

export interface CaptionWarning {
  readonly line: number;
  readonly message: string;
}

export interface CaptionTrack {
  /** As given by the user (a path or a file name): what errors and warnings name. */
  readonly file: string;
  readonly cues: readonly Cue[];
  /** STYLE and REGION blocks, verbatim: they apply to every cue, so every segment repeats them. */
  readonly blocks: readonly string[];
  /** What was changed or left out on the way (never silent). */
  readonly warnings: readonly CaptionWarning[];
}
