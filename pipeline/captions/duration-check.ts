/**
 * Cues against the lesson's duration, before anything is encoded or written.
 *
 * A cue that starts at or after the end can never be shown: that is a wrong file (another
 * lesson's captions, a frame-rate mix-up), so it is refused with its line. A cue that starts in
 * time but ends past the end is clipped, with a warning: caption editors routinely let the
 * last cue run a second or two past the video (default cue lengths, rounding, a trailer cut
 * after captioning), nothing past the end is ever on screen anyway, and refusing would make
 * authors edit files for no visible difference. Clipping also keeps every cue inside the last
 * media segment, so the subtitle playlist ends where the video does.
 */
import { CaptionError } from './caption-error.ts';
import type { CaptionTrack } from './cues.ts';
import { formatVttTimestamp } from './timestamps.ts';

export function checkAgainstDuration(track: CaptionTrack, durationSeconds: number): CaptionTrack {
  const endMs = Math.round(durationSeconds * 1000);
  const warnings = [...track.warnings];
  const cues = track.cues.map((cue) => {
    if (cue.startMs >= endMs) {
      throw new CaptionError(
        track.file,
        cue.line,
        `the cue starts at ${formatVttTimestamp(cue.startMs)}, after the lesson ends (${formatVttTimestamp(endMs)}): are these the captions of another video?`,
      );
    }
    if (cue.endMs <= endMs) return cue;
    warnings.push({ line: cue.line, message: `cue ends at ${formatVttTimestamp(cue.endMs)}, past the lesson's end: clipped to ${formatVttTimestamp(endMs)}` });
    return { ...cue, endMs };
  });
  return { ...track, cues, warnings };
}
