/**
 * On-demand encoding, locally (seed 003's plan): `lectern register` puts a source in the local
 * stack's uploads bucket (`uploads/<courseId>/<lessonId>/<file>`) and records the lesson
 * `pending`; the first student who asks for it (GET /auth/lessons/<c>/<l>) makes the deployed
 * cookie issuer claim it and invoke the upload trigger, which submits the MediaConvert job, as
 * on AWS (a stack with lectern:onDemandEncoding).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { isCourseId, isLessonId } from '../edge/course-id.ts';
import type { EncodeRequest } from '../edge/encode-request.ts';
import { encodeLesson, type EncodeLessonOptions, type EncodeLessonResult } from './encode-lesson.ts';
import { isEnospc, PipelineError } from './errors.ts';
import { resolveFfmpegTools } from './ffmpeg-path.ts';
import { getLesson, lessonsTable, markFailed, prepareLesson, releaseEncodeClaim } from './lessons.ts';
import { requireVideo } from './plan.ts';
import { probeFile } from './probe.ts';
import { localSourceKey, sourceFingerprint } from './sources.ts';

/** What registering a source needs: the encode's own options, minus the encoding itself. */
export type RegisterSourceOptions = Pick<
  EncodeLessonOptions,
  'input' | 'courseId' | 'lessonId' | 'title' | 'after' | 'dataDir' | 'dynamo' | 'tablePrefix' | 'ffprobePath'
>;

/**
 * The local stack's uploads bucket: a folder of the data folder (local/data-paths.ts, whose
 * test keeps the two in step), where a source key `uploads/<c>/<l>/<file>` is a file.
 */
export const LOCAL_UPLOADS_BUCKET_DIR = join('buckets', 'storage-uploads');

/** Where a source key lives on disk, refusing anything that would leave the bucket's `uploads/`. */
export function localSourcePath(dataDir: string, sourceKey: string): string {
  const bucket = resolve(dataDir, LOCAL_UPLOADS_BUCKET_DIR);
  const uploads = join(bucket, 'uploads');
  const path = resolve(bucket, sourceKey);
  if (!path.startsWith(uploads + sep)) throw new PipelineError('input', `source key ${sourceKey} is outside the uploads folder`);
  return path;
}

/**
 * Checks the file is a video (probe), copies it into the uploads folder (temp file + rename),
 * and records the lesson `pending` with its source key, placed like an encode would place it.
 * A lesson that is already published is refused: `lectern encode` replaces a published lesson.
 */
export async function registerSource(options: RegisterSourceOptions): Promise<{ sourceKey: string; path: string }> {
  const { courseId, lessonId } = options;
  if (!isCourseId(courseId)) throw new PipelineError('lesson', `bad course id ${JSON.stringify(courseId)}: use a-z, 0-9 and inner hyphens`);
  if (!isLessonId(lessonId)) throw new PipelineError('lesson', `bad lesson id ${JSON.stringify(lessonId)}: use a-z, 0-9 and inner hyphens`);
  const ffprobe = options.ffprobePath ?? (await resolveFfmpegTools()).ffprobe;
  requireVideo(await probeFile(options.input, ffprobe));
  const table = lessonsTable(options.tablePrefix);
  const existing = await getLesson(options.dynamo, table, courseId, lessonId);
  if (existing?.status === 'published') {
    throw new PipelineError('lesson', `${courseId}/${lessonId} is already published; \`lectern encode\` replaces it`);
  }
  if (existing?.status === 'encoding') {
    throw new PipelineError('lesson', `${courseId}/${lessonId} is being encoded right now; register it again once that is done`);
  }
  const sourceKey = localSourceKey(courseId, lessonId, options.input);
  const path = localSourcePath(options.dataDir, sourceKey);
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(options.input, tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    if (isEnospc(error)) throw new PipelineError('disk-full', 'disk full while copying the source: free some space and run it again', { cause: error });
    throw new PipelineError('input', `could not copy ${options.input}: ${(error as Error).message}`, { cause: error });
  }
  await prepareLesson(options.dynamo, table, {
    courseId,
    lessonId,
    status: 'pending',
    sourceKey,
    ...(options.title !== undefined && { title: options.title }),
    ...(options.after !== undefined && { after: options.after }),
  });
  return { sourceKey, path };
}
