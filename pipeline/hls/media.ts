/**
 * Media playlists (RFC 8216 4.3.3), one grammar read two ways:
 * - parseMediaPlaylist: strict, for what the pipeline writes (VOD, fMP4, one EXT-X-MAP); used
 *   to verify an encode before it is published and to measure bitrates. Any problem throws.
 * - parseMedia: the player's early fetches (init segment, segment timeline, absolute URLs). It
 *   reads what it can and never refuses what hls.js would still play: hls.js parses it again.
 * Plus MediaConvert's image-stream (scrub thumbnail) playlists. Browser-safe.
 */
import { PlaylistError, playlistLines, parseAttributes, parseResolution, tagAttributes } from './attributes.ts';

export interface MediaSegment {
  /** As written: relative to the playlist. */
  readonly uri: string;
  readonly duration: number;
}

export interface MediaPlaylist {
  readonly version: number | null;
  readonly targetDuration: number;
  readonly playlistType: string | null;
  readonly endList: boolean;
  readonly independentSegments: boolean;
  readonly mapUri: string | null;
  readonly segments: readonly MediaSegment[];
}

/**
 * What the strict reader refuses, as codes (with the offending line): the messages live in
 * parseMediaPlaylist only, so the player's bundle, which ignores problems, carries none of them.
 */
type Problem = readonly [code: 'master' | 'map' | 'extinf' | 'orphan' | 'target' | 'trailing', line: string];

const PROBLEM_MESSAGES: Record<Problem[0], (line: string) => string> = {
  master: () => 'this is a master playlist, not a media playlist',
  map: () => 'EXT-X-MAP without URI',
  extinf: (line) => `bad EXTINF: ${line}`,
  orphan: (line) => `segment ${line} without EXTINF`,
  target: () => 'missing or bad EXT-X-TARGETDURATION',
  trailing: () => 'EXTINF without a segment URI at the end',
};

interface Scanned extends Omit<MediaPlaylist, 'targetDuration'> {
  readonly targetDuration: number | null;
  /** In the order found; the strict reader throws the first. */
  readonly problems: readonly Problem[];
}

function scanMedia(text: string): Scanned {
  const lines = playlistLines(text);
  let version: number | null = null;
  let targetDuration: number | null = null;
  let playlistType: string | null = null;
  let endList = false;
  let independentSegments = false;
  let mapUri: string | null = null;
  let pending: number | null = null;
  const segments: MediaSegment[] = [];
  const problems: Problem[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT-X-STREAM-INF')) problems.push(['master', line]);
    else if (line.startsWith('#EXT-X-VERSION:')) version = Number(line.slice(15));
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-PLAYLIST-TYPE:')) playlistType = line.slice(21);
    else if (line === '#EXT-X-ENDLIST') endList = true;
    else if (line === '#EXT-X-INDEPENDENT-SEGMENTS') independentSegments = true;
    else if (line.startsWith('#EXT-X-MAP:')) {
      const uri = parseAttributes(line.slice(11)).get('URI');
      if (uri) mapUri = uri;
      else problems.push(['map', line]);
    } else if (line.startsWith('#EXTINF:')) {
      const d = Number(line.slice(8).split(',')[0]);
      pending = Number.isFinite(d) && d > 0 ? d : null;
      if (pending === null) problems.push(['extinf', line]);
    } else if (!line.startsWith('#')) {
      if (pending === null) problems.push(['orphan', line]);
      else segments.push({ uri: line, duration: pending });
      pending = null;
    }
  }
  if (targetDuration === null || !Number.isFinite(targetDuration) || targetDuration <= 0) {
    problems.push(['target', '']);
    targetDuration = null;
  }
  if (pending !== null) problems.push(['trailing', '']);
  return { version, targetDuration, playlistType, endList, independentSegments, mapUri, segments, problems };
}

/** Strict: the whole playlist, or a PlaylistError naming the first problem. */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  const { problems, targetDuration, ...rest } = scanMedia(text);
  const [code, line] = problems[0] ?? (targetDuration === null ? ['target', ''] : []);
  if (code !== undefined) throw new PlaylistError(PROBLEM_MESSAGES[code](line ?? ''));
  return { ...rest, targetDuration: targetDuration as number };
}

export interface Segment {
  /** Absolute URL. */
  readonly url: string;
  readonly start: number;
  readonly duration: number;
}

/** A media playlist as the player uses it: absolute URLs and a timeline. */
export interface ResolvedMediaPlaylist {
  /** 0 when missing or bad. */
  readonly targetDuration: number;
  readonly initUrl?: string;
  readonly segments: readonly Segment[];
  readonly duration: number;
  readonly endList: boolean;
}

/** Lenient (only a missing #EXTM3U throws): URIs resolved against `baseUrl`, segment start times. */
export function parseMedia(text: string, baseUrl: string): ResolvedMediaPlaylist {
  const scanned = scanMedia(text);
  let start = 0;
  const segments = scanned.segments.map((s) => {
    const segment = { url: new URL(s.uri, baseUrl).href, start, duration: s.duration };
    start += s.duration;
    return segment;
  });
  return {
    targetDuration: scanned.targetDuration ?? 0,
    ...(scanned.mapUri ? { initUrl: new URL(scanned.mapUri, baseUrl).href } : {}),
    segments,
    duration: start,
    endList: scanned.endList,
  };
}

/** The segment playing at `position` (the last one past the end). */
export function segmentAt(playlist: Pick<ResolvedMediaPlaylist, 'segments'>, position: number): Segment | undefined {
  const { segments } = playlist;
  for (const segment of segments) {
    if (position < segment.start + segment.duration - 1e-3) return segment;
  }
  return segments[segments.length - 1];
}

/** One scrub thumbnail: a tile of a sprite image, shown from `start` to `end` seconds. */
export interface TimedTile {
  readonly start: number;
  readonly end: number;
  readonly thumb: { readonly url: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/**
 * An image-stream media playlist (the thumbnails MediaConvert writes with image-based trick
 * play; EXT-X-IMAGE-STREAM-INF in the master): each segment is a JPEG of LAYOUT columns x rows
 * tiles, each tile RESOLUTION in size and DURATION seconds long, in reading order.
 */
export function imageStreamThumbnails(text: string, baseUrl: string): TimedTile[] {
  const lines = playlistLines(text);
  const out: TimedTile[] = [];
  let tiles: { w: number; h: number; cols: number; rows: number; duration: number } | null = null;
  let extinf = 0;
  let start = 0;
  for (const line of lines) {
    const tileAttrs = tagAttributes(line, '#EXT-X-TILES');
    if (tileAttrs) {
      const size = parseResolution(tileAttrs.get('RESOLUTION'));
      const layout = parseResolution(tileAttrs.get('LAYOUT'));
      tiles = size && layout ? { w: size.width, h: size.height, cols: layout.width, rows: layout.height, duration: Number(tileAttrs.get('DURATION')) } : null;
    } else if (line.startsWith('#EXTINF:')) {
      extinf = parseFloat(line.slice(8)) || 0;
    } else if (!line.startsWith('#')) {
      if (tiles && tiles.cols > 0 && tiles.rows > 0) {
        const each = tiles.duration > 0 ? tiles.duration : extinf / (tiles.cols * tiles.rows);
        const url = new URL(line, baseUrl).href;
        for (let k = 0; k < tiles.cols * tiles.rows && k * each < extinf - 1e-6; k++) {
          out.push({ start: start + k * each, end: Math.min(start + (k + 1) * each, start + extinf), thumb: { url, x: (k % tiles.cols) * tiles.w, y: Math.floor(k / tiles.cols) * tiles.h, width: tiles.w, height: tiles.h } });
        }
      }
      start += extinf;
      extinf = 0;
    }
  }
  return out;
}
