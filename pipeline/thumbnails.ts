/**
 * WebVTT index for the scrub-thumbnail sprites (pure). Each cue covers one interval and points
 * at a cell of a sprite with a media fragment: `thumbs-000.jpg#xywh=x,y,w,h`, relative to the
 * VTT file, which sits next to the sprites.
 */
import { spriteName } from './ffmpeg-args.ts';
import type { ThumbnailPlan } from './plan.ts';

export function vttTimestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(rest).padStart(3, '0')}`;
}

export function thumbnailsVtt(t: ThumbnailPlan, durationSeconds: number): string {
  const perSprite = t.columns * t.rows;
  const lines = ['WEBVTT', ''];
  for (let k = 0; k < t.count; k++) {
    const start = k * t.intervalSeconds;
    const end = Math.min((k + 1) * t.intervalSeconds, durationSeconds);
    if (end <= start) break;
    const cell = k % perSprite;
    const x = (cell % t.columns) * t.width;
    const y = Math.floor(cell / t.columns) * t.height;
    lines.push(
      `${vttTimestamp(start)} --> ${vttTimestamp(end)}`,
      `${spriteName(Math.floor(k / perSprite))}#xywh=${x},${y},${t.width},${t.height}`,
      '',
    );
  }
  return lines.join('\n');
}
