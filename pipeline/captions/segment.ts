/**
 * One caption track -> an HLS WebVTT rendition cut on the video's own segment boundaries, so
 * a player that fetches video segment k fetches the subtitle segment of the same period, and
 * the subtitle playlist has the video's target duration (RFC 8216 3.5: each WebVTT segment
 * holds every cue displayed during its EXTINF period). A cue that spans a boundary is written
 * into each segment it overlaps, with the same times and text, as the RFC requires; players
 * keep one copy (hls.js matches cues by id, or by start, end and text).
 *
 * Cue times are not shifted per segment: X-TIMESTAMP-MAP (timestamp-map.ts) maps the one
 * timeline of the whole lesson.
 */
import type { CaptionTrack, Cue } from './cues.ts';
import { renderWebVtt } from './render-webvtt.ts';
import { timestampMapLine } from './timestamp-map.ts';
import { renderSubtitlePlaylist } from '../hls/index.ts';

export interface SegmentedRendition {
  /** The media playlist, named `<prefix>.m3u8`. */
  readonly playlist: string;
  readonly segments: readonly { readonly name: string; readonly text: string; readonly cues: number }[];
}

export interface VideoTimeline {
  readonly targetDuration: number;
  readonly segments: readonly { readonly duration: number }[];
}

export function segmentName(prefix: string, index: number): string {
  return `${prefix}.${String(index).padStart(5, '0')}.vtt`;
}

/** Pure. `prefix` names the files (`en.r1a2b` -> `en.r1a2b.00000.vtt`, ...). */
export function segmentTrack(track: CaptionTrack, video: VideoTimeline, options: { prefix: string; mpegTs: number }): SegmentedRendition {
  if (video.segments.length === 0) throw new Error('the video has no segments to align captions to');
  const header = [timestampMapLine(options.mpegTs)];
  const segments: { name: string; text: string; cues: number }[] = [];
  let startMs = 0;
  let elapsed = 0;
  video.segments.forEach((s, i) => {
    elapsed += s.duration;
    const last = i === video.segments.length - 1;
    // Boundaries from the running sum, so rounding never drifts across a long lesson; the last
    // segment is open-ended, so a cue in the final frame (the encode may end a frame short of
    // the probed duration the cues were checked against) still has a home.
    const endMs = last ? Infinity : Math.round(elapsed * 1000);
    const cues: Cue[] = track.cues.filter((c) => c.startMs < endMs && c.endMs > startMs);
    segments.push({ name: segmentName(options.prefix, i), text: renderWebVtt(cues, { headerLines: header, blocks: track.blocks }), cues: cues.length });
    startMs = endMs;
  });
  const playlist = renderSubtitlePlaylist(
    segments.map((s, i) => ({ uri: s.name, duration: video.segments[i]!.duration })),
    video.targetDuration,
  );
  return { playlist, segments };
}
