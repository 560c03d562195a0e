/**
 * `lectern migrate <folder> [--course <c>] [--concurrency N] [--kind lecture|camera]`: every
 * MP4/MOV in the folder becomes a lesson (see pipeline/migrate.ts). Prints progress and a
 * summary; exits 1 if any file failed, 130 when interrupted, 0 otherwise.
 */
import { basename, resolve } from 'node:path';
import { isCourseId } from '../edge/course-id.ts';
import { CONTENT_KINDS, type ContentKind } from '../pipeline/ladder.ts';
import { defaultConcurrency, migrateFolder, renderMigrationSummary, type MigrationEntry } from '../pipeline/migrate.ts';
import { createProgressWriter, type EncodeProgress } from '../pipeline/progress.ts';
import { idFromFileName } from '../pipeline/sources.ts';
import { parseArgs, UsageError } from './args.ts';
import { reportPipelineError } from './encode.ts';
import { dataDirFromEnv } from './env.ts';
import { openLocalData } from './local-data.ts';

const USAGE = 'usage: lectern migrate <folder> [--course <c>] [--concurrency N] [--kind lecture|camera]';

export async function migrateCommand(argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { value: ['course', 'concurrency', 'kind'] });
  const folder = positionals[0];
  if (!folder || positionals.length > 1) throw new UsageError(USAGE);
  const courseFlag = flags['course'];
  const courseId = typeof courseFlag === 'string' ? courseFlag : idFromFileName(basename(resolve(folder)));
  if (!courseId || !isCourseId(courseId)) {
    throw new UsageError(`bad course id ${JSON.stringify(courseId ?? basename(resolve(folder)))}: pass --course <c> (a-z, 0-9 and inner hyphens)`);
  }
  let concurrency = defaultConcurrency();
  if (flags['concurrency'] !== undefined) {
    concurrency = Number(flags['concurrency']);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UsageError('--concurrency must be a whole number from 1 to 16');
  }
  const kind = flags['kind'];
  if (kind !== undefined && !CONTENT_KINDS.includes(kind as ContentKind)) throw new UsageError(`--kind must be one of ${CONTENT_KINDS.join(', ')}`);

  const dataDir = dataDirFromEnv();
  const data = await openLocalData(dataDir);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nlectern: stopping (running encodes are abandoned, nothing half-published; run the same command to resume)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  // One redrawn bar when encodes run one at a time; with several, a line per lesson every 10 %.
  const bars = new Map<MigrationEntry, ReturnType<typeof createProgressWriter>>();
  const stream = concurrency === 1 ? process.stderr : { write: (s: string) => process.stderr.write(s), isTTY: false };
  process.stderr.write(`lectern: migrating ${resolve(folder)} into course ${courseId}, ${concurrency} at a time (data in ${dataDir})\n`);
  try {
    const summary = await migrateFolder({
      folder,
      courseId,
      concurrency,
      dataDir,
      dynamo: data.dynamo,
      tablePrefix: data.tablePrefix,
      ...(kind !== undefined && { contentKind: kind as ContentKind }),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'start') {
          bars.set(event.entry, createProgressWriter(stream, `[${event.index}/${event.total}] ${event.entry.lessonId}`));
        } else if (event.type === 'progress') {
          bars.get(event.entry)?.update(event.progress as EncodeProgress);
        } else {
          for (const [entry, bar] of bars) {
            if (entry.fileName === event.item.fileName) {
              bar.finish();
              bars.delete(entry);
            }
          }
          if (event.item.outcome === 'failed') process.stderr.write(`  failed   ${event.item.fileName}: ${event.item.reason}\n`);
          if (event.item.outcome === 'skipped') process.stderr.write(`  skipped  ${event.item.fileName} (${event.item.reason})\n`);
        }
      },
    });
    process.stdout.write(renderMigrationSummary(summary));
    if (controller.signal.aborted) return 130;
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    return reportPipelineError('migrate', error);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await data.close();
  }
}
