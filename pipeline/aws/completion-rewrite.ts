/**
 * Pure: MediaConvert's multivariant playlist -> the lesson's `master.m3u8` (the completion
 * handler's step 2). Read with the shared HLS module (../hls/), strictly: every URI line
 * directly follows its EXT-X-STREAM-INF.
 */
import { canonicalLanguageTag, languageName } from '../captions/language.ts';
import {
  isSafeRelativeUri,
  orderStartFirst,
  PlaylistError,
  readMaster,
  replaceUriAttribute,
  sessionDataLines,
  shortSide,
  tagAttributes,
  withSubtitles,
  type SubtitleTrack,
} from '../hls/index.ts';
import type { RenditionSummary } from '../lessons.ts';
import { captionLanguageOfPlaylist } from '../mediaconvert-job-captions.ts';

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
  /** The subtitle renditions, as the master now lists them. */
  readonly subtitles: readonly SubtitleTrack[];
}

/**
 * Pure: MediaConvert's multivariant playlist (written at `<version>/index.m3u8`) -> the lesson's
 * `master.m3u8` one folder up. Every URI must be a safe relative URI (no scheme, no `..`); each
 * gets the version prefix. The start variant (hls/start-variant.ts: best rendition with a short
 * side of at most 480) goes first, the others follow from the highest bandwidth down, as in the
 * local master.
 *
 * Subtitle renditions (the job's WebVTT caption outputs, pipeline/mediaconvert-job-captions.ts)
 * are rewritten to the pipeline's own entries (hls/subtitles.ts: group `subs`, DEFAULT=NO,
 * every variant naming the group), as the local publisher writes them: MediaConvert signals the
 * first captions track as the default, which would switch captions on for every student.
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
  const subtitles: SubtitleTrack[] = [];
  const others = entries.tags.flatMap((line) => {
    const media = tagAttributes(line, '#EXT-X-MEDIA');
    if (media?.get('TYPE') === 'SUBTITLES') {
      const uri = media.get('URI');
      // AWS does not document that the LANGUAGE attribute is written: the output's name
      // modifier (captionNameModifier) carries the tag too.
      const language = canonicalLanguageTag(media.get('LANGUAGE') ?? '') ?? canonicalLanguageTag(captionLanguageOfPlaylist(uri ?? '') ?? '');
      if (!uri || !language) throw new PublishError(`MediaConvert playlist: a subtitle rendition without a URI or a BCP 47 LANGUAGE: ${line}`);
      const rewritten = prefix(uri);
      playlists.push(rewritten);
      subtitles.push({ language, name: media.get('NAME') || languageName(language), uri: rewritten });
      return [];
    }
    return [
      replaceUriAttribute(line, (uri) => {
        const rewritten = prefix(uri);
        playlists.push(rewritten);
        if (line.startsWith('#EXT-X-IMAGE-STREAM-INF') && thumbnails === undefined) thumbnails = rewritten;
        return rewritten;
      }),
    ];
  });
  const variants = entries.variants.map((v) => {
    const uri = prefix(v.uri);
    playlists.push(uri);
    // Whatever group MediaConvert named: withSubtitles below names the pipeline's.
    const line = v.line.replace(/,SUBTITLES="[^"]*"/, '');
    return { line, uri, bandwidth: v.bandwidth, width: v.width ?? 0, height: v.height ?? 0 };
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
  let master: string;
  try {
    master = withSubtitles(`${out.join('\n')}\n`, subtitles);
  } catch (error) {
    if (error instanceof PlaylistError) throw new PublishError(`MediaConvert playlist: ${error.message}`);
    throw error;
  }
  return {
    text: master,
    subtitles,
    playlists,
    renditions: [...variants]
      .sort((a, b) => b.bandwidth - a.bandwidth)
      .map((v) => ({ name: `${shortSide(v)}p`, width: v.width, height: v.height, bandwidth: v.bandwidth })),
    ...(thumbnails !== undefined ? { thumbnails } : {}),
  };
}
