/**
 * Sidecar caption files uploaded beside a video in the uploads bucket:
 * `uploads/<course>/<lesson>/<name>.<lang>.vtt|srt` beside `uploads/<course>/<lesson>/<name>.mp4`,
 * the same naming rule as `lectern migrate` (../captions/sidecars.ts), read and checked with the
 * same parsers as `lectern encode --captions` (../captions/load.ts) before a job is submitted:
 * a malformed file costs no encode, and its `file:line: reason` is what the lesson records.
 *
 * Not checked here: cues past the end of the video (the local duration check). The trigger sees
 * keys, not a probe; MediaConvert gets the files as they are. (A sidecar of a published lesson
 * is checked against the published duration: late-captions.ts.)
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { posix } from 'node:path';
import { isCourseId, isLessonId } from '../../edge/course-id.ts';
import { CaptionError } from '../captions/caption-error.ts';
import { languageName } from '../captions/language.ts';
import { CAPTION_EXTENSIONS, parseCaptionBytes } from '../captions/load.ts';
import { findSidecars } from '../captions/sidecars.ts';
import type { SidecarCaption } from '../mediaconvert-job-captions.ts';

const LESSON_FILE = /^uploads\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** Pure: a caption file's key in the upload prefix -> its parts, or null (the rules of parseSourceKey, caption extensions). */
export function parseCaptionKey(key: string): { courseId: string; lessonId: string; fileName: string } | null {
  const m = LESSON_FILE.exec(key);
  if (!m) return null;
  const [, courseId, lessonId, fileName] = m as unknown as [string, string, string, string];
  if (!isCourseId(courseId) || !isLessonId(lessonId)) return null;
  if (fileName.startsWith('.') || fileName.includes('\\') || /[\u0000-\u001f\u007f]/.test(fileName) || fileName.length > 255) return null;
  return CAPTION_EXTENSIONS.includes(posix.extname(fileName).toLowerCase()) ? { courseId, lessonId, fileName } : null;
}

/** Pure: whether a caption file is a sidecar of the source (well named or not: a badly named one is its problem). */
export function isSidecarOf(sourceKey: string, captionFileName: string): boolean {
  const found = findSidecars('', posix.basename(sourceKey), [captionFileName]);
  return found.sources.length + found.problems.length > 0;
}

/**
 * The trigger reads each file whole into a 256 MB Lambda; a caption file this large is a wrong
 * upload (ten megabytes of WebVTT is well over a hundred hours of speech).
 */
export const MAX_CAPTION_BYTES = 10 * 1024 * 1024;

/** File name -> size, of the objects directly in `folder`. */
async function listFolder(s3: Pick<S3Client, 'send'>, bucket: string, folder: string): Promise<Map<string, number>> {
  const names = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) {
      const name = o.Key?.slice(folder.length);
      if (name && !name.includes('/')) names.set(name, o.Size ?? 0);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return names;
}

/**
 * The sidecars of `sourceKey`, parsed and checked, in menu order (by language tag). Throws a
 * CaptionError naming the file (and line) for a bad name, a second file for one language, text
 * that is not UTF-8, or anything the parsers refuse. An empty file is refused like locally.
 */
export async function loadUploadSidecars(s3: Pick<S3Client, 'send'>, bucket: string, sourceKey: string): Promise<SidecarCaption[]> {
  const folder = `${posix.dirname(sourceKey)}/`;
  const names = await listFolder(s3, bucket, folder);
  const found = findSidecars(folder.slice(0, -1), posix.basename(sourceKey), [...names.keys()]);
  if (found.problems.length > 0) throw new CaptionError(posix.basename(sourceKey), undefined, found.problems.join('; '));
  const out: SidecarCaption[] = [];
  for (const source of found.sources) {
    const size = names.get(posix.basename(source.path)) ?? 0;
    if (size > MAX_CAPTION_BYTES) throw new CaptionError(posix.basename(source.path), undefined, `the file is ${size} bytes: caption files are at most ${MAX_CAPTION_BYTES} bytes`);
    const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: source.path }));
    const bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array();
    // Errors name the file as the author named it, not the whole key.
    const track = parseCaptionBytes(bytes, posix.basename(source.path));
    const latest = track.cues.reduce<(typeof track.cues)[number] | undefined>((a, c) => (a === undefined || c.startMs > a.startMs ? c : a), undefined);
    out.push({
      language: source.language,
      name: languageName(source.language),
      sourceFile: `s3://${bucket}/${source.path}`,
      ...(latest !== undefined && { latestCue: { line: latest.line, startMs: latest.startMs } }),
    });
  }
  return out;
}

/**
 * Pure: a caption file that arrived on its own -> the upload it stands for, or why nothing is done.
 *
 * A sidecar of a lesson already published from this video is added without a job
 * (late-captions.ts). Otherwise, a sidecar that arrives after its video re-encodes the lesson
 * with every sidecar then in the folder, exactly as uploading the video again would (a new
 * version, published when its job completes; a job still running for the lesson is superseded,
 * and its completion ignored): the simplest rule that never misses a file while an encode is in
 * flight. The cost is one more encode; uploading the captions first (or together: whichever
 * event comes last sees every file) costs none. A caption file with no video of its name in the
 * lesson yet does nothing: the video's upload will pick it up.
 */
export function sourceForCaptions(
  captionKey: string,
  record: { readonly sourceKey?: string; readonly status?: string } | null,
): { sourceKey: string } | { skip: string } {
  const fileName = posix.basename(captionKey);
  if (!record?.sourceKey) return { skip: `no video for ${fileName} in the lesson yet: it is read when the video is uploaded` };
  if (!isSidecarOf(record.sourceKey, fileName)) {
    return { skip: `${fileName} is not a caption file of the lesson's video ${posix.basename(record.sourceKey)} (name it <video name>.<lang>.vtt|srt)` };
  }
  return { sourceKey: record.sourceKey };
}
