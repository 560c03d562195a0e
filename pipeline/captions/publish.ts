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
import { join } from 'node:path';
import type { MediaPlaylist, SubtitleTrack } from '../hls/index.ts';
import type { LoadedCaptions } from './load.ts';
import { SUBS_FOLDER, subtitleRenditionFiles } from './rendition-files.ts';
import { mpegTsOfFragments } from './timestamp-map.ts';

export { SUBS_FOLDER, revisionPrefix } from './rendition-files.ts';

/** Sortable, so "older than" is a string comparison (as for versions). */
export function newCaptionRevision(now = Date.now()): string {
  return `r${now.toString(36).padStart(9, '0')}${randomBytes(2).toString('hex')}`;
}

/** The MPEGTS of a rendition folder's first fragment (see timestamp-map.ts). */
export async function renditionMpegTs(renditionDir: string, playlist: MediaPlaylist): Promise<number> {
  const first = playlist.segments[0];
  if (!playlist.mapUri || !first) throw new Error(`${renditionDir}: no init segment or no segments to align captions to`);
  return mpegTsOfFragments(await readFile(join(renditionDir, playlist.mapUri)), await readFile(join(renditionDir, first.uri)), `${renditionDir}/${first.uri}`);
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
  const { files, tracks, cues } = subtitleRenditionFiles(version, captions, video, revision);
  // In order: each playlist after its segments, so a folder with a playlist is a complete rendition.
  for (const f of files) await writeFile(join(dir, f.name), f.text, { flag: 'wx' });
  return { tracks, cues };
}
