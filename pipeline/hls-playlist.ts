/**
 * Minimal, strict HLS media-playlist reader for what the pipeline writes (VOD, fMP4, one
 * EXT-X-MAP). Used to verify an encode before it is published and to measure bitrates. The
 * tests check the same files with hls.js's parser, independently of this one.
 */

export interface MediaSegment {
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

export class PlaylistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaylistError';
  }
}

function attr(list: string, name: string): string | null {
  const re = new RegExp(`(?:^|,)${name}=("([^"]*)"|[^,]*)`);
  const m = re.exec(list);
  if (!m) return null;
  return m[2] ?? m[1] ?? null;
}

/** A relative URI that stays inside the playlist's folder (no scheme, no absolute path, no ..). */
export function isSafeRelativeUri(uri: string): boolean {
  if (uri === '' || uri.startsWith('/') || uri.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(uri)) return false;
  return uri.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines[0] !== '#EXTM3U') throw new PlaylistError('missing #EXTM3U header');
  let version: number | null = null;
  let targetDuration: number | null = null;
  let playlistType: string | null = null;
  let endList = false;
  let independentSegments = false;
  let mapUri: string | null = null;
  let pending: number | null = null;
  const segments: MediaSegment[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT-X-STREAM-INF')) throw new PlaylistError('this is a master playlist, not a media playlist');
    if (line.startsWith('#EXT-X-VERSION:')) version = Number(line.slice(15));
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-PLAYLIST-TYPE:')) playlistType = line.slice(21);
    else if (line === '#EXT-X-ENDLIST') endList = true;
    else if (line === '#EXT-X-INDEPENDENT-SEGMENTS') independentSegments = true;
    else if (line.startsWith('#EXT-X-MAP:')) {
      mapUri = attr(line.slice(11), 'URI');
      if (!mapUri) throw new PlaylistError('EXT-X-MAP without URI');
    } else if (line.startsWith('#EXTINF:')) {
      const d = Number(line.slice(8).split(',')[0]);
      if (!Number.isFinite(d) || d <= 0) throw new PlaylistError(`bad EXTINF: ${line}`);
      pending = d;
    } else if (line.startsWith('#')) {
      continue;
    } else {
      if (pending === null) throw new PlaylistError(`segment ${line} without EXTINF`);
      segments.push({ uri: line, duration: pending });
      pending = null;
    }
  }
  if (targetDuration === null || !Number.isFinite(targetDuration) || targetDuration <= 0) {
    throw new PlaylistError('missing or bad EXT-X-TARGETDURATION');
  }
  if (pending !== null) throw new PlaylistError('EXTINF without a segment URI at the end');
  return { version, targetDuration, playlistType, endList, independentSegments, mapUri, segments };
}
