/**
 * The storage-agnostic core of publishing captions: which subtitle files a version folder gets
 * and which master entries name them (publish.ts writes them to a folder, the AWS transcribe
 * handler to S3), and how a new set of tracks merges into the ones a master already lists.
 * Pure.
 */
import { posix } from 'node:path';
import type { MediaPlaylist, SubtitleTrack } from '../hls/index.ts';
import type { LoadedCaptions } from './load.ts';
import { segmentTrack } from './segment.ts';

export const SUBS_FOLDER = 'subs';

export function revisionPrefix(language: string, revision: string): string {
  return `${language}.${revision}`;
}

export interface SubtitleFile {
  /** Relative to `<version>/subs/`. */
  readonly name: string;
  readonly text: string;
}

export interface RenditionFiles {
  /** In write order: each track's segments, then its playlist (a playlist means a complete rendition). */
  readonly files: readonly SubtitleFile[];
  /** Master entries, URIs relative to the lesson folder. */
  readonly tracks: readonly SubtitleTrack[];
  /** Cues per language, for the report. */
  readonly cues: ReadonlyMap<string, number>;
}

export function subtitleRenditionFiles(
  version: string,
  captions: readonly LoadedCaptions[],
  video: { readonly playlist: MediaPlaylist; readonly mpegTs: number },
  revision: string,
): RenditionFiles {
  const files: SubtitleFile[] = [];
  const tracks: SubtitleTrack[] = [];
  const cues = new Map<string, number>();
  for (const c of captions) {
    const prefix = revisionPrefix(c.language, revision);
    const rendition = segmentTrack(c.track, video.playlist, { prefix, mpegTs: video.mpegTs });
    files.push(...rendition.segments.map((s) => ({ name: s.name, text: s.text })), { name: `${prefix}.m3u8`, text: rendition.playlist });
    tracks.push({ language: c.language, name: c.name, uri: posix.join(version, SUBS_FOLDER, `${prefix}.m3u8`) });
    cues.set(c.language, c.track.cues.length);
  }
  return { files, tracks, cues };
}

/**
 * The master's tracks after a change: a replacing track takes its language's place in the
 * existing order, removed languages go, new languages follow.
 */
export function mergeSubtitleTracks(existing: readonly SubtitleTrack[], replacing: readonly SubtitleTrack[], remove: readonly string[] = []): SubtitleTrack[] {
  const pending = new Map(replacing.map((t) => [t.language, t]));
  const out: SubtitleTrack[] = [];
  for (const t of existing) {
    if (remove.includes(t.language)) continue;
    out.push(pending.get(t.language) ?? t);
    pending.delete(t.language);
  }
  out.push(...pending.values());
  return out;
}
