/**
 * What a published master says about where its captions go: the one version folder every
 * variant lives in, and the start variant (listed first) whose playlist and fragments the
 * subtitle segments are cut and timed against. Shared by `lectern captions` (local folder) and
 * the AWS handlers (S3).
 */
import { isVersionName } from '../../edge/lesson-versions.ts';
import { posix } from 'node:path';
import { parseMediaPlaylist, readMaster, type MediaPlaylist } from '../hls/index.ts';
import { mpegTsOfFragments } from './timestamp-map.ts';

export interface PublishedMaster {
  readonly version: string;
  /** Relative to the lesson folder, e.g. `v…/index_480p.m3u8`. */
  readonly startPlaylist: string;
}

/** Null when the master does not name exactly one version folder. */
export function publishedMasterOf(master: string): PublishedMaster | null {
  const variants = readMaster(master).variants;
  const versions = new Set(variants.map((v) => v.uri.split('/')[0]));
  const [version] = versions;
  if (versions.size !== 1 || version === undefined || !isVersionName(version) || !variants[0]) return null;
  return { version, startPlaylist: variants[0].uri };
}

export interface PublishedTimeline {
  /** The start variant's playlist: the segments the subtitle segments are cut on. */
  readonly playlist: MediaPlaylist;
  readonly mpegTs: number;
  readonly durationSeconds: number;
}

/** A rendition with nothing to align captions to (no init segment, segment or timed fragment). */
export class TimelineError extends Error {
  override name = 'TimelineError';
}

/**
 * The timeline subtitle segments are cut and timed against, read through `read` (S3 for the
 * AWS handlers: late sidecars, automatic captions). A TimelineError names the object when the
 * rendition has nothing to align to; what `read` throws passes through (storage trouble).
 */
export async function publishedTimeline(read: (key: string) => Promise<Uint8Array>, playlistKey: string): Promise<PublishedTimeline> {
  const playlist = parseMediaPlaylist(new TextDecoder().decode(await read(playlistKey)));
  const first = playlist.segments[0];
  if (!playlist.mapUri || !first) throw new TimelineError(`${playlistKey}: no init segment or no segments to align captions to`);
  const folder = posix.dirname(playlistKey);
  const firstKey = posix.join(folder, first.uri);
  const [init, segment] = [await read(posix.join(folder, playlist.mapUri)), await read(firstKey)];
  let mpegTs: number;
  try {
    mpegTs = mpegTsOfFragments(init, segment, firstKey);
  } catch (error) {
    throw new TimelineError((error as Error).message);
  }
  return { playlist, mpegTs, durationSeconds: playlist.segments.reduce((s, x) => s + x.duration, 0) };
}
