/** Lines grouped into blank-line separated blocks, each line with its 1-based number. */

export interface NumberedLine {
  readonly n: number;
  readonly text: string;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Blocks of non-blank lines; a line of only spaces or tabs counts as blank (editors leave them). */
export function splitBlocks(lines: readonly string[], firstLine = 1): NumberedLine[][] {
  const blocks: NumberedLine[][] = [];
  let current: NumberedLine[] = [];
  lines.forEach((text, i) => {
    if (/^[ \t]*$/.test(text)) {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push({ n: firstLine + i, text });
    }
  });
  if (current.length > 0) blocks.push(current);
  return blocks;
}

export const TIMING_LINE = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;
