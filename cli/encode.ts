/**
 * `lectern encode <file> --course <c> --lesson <l> [--title ...] [--after <lesson>] [--kind lecture|camera] [--with-240p] [--captions <lang>=<file>]...`
 * `lectern register <file> --course <c> --lesson <l> [--title ...] [--after <lesson>]`
 *
 * Both work whether or not `npm start` runs (cli/local-data.ts). Exit codes: 0 done,
 * 1 other failure, 2 usage (bad flags, bad ids, unknown --after, a caption file or language that
 * cannot be published: nothing was encoded or changed), 3 unreadable input or no
 * video stream, 4 disk full, 130 interrupted (Ctrl-C; nothing was published).
 */
import { isCourseId, isLessonId } from '../edge/course-id.ts';
import { describeWarnings, parseCaptionSpec } from '../pipeline/captions/load.ts';
import { encodeLesson, type EncodePhase } from '../pipeline/encode-lesson.ts';
import { PipelineError, type PipelineErrorKind } from '../pipeline/errors.ts';
import { CONTENT_KINDS, type ContentKind } from '../pipeline/ladder.ts';
import { registerSource } from '../pipeline/on-demand.ts';
import { createProgressWriter } from '../pipeline/progress.ts';
import { sourceFingerprint } from '../pipeline/sources.ts';
import { parseArgs, UsageError, type ParsedArgs } from './args.ts';
import { dataDirFromEnv } from './env.ts';
import { openLocalData, type LocalData } from './local-data.ts';

export const EXIT_CODES: Readonly<Record<PipelineErrorKind | 'usage', number>> = {
  usage: 2,
  lesson: 2,
  captions: 2,
  input: 3,
  'no-video': 3,
  'disk-full': 4,
  interrupted: 130,
  ffmpeg: 1,
  verify: 1,
  record: 1,
  tools: 1,
};

export interface LessonArgs {
  readonly file: string;
  readonly courseId: string;
  readonly lessonId: string;
  readonly title?: string;
  readonly after?: string;
}

/** Shared flag checks: ids are checked before anything is opened or probed. */
export function lessonArgs(parsed: ParsedArgs, usage: string): LessonArgs {
  const { positionals, flags } = parsed;
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(usage);
  const courseId = flags['course'];
  const lessonId = flags['lesson'];
  if (typeof courseId !== 'string' || typeof lessonId !== 'string') throw new UsageError(`--course and --lesson are required\n${usage}`);
  if (!isCourseId(courseId)) throw new UsageError(`bad course id ${JSON.stringify(courseId)}: use a-z, 0-9 and inner hyphens, at most 64 characters`);
  if (!isLessonId(lessonId)) throw new UsageError(`bad lesson id ${JSON.stringify(lessonId)}: use a-z, 0-9 and inner hyphens, at most 64 characters`);
  const after = flags['after'];
  if (after !== undefined && (typeof after !== 'string' || !isLessonId(after))) throw new UsageError(`bad --after lesson id ${JSON.stringify(after)}`);
  const title = flags['title'];
  return {
    file,
    courseId,
    lessonId,
    ...(typeof title === 'string' ? { title } : {}),
    ...(typeof after === 'string' ? { after } : {}),
  };
}

/** A PipelineError becomes one clear line and an exit code; anything else is rethrown. */
export function reportPipelineError(command: string, error: unknown): number {
  if (!(error instanceof PipelineError)) throw error;
  process.stderr.write(`lectern ${command}: ${error.message}\n`);
  if (process.env['LECTERN_DEBUG']) console.error(error);
  return EXIT_CODES[error.kind];
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}

function describeData(data: LocalData): string {
  return data.via === 'running-system' ? 'the running npm start' : 'its own DynamoDB (npm start is not running)';
}

/** Ctrl-C aborts the encode (nothing is published); a second Ctrl-C exits at once. */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nlectern: stopping the encode (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

const ENCODE_USAGE =
  'usage: lectern encode <file> --course <c> --lesson <l> [--title <title>] [--after <lesson>] [--kind lecture|camera] [--with-240p] [--captions <lang>=<file>]...';

export async function encodeCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, { boolean: ['with-240p'], value: ['course', 'lesson', 'title', 'after', 'kind'], repeat: ['captions'] });
  const args = lessonArgs(parsed, ENCODE_USAGE);
  let captions;
  try {
    captions = (parsed.lists['captions'] ?? []).map(parseCaptionSpec);
  } catch (error) {
    return reportPipelineError('encode', error);
  }
  const kind = parsed.flags['kind'];
  if (kind !== undefined && !CONTENT_KINDS.includes(kind as ContentKind)) throw new UsageError(`--kind must be one of ${CONTENT_KINDS.join(', ')}`);

  const dataDir = dataDirFromEnv();
  const data = await openLocalData(dataDir);
  const stop = interruptible();
  const bar = createProgressWriter(process.stderr, 'encode');
  try {
    process.stderr.write(`lectern: ${args.file} -> ${args.courseId}/${args.lessonId} (data in ${dataDir}, via ${describeData(data)})\n`);
    const onPhase = (phase: EncodePhase, detail?: string) => {
      if (phase === 'verify') bar.finish();
      if (phase !== 'probe') process.stderr.write(`  ${phase.padEnd(8)}${detail ?? ''}`.trimEnd() + '\n');
    };
    const result = await encodeLesson({
      input: args.file,
      courseId: args.courseId,
      lessonId: args.lessonId,
      ...(args.title !== undefined && { title: args.title }),
      ...(args.after !== undefined && { after: args.after }),
      ...(kind !== undefined && { contentKind: kind as ContentKind }),
      ...(parsed.flags['with-240p'] === true && { includeOptional: true }),
      captions,
      dataDir,
      dynamo: data.dynamo,
      tablePrefix: data.tablePrefix,
      sourceFingerprint: await sourceFingerprint(args.file).catch(() => 'unknown'),
      onPhase,
      onProgress: (p) => bar.update(p),
      signal: stop.signal,
    });
    const renditions = result.renditions.map((r) => `${r.name} ${r.width}x${r.height} ${Math.round(r.bandwidth / 1000)} kbit/s peak`).join('\n    ');
    process.stdout.write(
      `published ${result.courseId}/${result.lessonId} (${result.contentKind}: ${result.contentKindReason})\n` +
        `  duration   ${result.durationSeconds.toFixed(1)} s, encoded at ${result.speed.toFixed(2)}x realtime in ${result.encodeSeconds.toFixed(1)} s\n` +
        `  size       ${kb(result.totalBytes)}\n` +
        `  renditions ${renditions}\n` +
        `  manifest   ${result.manifestKey}\n` +
        `  poster     ${result.posterKey}\n` +
        `  thumbnails ${result.thumbnailsKey}\n` +
        (result.captions.length > 0 ? `  captions   ${result.captions.map((c) => `${c.language} (${c.name}, ${c.track.cues.length} cues)`).join(', ')}\n` : ''),
    );
    for (const warning of describeWarnings(result.captions)) process.stderr.write(`  warning  ${warning}\n`);
    return 0;
  } catch (error) {
    bar.finish();
    return reportPipelineError('encode', error);
  } finally {
    stop.dispose();
    await data.close();
  }
}

const REGISTER_USAGE = 'usage: lectern register <file> --course <c> --lesson <l> [--title <title>] [--after <lesson>]';

/** Registers a source for an on-demand encode: the first student who asks for the lesson starts it. */
export async function registerCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, { value: ['course', 'lesson', 'title', 'after'] });
  const args = lessonArgs(parsed, REGISTER_USAGE);
  const dataDir = dataDirFromEnv();
  const data = await openLocalData(dataDir);
  try {
    const { sourceKey } = await registerSource({
      input: args.file,
      courseId: args.courseId,
      lessonId: args.lessonId,
      ...(args.title !== undefined && { title: args.title }),
      ...(args.after !== undefined && { after: args.after }),
      dataDir,
      dynamo: data.dynamo,
      tablePrefix: data.tablePrefix,
    });
    process.stdout.write(
      `registered ${args.courseId}/${args.lessonId} (pending): source stored as ${sourceKey}\n` +
        `  It is encoded the first time an enrolled student asks for it:\n` +
        `  GET /auth/lessons/${args.courseId}/${args.lessonId} answers 202 + Retry-After until it is published.\n`,
    );
    return 0;
  } catch (error) {
    return reportPipelineError('register', error);
  } finally {
    await data.close();
  }
}
