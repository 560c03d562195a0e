/**
 * Source files: lesson ids from file names (batch migration), fingerprints (resumable
 * migration), and where a registered source lives (on-demand encodes, the AWS upload prefix).
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ID_PATTERN, isCourseId, isLessonId } from '../edge/course-id.ts';

/** Containers `lectern migrate` picks up from a folder (case-insensitive). */
export const MIGRATE_EXTENSIONS: readonly string[] = ['.mp4', '.mov', '.m4v'];

/** Containers accepted as uploads (local register, S3 upload prefix). */
export const SOURCE_EXTENSIONS: readonly string[] = ['.mp4', '.mov', '.m4v', '.mkv', '.webm', '.avi', '.mxf'];

const MAX_ID = 64;

/**
 * Pure: a file name -> an id that passes edge/course-id.ts (lowercase letters, digits, inner
 * hyphens, at most 64 characters). Accents are dropped (`Café` -> `cafe`), every other run of
 * characters becomes one hyphen, the extension is removed. Returns null when nothing is left.
 *
 *   `01 - Intro to HLS.mp4` -> `01-intro-to-hls`
 *   `Lesson_2 (final).MOV`  -> `lesson-2-final`
 */
export function idFromFileName(fileName: string): string | null {
  const stem = basename(fileName, extname(fileName));
  let id = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (id.length > MAX_ID) id = id.slice(0, MAX_ID).replace(/-+$/g, '');
  return ID_PATTERN.test(id) ? id : null;
}

/** Pure: natural order (`lesson-2` before `lesson-10`), the order lessons get in the course. */
export function compareFileNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * `<bytes>:<mtimeMs>` of a file. Size and modification time rather than a hash: a migration
 * re-run over hundreds of gigabytes must not read them all to find what is done. A replaced
 * file (new size or new mtime) is encoded again.
 */
export async function sourceFingerprint(path: string): Promise<string> {
  const s = await stat(path);
  return `${s.size}:${Math.round(s.mtimeMs)}`;
}

const SOURCE_KEY = /^uploads\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * Pure: `uploads/<courseId>/<lessonId>/<file>` -> its parts, or null when the key is anything
 * else (other prefixes, deeper paths, bad ids, a folder marker, an unsupported extension, a
 * dot file). The file name itself is free-form (an upload keeps its name) but may not hide a
 * path: no `..`, no backslash, no control characters.
 */
export function parseSourceKey(key: string): { courseId: string; lessonId: string; fileName: string } | null {
  const m = SOURCE_KEY.exec(key);
  if (!m) return null;
  const [, courseId, lessonId, fileName] = m as unknown as [string, string, string, string];
  if (!isCourseId(courseId) || !isLessonId(lessonId)) return null;
  if (fileName.startsWith('.') || fileName.includes('\\') || /[\u0000-\u001f\u007f]/.test(fileName) || fileName.length > 255) return null;
  if (!SOURCE_EXTENSIONS.includes(extname(fileName).toLowerCase())) return null;
  return { courseId, lessonId, fileName };
}

/** Pure: the key a registered local source is stored under. */
export function localSourceKey(courseId: string, lessonId: string, originalName: string): string {
  const ext = extname(originalName).toLowerCase();
  return `uploads/${courseId}/${lessonId}/source${SOURCE_EXTENSIONS.includes(ext) ? ext : '.mp4'}`;
}
