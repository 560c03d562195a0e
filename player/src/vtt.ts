/** A small WebVTT reader: cue timings and text (thumbnail index and captions). */

export interface Cue {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const TIMING = /^((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;

export function parseTimestamp(text: string): number {
  const parts = text.replace(',', '.').split(':').map(Number);
  let seconds = 0;
  for (const part of parts) seconds = seconds * 60 + part;
  return seconds;
}

export function parseVtt(text: string): Cue[] {
  const blocks = text.replace(/^\uFEFF/, '').split(/\r?\n\r?\n+/);
  if (!/^WEBVTT/.test(blocks[0] ?? '')) throw new Error('not a WebVTT file');
  const cues: Cue[] = [];
  for (const block of blocks.slice(0)) {
    const rows = block.split(/\r?\n/);
    const at = rows.findIndex((r) => TIMING.test(r));
    if (at < 0) continue;
    const m = TIMING.exec(rows[at] as string) as RegExpExecArray;
    cues.push({ start: parseTimestamp(m[1] as string), end: parseTimestamp(m[2] as string), text: rows.slice(at + 1).join('\n').trim() });
  }
  return cues;
}

export interface Thumbnail {
  /** Absolute sprite URL. */
  readonly url: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TimedThumbnail {
  readonly start: number;
  readonly end: number;
  readonly thumb: Thumbnail;
}

/** The local pipeline's sprite index: each cue's text is `thumbs-000.jpg#xywh=x,y,w,h`. */
export function vttThumbnails(text: string, vttUrl: string): TimedThumbnail[] {
  return parseVtt(text).flatMap((cue) => {
    const m = /^([^#\s]+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue.text);
    if (!m) return [];
    return [{ start: cue.start, end: cue.end, thumb: { url: new URL(m[1] as string, vttUrl).href, x: +(m[2] as string), y: +(m[3] as string), width: +(m[4] as string), height: +(m[5] as string) } }];
  });
}

/** The thumbnail shown at `time`: a binary search over entries sorted by start. */
export function thumbnailIndex(entries: readonly TimedThumbnail[]): (time: number) => Thumbnail | undefined {
  return (time) => {
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = entries[mid] as (typeof entries)[number];
      if (time < e.start) hi = mid - 1;
      else if (time >= e.end) lo = mid + 1;
      else return e.thumb;
    }
    return entries[Math.max(0, Math.min(entries.length - 1, lo))]?.thumb;
  };
}
