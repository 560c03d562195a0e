/**
 * The pure part of captions and the transcript: one lesson's cues from its WebVTT segments,
 * and which cue is on at a time. The pipeline writes a cue that spans a segment boundary into
 * every segment it overlaps (RFC 8216 3.5; pipeline/captions/segment.ts), so the copies are
 * merged here, by start, end and text, as hls.js does.
 *
 * Cue times are lesson times: the segments' X-TIMESTAMP-MAP maps cue time 0 to the first
 * fragment's decode time (pipeline/captions/timestamp-map.ts), which is where the player's
 * timeline starts too, so no offset applies.
 */
import type { Cue } from './vtt.ts';

export function mergeCues(segments: readonly (readonly Cue[])[]): Cue[] {
  const seen = new Set<string>();
  const out: Cue[] = [];
  for (const cues of segments) {
    for (const cue of cues) {
      const key = `${cue.start}|${cue.end}|${cue.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(cue);
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The cue on screen at `time` (the latest started, if several), or -1 between cues. */
export function activeCueIndex(cues: readonly Cue[], time: number): number {
  let lo = 0;
  let hi = cues.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((cues[mid] as Cue).start <= time) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = last; i >= 0 && i > last - 8; i--) if ((cues[i] as Cue).end > time) return i;
  return -1;
}
