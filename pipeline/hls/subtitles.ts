/**
 * Subtitle renditions in playlists (RFC 8216 4.3.4.1 EXT-X-MEDIA, 4.3.4.2 SUBTITLES): the
 * EXT-X-MEDIA lines of the one group the pipeline writes, the SUBTITLES attribute on every
 * variant, and the media playlist of a segmented WebVTT rendition. Browser-safe.
 */
import { PlaylistError, isSafeRelativeUri, playlistLines, tagAttributes } from './attributes.ts';

/** The GROUP-ID of every subtitle rendition the pipeline publishes. */
export const SUBTITLES_GROUP = 'subs';

export interface SubtitleTrack {
  /** BCP 47 tag. */
  readonly language: string;
  readonly name: string;
  /** Relative to the master. */
  readonly uri: string;
}

function quoted(value: string, what: string): string {
  // RFC 8216 4.2: a quoted-string holds no double quote, CR or LF.
  if (/["\r\n]/.test(value)) throw new PlaylistError(`${what} ${JSON.stringify(value)} cannot be written in a quoted-string`);
  return `"${value}"`;
}

/**
 * DEFAULT=NO: a student who needs captions picks them once and the player remembers; none are
 * forced on everyone. AUTOSELECT=YES lets a player pick the track matching the user's language.
 */
export function subtitleMediaLine(track: SubtitleTrack): string {
  if (!isSafeRelativeUri(track.uri)) throw new PlaylistError(`unsafe subtitle URI ${JSON.stringify(track.uri)}`);
  return (
    `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLES_GROUP}",LANGUAGE=${quoted(track.language, 'LANGUAGE')},` +
    `NAME=${quoted(track.name, 'NAME')},DEFAULT=NO,AUTOSELECT=YES,URI=${quoted(track.uri, 'URI')}`
  );
}

/** The subtitle renditions of our group in a master, in playlist order. */
export function subtitleTracksOf(master: string): SubtitleTrack[] {
  const out: SubtitleTrack[] = [];
  for (const line of playlistLines(master)) {
    const a = tagAttributes(line, '#EXT-X-MEDIA');
    if (!a || a.get('TYPE') !== 'SUBTITLES' || a.get('GROUP-ID') !== SUBTITLES_GROUP) continue;
    const uri = a.get('URI');
    const language = a.get('LANGUAGE');
    if (!uri || !language) continue;
    out.push({ language, name: a.get('NAME') ?? language, uri });
  }
  return out;
}

const SUBTITLES_ATTR = /,SUBTITLES="([^"]*)"/;

/**
 * Pure: the master with exactly `tracks` as its subtitle renditions (none: the group and every
 * SUBTITLES attribute removed). Everything else is kept line for line.
 */
export function withSubtitles(master: string, tracks: readonly SubtitleTrack[]): string {
  const lines = playlistLines(master);
  const languages = new Set<string>();
  for (const t of tracks) {
    if (languages.has(t.language)) throw new PlaylistError(`two subtitle renditions for ${t.language}`);
    languages.add(t.language);
  }
  const media = tracks.map(subtitleMediaLine);
  const out: string[] = [];
  let inserted = false;
  for (const line of lines) {
    const a = tagAttributes(line, '#EXT-X-MEDIA');
    if (a && a.get('TYPE') === 'SUBTITLES' && a.get('GROUP-ID') === SUBTITLES_GROUP) continue;
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      if (!inserted) out.push(...media);
      inserted = true;
      const group = SUBTITLES_ATTR.exec(line)?.[1];
      if (group !== undefined && group !== SUBTITLES_GROUP) throw new PlaylistError(`a variant already uses subtitle group ${JSON.stringify(group)}`);
      const bare = line.replace(SUBTITLES_ATTR, '');
      out.push(tracks.length > 0 ? `${bare},SUBTITLES="${SUBTITLES_GROUP}"` : bare);
      continue;
    }
    out.push(line);
  }
  if (!inserted) throw new PlaylistError('master playlist lists no variants');
  return `${out.join('\n')}\n`;
}

/** A VOD media playlist of WebVTT segments (no EXT-X-MAP: WebVTT segments carry their own header). */
export function renderSubtitlePlaylist(segments: readonly { readonly uri: string; readonly duration: number }[], targetDuration: number): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${targetDuration}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
  for (const s of segments) {
    if (!isSafeRelativeUri(s.uri)) throw new PlaylistError(`unsafe segment URI ${JSON.stringify(s.uri)}`);
    lines.push(`#EXTINF:${s.duration.toFixed(6)},`, s.uri);
  }
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
