/**
 * Writing subtitle renditions into a version folder: `<version>/subs/<lang>.<rev>.m3u8` and its
 * segments `<lang>.<rev>.<nnnnn>.vtt`.
 *
 * Why this layout: the edge serves at most `<version>/<folder>/<file>` under a lesson
 * (edge/viewer-request/core.ts, pinned by its tests), so one `subs` folder keeps every subtitle
 * file inside what the viewer-request function, the served-version rule and the media types
 * (`.vtt`, `.m3u8`) already let through with the course's signed cookies. Why the revision in
 * every name: media under a version folder is cached as immutable, so a replaced track must
 * get new URLs, never new bytes at an old URL; only master.m3u8 changes meaning.
 */
import { randomBytes } from 'node:crypto';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { MediaPlaylist, SubtitleTrack } from '../hls/index.ts';
import type { LoadedCaptions } from './load.ts';
import { segmentTrack } from './segment.ts';
import { firstDecodeSeconds, mpegTsFor } from './timestamp-map.ts';

export const SUBS_FOLDER = 'subs';

/** Sortable, so "older than" is a string comparison (as for versions). */
export function newCaptionRevision(now = Date.now()): string {
  return `r${now.toString(36).padStart(9, '0')}${randomBytes(2).toString('hex')}`;
}

export function revisionPrefix(language: string, revision: string): string {
  return `${language}.${revision}`;
}

/** The MPEGTS of a rendition folder's first fragment (see timestamp-map.ts). */
export async function renditionMpegTs(renditionDir: string, playlist: MediaPlaylist): Promise<number> {
  const first = playlist.segments[0];
  if (!playlist.mapUri || !first) throw new Error(`${renditionDir}: no init segment or no segments to align captions to`);
  const seconds = firstDecodeSeconds(await readFile(join(renditionDir, playlist.mapUri)), await readFile(join(renditionDir, first.uri)));
  if (seconds === null) throw new Error(`${renditionDir}: no timed fragment in ${first.uri}`);
  return mpegTsFor(seconds);
}

export interface WrittenCaptions {
  readonly tracks: readonly SubtitleTrack[];
  /** Cues per language, for the report. */
  readonly cues: ReadonlyMap<string, number>;
}

/**
 * Writes every track's files into `<versionDir>/subs/` (new names only: `wx` refuses to
 * overwrite) and returns the master entries, URIs relative to the lesson folder.
 */
export async function writeSubtitleRenditions(
  versionDir: string,
  version: string,
  captions: readonly LoadedCaptions[],
  video: { readonly playlist: MediaPlaylist; readonly mpegTs: number },
  revision = newCaptionRevision(),
): Promise<WrittenCaptions> {
  const dir = join(versionDir, SUBS_FOLDER);
  await mkdir(dir, { recursive: true });
  const tracks: SubtitleTrack[] = [];
  const cues = new Map<string, number>();
  for (const c of captions) {
    const prefix = revisionPrefix(c.language, revision);
    const rendition = segmentTrack(c.track, video.playlist, { prefix, mpegTs: video.mpegTs });
    for (const s of rendition.segments) await writeFile(join(dir, s.name), s.text, { flag: 'wx' });
    // The playlist last: a folder with a playlist is a complete rendition.
    await writeFile(join(dir, `${prefix}.m3u8`), rendition.playlist, { flag: 'wx' });
    tracks.push({ language: c.language, name: c.name, uri: posix.join(version, SUBS_FOLDER, `${prefix}.m3u8`) });
    cues.set(c.language, c.track.cues.length);
  }
  return { tracks, cues };
}
