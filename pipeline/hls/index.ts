/**
 * The one HLS module (RFC 8216): attribute lists, master and media playlists, safe relative
 * URIs, PlaylistError, the start-variant rule, the lesson's session data. Browser-safe (no
 * node: imports; hls.test.ts checks): the pipeline, the completion handler and the player
 * (player/src/m3u8.ts re-exports it) all read playlists through it.
 */
export { PlaylistError, isSafeRelativeUri, parseAttributes, parseResolution, playlistLines, replaceUriAttribute, tagAttributes } from './attributes.ts';
export { audioFor, parseMaster, readMaster, type AudioRendition, type MasterEntries, type MasterPlaylist, type SubtitleRendition, type Variant, type VariantEntry } from './master.ts';
export {
  imageStreamThumbnails,
  parseMedia,
  parseMediaPlaylist,
  segmentAt,
  type MediaPlaylist,
  type MediaSegment,
  type ResolvedMediaPlaylist,
  type Segment,
  type TimedTile,
} from './media.ts';
export { SESSION_DATA_IDS, sessionDataLines, type LessonImages } from './session-data.ts';
export { orderStartFirst, shortSide, START_SHORT_SIDE, type Rankable } from './start-variant.ts';
export { renderSubtitlePlaylist, subtitleMediaLine, subtitleTracksOf, SUBTITLES_GROUP, withSubtitles, type SubtitleTrack } from './subtitles.ts';
