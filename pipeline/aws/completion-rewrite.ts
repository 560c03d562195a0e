/**
 * Pure: MediaConvert's multivariant playlist -> the lesson's `master.m3u8` (the completion
 * handler's step 2). Read with the shared HLS module (../hls/), strictly: every URI line
 * directly follows its EXT-X-STREAM-INF.
 */
import { isSafeRelativeUri, orderStartFirst, PlaylistError, readMaster, replaceUriAttribute, sessionDataLines, shortSide } from '../hls/index.ts';
import type { RenditionSummary } from '../lessons.ts';

/** What makes a COMPLETE job unpublishable: recorded as the lesson's failure, never retried. */
export class PublishError extends Error {
  override name = 'PublishError';
}

export interface RewrittenMaster {
  readonly text: string;
  /** Keys (relative to the lesson folder) of every playlist the master names. */
  readonly playlists: readonly string[];
  readonly renditions: readonly RenditionSummary[];
  /** Relative key of the first image-stream (scrub thumbnails) playlist, if any. */
  readonly thumbnails?: string;
}

/**
 * Pure: MediaConvert's multivariant playlist (written at `<version>/index.m3u8`) -> the lesson's
 * `master.m3u8` one folder up. Every URI must be a safe relative URI (no scheme, no `..`); each
 * gets the version prefix. The start variant (hls/start-variant.ts: best rendition with a short
 * side of at most 480) goes first, the others follow from the highest bandwidth down, as in the
 * local master.
 */
export function rewriteMasterPlaylist(text: string, version: string, posterKey?: string): RewrittenMaster {
  // posterKey: the frame capture's key relative to the version folder, e.g. `poster.0000001.jpg`.
  let entries;
  try {
    entries = readMaster(text, { strict: true });
  } catch (error) {
    if (error instanceof PlaylistError) throw new PublishError(`MediaConvert playlist: ${error.message}`);
    throw error;
  }
  const prefix = (uri: string): string => {
    if (!isSafeRelativeUri(uri)) throw new PublishError(`MediaConvert playlist names an unsafe URI: ${uri}`);
    return `${version}/${uri}`;
  };
  const playlists: string[] = [];
  let thumbnails: string | undefined;
  const others = entries.tags.map((line) =>
    replaceUriAttribute(line, (uri) => {
      const rewritten = prefix(uri);
      playlists.push(rewritten);
      if (line.startsWith('#EXT-X-IMAGE-STREAM-INF') && thumbnails === undefined) thumbnails = rewritten;
      return rewritten;
    }),
  );
  const variants = entries.variants.map((v) => {
    const uri = prefix(v.uri);
    playlists.push(uri);
    return { line: v.line, uri, bandwidth: v.bandwidth, width: v.width ?? 0, height: v.height ?? 0 };
  });
  if (variants.length === 0) throw new PublishError('MediaConvert playlist has no variants');
  const ordered = orderStartFirst(variants);
  // Where the poster and thumbnails are (hls/session-data.ts): the poster is a frame capture
  // named by MediaConvert, relative to the version folder; the thumbnails the image stream.
  const images = sessionDataLines({
    ...(posterKey !== undefined ? { poster: prefix(posterKey) } : {}),
    ...(thumbnails !== undefined ? { thumbnails } : {}),
  });
  const out = ['#EXTM3U', ...images, ...others, ...ordered.flatMap((v) => [v.line, v.uri])];
  return {
    text: `${out.join('\n')}\n`,
    playlists,
    renditions: [...variants]
      .sort((a, b) => b.bandwidth - a.bandwidth)
      .map((v) => ({ name: `${shortSide(v)}p`, width: v.width, height: v.height, bandwidth: v.bandwidth })),
    ...(thumbnails !== undefined ? { thumbnails } : {}),
  };
}
