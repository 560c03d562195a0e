/**
 * WebVTT (https://www.w3.org/TR/webvtt1/) -> CaptionTrack, strict where a browser would
 * silently drop or mistime a cue: a bad timestamp, an end not after its start, text that is
 * not a cue, a cue that starts before the one above it. Each refusal names the line.
 *
 * Kept: cue identifiers, settings and text exactly as written, STYLE and REGION blocks.
 * Left out, with a warning: NOTE comments and header lines after `WEBVTT` (neither is shown,
 * and neither has a place in a segmented rendition).
 */
import { CaptionError } from './caption-error.ts';
import type { CaptionTrack, CaptionWarning, Cue } from './cues.ts';
import { splitBlocks, splitLines, TIMING_LINE, type NumberedLine } from './blocks.ts';
import { parseVttTimestamp } from './timestamps.ts';

const SIGNATURE = /^WEBVTT(?:[ \t].*)?$/;
const NOTE = /^NOTE(?:[ \t]|$)/;
const STYLE_OR_REGION = /^(?:STYLE|REGION)[ \t]*$/;

export function parseWebVtt(text: string, file: string): CaptionTrack {
  const lines = splitLines(text);
  if (lines.every((l) => /^[ \t]*$/.test(l))) throw new CaptionError(file, 1, 'the file is empty');
  if (!SIGNATURE.test(lines[0] ?? '')) {
    throw new CaptionError(file, 1, 'missing the WEBVTT header: a .vtt file must start with a line "WEBVTT" (for SRT, name the file .srt)');
  }
  const warnings: CaptionWarning[] = [];
  if ((lines[0] ?? '').trim() !== 'WEBVTT') warnings.push({ line: 1, message: 'text after WEBVTT on the header line left out' });
  const blocks = splitBlocks(lines.slice(1), 2);
  const cues: Cue[] = [];
  const styles: string[] = [];
  let notes = 0;
  blocks.forEach((block, index) => {
    const first = block[0] as NumberedLine;
    const isHeader = index === 0 && first.n === 2 && !block.some((l) => l.text.includes('-->'));
    if (isHeader) {
      warnings.push({ line: first.n, message: `${block.length} header line(s) after WEBVTT left out (players ignore them)` });
      return;
    }
    if (NOTE.test(first.text)) {
      notes++;
      return;
    }
    if (STYLE_OR_REGION.test(first.text)) {
      if (cues.length > 0) throw new CaptionError(file, first.n, `${first.text.trim()} block after the first cue: WebVTT only allows it before the cues`);
      styles.push(block.map((l) => l.text).join('\n'));
      return;
    }
    cues.push(readCue(block, file, cues[cues.length - 1]));
  });
  if (notes > 0) warnings.push({ line: 1, message: `${notes} NOTE comment block(s) left out` });
  if (cues.length === 0) throw new CaptionError(file, lines.length, 'no cues in the file');
  return { file, cues, blocks: styles, warnings };
}

function readCue(block: readonly NumberedLine[], file: string, previous: Cue | undefined): Cue {
  const first = block[0] as NumberedLine;
  const hasId = !first.text.includes('-->');
  const timing = hasId ? block[1] : first;
  if (!timing || !timing.text.includes('-->')) {
    throw new CaptionError(file, first.n, `not a cue: expected a timing line like "00:00:01.000 --> 00:00:04.000", found ${JSON.stringify(clip(first.text))}`);
  }
  const m = TIMING_LINE.exec(timing.text.trim());
  if (!m) throw new CaptionError(file, timing.n, `bad cue timing line ${JSON.stringify(clip(timing.text))}: expected "<start> --> <end> [settings]"`);
  const startMs = parseVttTimestamp(m[1] as string);
  if (startMs === null) throw new CaptionError(file, timing.n, `bad start timestamp ${JSON.stringify(m[1])}: use [hh:]mm:ss.ttt`);
  const endMs = parseVttTimestamp(m[2] as string);
  if (endMs === null) throw new CaptionError(file, timing.n, `bad end timestamp ${JSON.stringify(m[2])}: use [hh:]mm:ss.ttt`);
  if (endMs <= startMs) throw new CaptionError(file, timing.n, `the cue ends (${m[2]}) at or before it starts (${m[1]})`);
  if (previous && startMs < previous.startMs) {
    throw new CaptionError(file, timing.n, `the cue starts before the cue at line ${previous.line}: cues must be in time order`);
  }
  const payload = block.slice(hasId ? 2 : 1);
  for (const l of payload) {
    if (l.text.includes('-->')) throw new CaptionError(file, l.n, 'a timing line inside a cue: put a blank line before each cue');
  }
  return {
    ...(hasId ? { id: first.text } : {}),
    startMs,
    endMs,
    settings: (m[3] ?? '').trim(),
    text: payload.map((l) => l.text).join('\n'),
    line: timing.n,
  };
}

export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
