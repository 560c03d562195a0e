/**
 * Where a lesson's poster and scrub thumbnails are, said in its master playlist, so the player
 * learns them from the one file it fetches first instead of guessing names (ffmpeg writes
 * `poster.jpg` + a WebVTT sprite index, MediaConvert `poster.0000001.jpg` + an image-stream
 * playlist). RFC 8216 EXT-X-SESSION-DATA with VALUE (a plain string; URI would have to name
 * JSON): the value is the file's URI relative to the master, like every other URI in it. Both
 * publishers (pipeline/master-playlist.ts, pipeline/aws/completion-rewrite.ts) write these
 * lines; the player reads them through parseMaster (master.ts).
 */
export const SESSION_DATA_IDS = {
  poster: 'com.lectern.poster',
  thumbnails: 'com.lectern.thumbnails',
} as const;

export interface LessonImages {
  /** Relative to the master playlist, e.g. `v0abc/poster.jpg`. */
  readonly poster?: string;
  /** A WebVTT sprite index or an image-stream media playlist, relative to the master. */
  readonly thumbnails?: string;
}

/** The EXT-X-SESSION-DATA lines for a master playlist (none for what is absent). */
export function sessionDataLines(images: LessonImages): string[] {
  const lines: string[] = [];
  for (const [field, id] of Object.entries(SESSION_DATA_IDS) as [keyof LessonImages, string][]) {
    const uri = images[field];
    if (uri === undefined) continue;
    // A quoted-string may hold neither `"` nor a line break (RFC 8216 4.2).
    if (/["\r\n]/.test(uri) || uri === '') throw new Error(`cannot put ${JSON.stringify(uri)} in EXT-X-SESSION-DATA`);
    lines.push(`#EXT-X-SESSION-DATA:DATA-ID="${id}",VALUE="${uri}"`);
  }
  return lines;
}
