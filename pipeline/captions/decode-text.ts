/**
 * Caption bytes -> text. Editors save captions as UTF-8 with or without a BOM, and Windows tools
 * as UTF-16 with a BOM: all of those are unambiguous and accepted. Anything else that is not
 * valid UTF-8 (Latin-1, Windows-1252) is refused with the line of the first bad byte rather than
 * guessed, because a wrong guess publishes mojibake that nobody notices until a student does.
 */
import { CaptionError } from './caption-error.ts';

export function decodeCaptionBytes(bytes: Uint8Array, file: string): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new CaptionError(file, firstBadLine(body), 'not UTF-8 text: save the file as UTF-8 and try again');
  }
}

function firstBadLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line++;
    start = i + 1;
  }
  return line;
}
