/**
 * What a published master says about where its captions go: the one version folder every
 * variant lives in, and the start variant (listed first) whose playlist and fragments the
 * subtitle segments are cut and timed against. Pure; shared by `lectern captions` (local
 * folder) and the AWS transcribe handler (S3).
 */
import { isVersionName } from '../../edge/lesson-versions.ts';
import { readMaster } from '../hls/index.ts';

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
