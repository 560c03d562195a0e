/**
 * The player's playlist parsing (RFC 8216), kept as the import the player's modules use: the
 * code is the one HLS module, pipeline/hls/ (browser-safe), shared with the pipeline and the
 * completion handler. Just enough for the player's own early fetches: the master's variants,
 * audio and subtitle renditions and session data, a media playlist's init segment and segment timeline,
 * MediaConvert's image-stream thumbnails. hls.js parses everything again for playback.
 */
export {
  audioFor,
  imageStreamThumbnails,
  parseAttributes,
  parseMaster,
  parseMedia,
  PlaylistError,
  segmentAt,
  SESSION_DATA_IDS,
  type AudioRendition,
  type MasterPlaylist,
  type ResolvedMediaPlaylist as MediaPlaylist,
  type Segment,
  type SubtitleRendition,
  type Variant,
} from '../../pipeline/hls/index.ts';
