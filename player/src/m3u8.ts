import type { TimedThumbnail } from './vtt.ts';

/**
 * Just enough HLS playlist parsing for the player's own early fetches (RFC 8216): the master's
 * variants and subtitle renditions, a media playlist's init segment and segment timeline.
 * hls.js parses everything again for playback; this only decides what to fetch first.
 */

export interface Variant {
  /** Absolute URL of the media playlist. */
  readonly url: string;
  /** Peak bit rate, bit/s. */
  readonly bandwidth: number;
  readonly averageBandwidth?: number;
  readonly width?: number;
  readonly height?: number;
  readonly codecs?: string;
  readonly subtitles?: string;
}

export interface SubtitleRendition {
  readonly url: string;
  readonly groupId: string;
  readonly name: string;
  readonly language?: string;
  readonly isDefault: boolean;
}

export interface MasterPlaylist {
  /** In playlist order: the first one is the author's start variant. */
  readonly variants: readonly Variant[];
  readonly subtitles: readonly SubtitleRendition[];
  /** EXT-X-SESSION-DATA VALUEs by DATA-ID (see SESSION_DATA_IDS). */
  readonly sessionData: ReadonlyMap<string, string>;
}

/**
 * Where the publisher says the lesson's poster and scrub thumbnails are (relative URIs), the
 * same ids pipeline/lesson-session-data.ts writes: ffmpeg and MediaConvert name them differently.
 */
export const SESSION_DATA_IDS = { poster: 'com.lectern.poster', thumbnails: 'com.lectern.thumbnails' } as const;

export interface Segment {
  readonly url: string;
  readonly start: number;
  readonly duration: number;
}

export interface MediaPlaylist {
  readonly targetDuration: number;
  readonly initUrl?: string;
  readonly segments: readonly Segment[];
  readonly duration: number;
  readonly endList: boolean;
}

export class PlaylistError extends Error {
  override name = 'PlaylistError';
}

/** `KEY=value,KEY2="quoted, value"` -> map. */
export function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const raw = m[2] ?? '';
    out.set(m[1] ?? '', raw.startsWith('"') ? raw.slice(1, -1) : raw);
  }
  return out;
}

function lines(text: string): string[] {
  const all = text.split(/\r?\n/).map((l) => l.trim());
  if (all[0] !== '#EXTM3U') throw new PlaylistError('not an HLS playlist (no #EXTM3U)');
  return all;
}

export function parseMaster(text: string, baseUrl: string): MasterPlaylist {
  const all = lines(text);
  const variants: Variant[] = [];
  const subtitles: SubtitleRendition[] = [];
  const sessionData = new Map<string, string>();
  for (let i = 0; i < all.length; i++) {
    const line = all[i] ?? '';
    if (line.startsWith('#EXT-X-SESSION-DATA:')) {
      const attrs = parseAttributes(line.slice('#EXT-X-SESSION-DATA:'.length));
      const id = attrs.get('DATA-ID');
      const value = attrs.get('VALUE');
      if (id && value !== undefined) sessionData.set(id, value);
    } else if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const attrs = parseAttributes(line.slice('#EXT-X-STREAM-INF:'.length));
      let uri = '';
      while (++i < all.length) {
        const next = all[i] ?? '';
        if (next && !next.startsWith('#')) {
          uri = next;
          break;
        }
      }
      if (!uri) throw new PlaylistError('a variant has no URI');
      const resolution = /^(\d+)x(\d+)$/.exec(attrs.get('RESOLUTION') ?? '');
      const average = Number(attrs.get('AVERAGE-BANDWIDTH'));
      variants.push({
        url: new URL(uri, baseUrl).href,
        bandwidth: Number(attrs.get('BANDWIDTH')) || 0,
        ...(average > 0 ? { averageBandwidth: average } : {}),
        ...(resolution ? { width: Number(resolution[1]), height: Number(resolution[2]) } : {}),
        ...(attrs.has('CODECS') ? { codecs: attrs.get('CODECS') as string } : {}),
        ...(attrs.has('SUBTITLES') ? { subtitles: attrs.get('SUBTITLES') as string } : {}),
      });
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      const attrs = parseAttributes(line.slice('#EXT-X-MEDIA:'.length));
      const uri = attrs.get('URI');
      if (attrs.get('TYPE') === 'SUBTITLES' && uri) {
        subtitles.push({
          url: new URL(uri, baseUrl).href,
          groupId: attrs.get('GROUP-ID') ?? '',
          name: attrs.get('NAME') ?? attrs.get('LANGUAGE') ?? 'Captions',
          ...(attrs.has('LANGUAGE') ? { language: attrs.get('LANGUAGE') as string } : {}),
          isDefault: attrs.get('DEFAULT') === 'YES',
        });
      }
    }
  }
  if (variants.length === 0) {
    // A media playlist used as the source: one variant, itself.
    if (all.some((l) => l.startsWith('#EXTINF:'))) return { variants: [{ url: baseUrl, bandwidth: 0 }], subtitles, sessionData };
    throw new PlaylistError('master playlist lists no variants');
  }
  return { variants, subtitles, sessionData };
}

export function parseMedia(text: string, baseUrl: string): MediaPlaylist {
  const all = lines(text);
  let targetDuration = 0;
  let initUrl: string | undefined;
  let pending: number | undefined;
  let start = 0;
  let endList = false;
  const segments: Segment[] = [];
  for (const line of all) {
    if (!line) continue;
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22)) || 0;
    else if (line.startsWith('#EXT-X-MAP:')) {
      const uri = parseAttributes(line.slice(11)).get('URI');
      if (uri) initUrl = new URL(uri, baseUrl).href;
    } else if (line.startsWith('#EXTINF:')) pending = parseFloat(line.slice(8));
    else if (line === '#EXT-X-ENDLIST') endList = true;
    else if (!line.startsWith('#') && pending !== undefined) {
      segments.push({ url: new URL(line, baseUrl).href, start, duration: pending });
      start += pending;
      pending = undefined;
    }
  }
  return { targetDuration, ...(initUrl ? { initUrl } : {}), segments, duration: start, endList };
}

/** The segment playing at `position` (the last one past the end). */
export function segmentAt(playlist: MediaPlaylist, position: number): Segment | undefined {
  const { segments } = playlist;
  for (const segment of segments) {
    if (position < segment.start + segment.duration - 1e-3) return segment;
  }
  return segments[segments.length - 1];
}

/**
 * An image-stream media playlist (the thumbnails MediaConvert writes with image-based trick
 * play; EXT-X-IMAGE-STREAM-INF in the master): each segment is a JPEG of LAYOUT columns x rows
 * tiles, each tile RESOLUTION in size and DURATION seconds long, in reading order.
 */
export function imageStreamThumbnails(text: string, baseUrl: string): TimedThumbnail[] {
  const all = lines(text);
  const out: TimedThumbnail[] = [];
  let tiles: { w: number; h: number; cols: number; rows: number; duration: number } | null = null;
  let extinf = 0;
  let start = 0;
  for (const line of all) {
    if (line.startsWith('#EXT-X-TILES:')) {
      const attrs = parseAttributes(line.slice('#EXT-X-TILES:'.length));
      const size = /^(\d+)x(\d+)$/.exec(attrs.get('RESOLUTION') ?? '');
      const layout = /^(\d+)x(\d+)$/.exec(attrs.get('LAYOUT') ?? '');
      tiles = size && layout ? { w: +(size[1] as string), h: +(size[2] as string), cols: +(layout[1] as string), rows: +(layout[2] as string), duration: Number(attrs.get('DURATION')) } : null;
    } else if (line.startsWith('#EXTINF:')) {
      extinf = parseFloat(line.slice(8)) || 0;
    } else if (line && !line.startsWith('#')) {
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
