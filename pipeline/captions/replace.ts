/**
 * Adding, replacing or removing caption tracks on a published lesson without re-encoding:
 * new subtitle files go into the published version folder under new names (publish.ts), then
 * master.m3u8 is rewritten in one rename. Video segments, playlists and the lesson record are
 * not touched, so nothing about playback changes but the captions menu.
 *
 * The published version is the one master.m3u8 names: that is what students are served.
 * Revisions of a touched language other than the new one and the one it replaces are removed
 * afterwards; the replaced one stays for players that loaded the master just before (as the
 * previous video version does).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isCourseId, isLessonId } from '../../edge/course-id.ts';
import { lessonKeyPrefix, originRoot } from '../encode-lesson.ts';
import { PipelineError } from '../errors.ts';
import { parseMediaPlaylist, subtitleTracksOf, withSubtitles, type SubtitleTrack } from '../hls/index.ts';
import { writeFileAtomic } from '../master-playlist.ts';
import { CaptionError } from './caption-error.ts';
import { requireLanguageTag } from './language.ts';
import { checkDurations, loadCaptions, type CaptionSource, type LoadedCaptions } from './load.ts';
import { renditionMpegTs, SUBS_FOLDER, writeSubtitleRenditions } from './publish.ts';
import { publishedMasterOf } from './published-master.ts';
import { mergeSubtitleTracks } from './rendition-files.ts';

export interface ReplaceCaptionsOptions {
  readonly dataDir: string;
  readonly courseId: string;
  readonly lessonId: string;
  readonly add: readonly CaptionSource[];
  /** Language tags to take off the lesson. */
  readonly remove: readonly string[];
}

export interface ReplaceCaptionsResult {
  readonly version: string;
  readonly tracks: readonly SubtitleTrack[];
  readonly added: readonly LoadedCaptions[];
  readonly removed: readonly string[];
  readonly durationSeconds: number;
}

export async function replaceLessonCaptions(options: ReplaceCaptionsOptions): Promise<ReplaceCaptionsResult> {
  const { courseId, lessonId } = options;
  if (!isCourseId(courseId) || !isLessonId(lessonId)) throw new PipelineError('lesson', `bad lesson ${JSON.stringify(`${courseId}/${lessonId}`)}: use <course>/<lesson>`);
  if (options.add.length === 0 && options.remove.length === 0) throw new PipelineError('captions', 'nothing to do: give --captions <lang>=<file> and/or --remove <lang>');
  const removeTags = options.remove.map((t) => requireLanguageTag(t, '--remove'));
  const lessonDir = join(originRoot(options.dataDir), lessonKeyPrefix(courseId, lessonId));
  const masterPath = join(lessonDir, 'master.m3u8');

  let master: string;
  try {
    master = await readFile(masterPath, 'utf8');
  } catch {
    throw new PipelineError('lesson', `${courseId}/${lessonId} is not published (no ${lessonKeyPrefix(courseId, lessonId)}/master.m3u8): encode it first`);
  }
  const published = publishedMasterOf(master);
  if (!published) throw new PipelineError('lesson', `${courseId}/${lessonId}: master.m3u8 does not name one version folder; re-encode the lesson`);
  const { version, startPlaylist } = published;

  // Everything is checked before the first file is written.
  const added = await loadCaptions(options.add);
  for (const tag of removeTags) {
    if (added.some((c) => c.language === tag)) throw new CaptionError('--remove', undefined, `${tag} is both added and removed`);
  }
  const existing = subtitleTracksOf(master);
  for (const tag of removeTags) {
    if (!existing.some((t) => t.language === tag)) {
      throw new CaptionError('--remove', undefined, `the lesson has no ${tag} captions (it has: ${existing.map((t) => t.language).join(', ') || 'none'})`);
    }
  }
  const rendition = startPlaylist.split('/').slice(0, -1).join('/');
  const renditionDir = join(lessonDir, rendition);
  const playlist = parseMediaPlaylist(await readFile(join(lessonDir, startPlaylist), 'utf8'));
  const durationSeconds = playlist.segments.reduce((s, x) => s + x.duration, 0);
  const checked = checkDurations(added, durationSeconds);
  const mpegTs = await renditionMpegTs(renditionDir, playlist);

  const versionDir = join(lessonDir, version);
  const written = await writeSubtitleRenditions(versionDir, version, checked, { playlist, mpegTs });
  const tracks = mergeSubtitleTracks(existing, written.tracks, removeTags);
  await writeFileAtomic(masterPath, withSubtitles(master, tracks));

  const keep = new Set([...tracks, ...existing].map((t) => t.uri.split('/').pop()!.replace(/\.m3u8$/, '')));
  const touched = new Set([...added.map((c) => c.language), ...removeTags]);
  await removeStaleRevisions(join(versionDir, SUBS_FOLDER), touched, keep).catch(() => undefined);
  return { version, tracks, added: checked, removed: removeTags, durationSeconds };
}

/** Files of touched languages whose `<lang>.<rev>` prefix is neither served nor just replaced. */
async function removeStaleRevisions(dir: string, languages: ReadonlySet<string>, keep: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    const [language, revision] = name.split('.');
    if (!language || !revision || !languages.has(language) || keep.has(`${language}.${revision}`)) continue;
    await rm(join(dir, name), { force: true });
  }
}
