/**
 * On-demand encoding, locally (seed 003's plan): `lectern register` stores a source under
 * `<dataDir>/uploads/<courseId>/<lessonId>/` and records the lesson `pending`; the first student
 * who asks for it (GET /auth/lessons/<c>/<l>) makes the cookie issuer claim it and POST an
 * encode request to the local system, whose queue runs encodeLesson, one encode at a time.
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

/** Where a source key lives on disk, refusing anything that would leave `<dataDir>/uploads/`. */
export function localSourcePath(dataDir: string, sourceKey: string): string {
  const uploads = resolve(dataDir, 'uploads');
  const path = resolve(dataDir, sourceKey);
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

export interface LocalEncodeQueueOptions {
  readonly dataDir: string;
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  readonly log?: (line: string) => void;
  /** Passed to encodeLesson (tests use a small ladder). */
  readonly encodeOptions?: Partial<Pick<EncodeLessonOptions, 'ladder' | 'ffmpegPath' | 'ffprobePath' | 'includeOptional'>>;
  /** Replaces encodeLesson (tests of the queue itself). */
  readonly encode?: (options: EncodeLessonOptions) => Promise<EncodeLessonResult>;
}

export interface LocalEncodeQueue {
  /** Queues an encode unless the same lesson is queued or running. Returns false when it was already there. */
  request(request: EncodeRequest): boolean;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Stops the running encode (nothing half-published; its lesson goes back to `pending`) and drops the queue. */
  close(): Promise<void>;
}

/** One encode at a time: ffmpeg already uses every core for one lesson. */
export function createLocalEncodeQueue(options: LocalEncodeQueueOptions): LocalEncodeQueue {
  const log = options.log ?? (() => undefined);
  const encode = options.encode ?? encodeLesson;
  const table = lessonsTable(options.tablePrefix);
  const queue: EncodeRequest[] = [];
  const keys = new Set<string>();
  const abort = new AbortController();
  let running: Promise<void> | null = null;
  let waiters: (() => void)[] = [];

  async function runOne(job: EncodeRequest): Promise<void> {
    const id = `${job.courseId}/${job.lessonId}`;
    try {
      const input = localSourcePath(options.dataDir, job.sourceKey);
      const record = await getLesson(options.dynamo, table, job.courseId, job.lessonId);
      log(`on-demand: encoding ${id} from ${job.sourceKey}`);
      const result = await encode({
        input,
        courseId: job.courseId,
        lessonId: job.lessonId,
        ...(record?.title ? { title: record.title } : {}),
        dataDir: options.dataDir,
        dynamo: options.dynamo,
        tablePrefix: options.tablePrefix,
        signal: abort.signal,
        sourceFingerprint: await sourceFingerprint(input).catch(() => 'unknown'),
        ...options.encodeOptions,
      });
      log(`on-demand: published ${id} (${result.renditions.map((r) => r.name).join(', ')}, ${result.speed.toFixed(1)}x realtime)`);
    } catch (error) {
      const e = error instanceof PipelineError ? error : new PipelineError('ffmpeg', (error as Error).message, { cause: error });
      if (e.kind === 'interrupted') {
        await releaseEncodeClaim(options.dynamo, table, job.courseId, job.lessonId).catch(() => undefined);
        log(`on-demand: ${id} interrupted; it is pending again`);
        return;
      }
      // encodeLesson records failures after it has placed the lesson; a failure before that
      // (unreadable source, no video stream) is recorded here, or the lesson stays `encoding`.
      const current = await getLesson(options.dynamo, table, job.courseId, job.lessonId).catch(() => null);
      if (current?.status === 'encoding') {
        await markFailed(options.dynamo, table, job.courseId, job.lessonId, e.message, undefined, e.kind).catch(() => undefined);
      }
      log(`on-demand: ${id} failed: ${e.message}`);
    }
  }

  function pump(): void {
    if (running) return;
    const job = queue.shift();
    if (!job) {
      const done = waiters;
      waiters = [];
      for (const w of done) w();
      return;
    }
    running = runOne(job).finally(() => {
      keys.delete(`${job.courseId}/${job.lessonId}`);
      running = null;
      if (!abort.signal.aborted) pump();
      else pumpIdle();
    });
  }

  function pumpIdle(): void {
    if (running) return;
    const done = waiters;
    waiters = [];
    for (const w of done) w();
  }

  return {
    request(request) {
      const key = `${request.courseId}/${request.lessonId}`;
      if (abort.signal.aborted || keys.has(key)) return false;
      keys.add(key);
      queue.push(request);
      queueMicrotask(pump);
      return true;
    },
    idle() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise((resolveIdle) => waiters.push(resolveIdle));
    },
    async close() {
      const dropped = queue.splice(0);
      abort.abort();
      for (const job of dropped) {
        keys.delete(`${job.courseId}/${job.lessonId}`);
        await releaseEncodeClaim(options.dynamo, table, job.courseId, job.lessonId).catch(() => undefined);
      }
      await running;
      pumpIdle();
    },
  };
}
