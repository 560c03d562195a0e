/**
 * SubRip (.srt) -> the same CaptionTrack as WebVTT: index lines dropped, `,` in timestamps
 * read as WebVTT's `.`, text made safe for WebVTT (a bare `&` or a `<` that opens no tag would
 * otherwise swallow text). SRT's basic tags (`<i>`, `<b>`, `<u>`) mean the same in WebVTT;
 * others (`<font>`) are kept, and WebVTT players ignore them and show the text.
 */
import { CaptionError } from './caption-error.ts';
import type { CaptionTrack, CaptionWarning, Cue } from './cues.ts';
import { splitBlocks, splitLines, TIMING_LINE, type NumberedLine } from './blocks.ts';
import { clip } from './parse-webvtt.ts';
import { parseSrtTimestamp } from './timestamps.ts';

export function parseSrt(text: string, file: string): CaptionTrack {
  const lines = splitLines(text);
  if (lines.every((l) => /^[ \t]*$/.test(l))) throw new CaptionError(file, 1, 'the file is empty');
  if (/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) throw new CaptionError(file, 1, 'this is a WebVTT file: name it .vtt');
  const warnings: CaptionWarning[] = [];
  const cues: Cue[] = [];
  for (const block of splitBlocks(lines)) {
    cues.push(readCue(block, file, cues[cues.length - 1], warnings));
  }
  return { file, cues, blocks: [], warnings };
}

function readCue(block: readonly NumberedLine[], file: string, previous: Cue | undefined, warnings: CaptionWarning[]): Cue {
  const first = block[0] as NumberedLine;
  const hasIndex = /^\d+$/.test(first.text.trim());
  const timing = hasIndex ? block[1] : first;
  if (!hasIndex && !first.text.includes('-->')) {
    throw new CaptionError(file, first.n, `not a cue: expected a cue number or a timing line like "00:00:01,000 --> 00:00:04,000", found ${JSON.stringify(clip(first.text))}`);
  }
  if (!timing || !timing.text.includes('-->')) {
    throw new CaptionError(file, timing?.n ?? first.n, 'the cue number is not followed by a timing line like "00:00:01,000 --> 00:00:04,000"');
  }
  const m = TIMING_LINE.exec(timing.text.trim());
  if (!m) throw new CaptionError(file, timing.n, `bad cue timing line ${JSON.stringify(clip(timing.text))}: expected "<start> --> <end>"`);
  const startMs = parseSrtTimestamp(m[1] as string);
  if (startMs === null) throw new CaptionError(file, timing.n, `bad start timestamp ${JSON.stringify(m[1])}: use hh:mm:ss,ttt`);
  const endMs = parseSrtTimestamp(m[2] as string);
  if (endMs === null) throw new CaptionError(file, timing.n, `bad end timestamp ${JSON.stringify(m[2])}: use hh:mm:ss,ttt`);
  if (endMs <= startMs) throw new CaptionError(file, timing.n, `the cue ends (${m[2]}) at or before it starts (${m[1]})`);
  if (previous && startMs < previous.startMs) {
    throw new CaptionError(file, timing.n, `the cue starts before the cue at line ${previous.line}: cues must be in time order`);
  }
  // SRT's display rectangle (X1:.. X2:.. Y1:.. Y2:..) has no WebVTT equivalent.
  if (m[3]) warnings.push({ line: timing.n, message: `SRT position ${JSON.stringify(m[3].trim())} left out (WebVTT has no equivalent)` });
  const payload = block.slice(hasIndex ? 2 : 1);
  for (const l of payload) {
    if (l.text.includes('-->')) throw new CaptionError(file, l.n, 'a timing line inside a cue: put a blank line before each cue');
  }
  return { startMs, endMs, settings: '', text: payload.map((l) => escapeForVtt(l.text)).join('\n'), line: timing.n };
}

/** `&` not starting an entity and `<` not starting a tag, escaped; real tags and entities kept. */
export function escapeForVtt(text: string): string {
  return text.replace(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;').replace(/<(?![a-zA-Z/]|\d)/g, '&lt;');
}
