/** CaptionTrack cues -> WebVTT text (whole files and HLS segments share it). */
import type { Cue } from './cues.ts';
import { formatVttTimestamp } from './timestamps.ts';

export function renderCue(cue: Cue): string {
  const timing = `${formatVttTimestamp(cue.startMs)} --> ${formatVttTimestamp(cue.endMs)}${cue.settings ? ` ${cue.settings}` : ''}`;
  return [...(cue.id !== undefined ? [cue.id] : []), timing, ...(cue.text === '' ? [] : [cue.text])].join('\n');
}

/** `headerLines` go right under `WEBVTT` (where X-TIMESTAMP-MAP must be), before the first blank line. */
export function renderWebVtt(cues: readonly Cue[], options: { headerLines?: readonly string[]; blocks?: readonly string[] } = {}): string {
  const parts = [['WEBVTT', ...(options.headerLines ?? [])].join('\n'), ...(options.blocks ?? []), ...cues.map(renderCue)];
  return `${parts.join('\n\n')}\n`;
}
