/**
 * Batch migration of existing files into a course: `lectern migrate <folder>`.
 *
 * - Files: the folder's MP4/MOV/M4V (not recursive), in natural order (`2` before `10`); that
 *   order is the lesson order. Each file name becomes a lesson id (sources.ts idFromFileName);
 *   two files that give the same id are both refused rather than one silently winning.
 * - Resumable: a lesson already published from the same file (size + mtime recorded with the
 *   published version) is skipped; a changed file is encoded again. An interrupted run leaves
 *   every published lesson as it was (encodeLesson publishes atomically).
 * - Placement first, encodes second: every lesson is placed in file order before any encode
 *   starts, so the course order is right whatever order the encodes finish in.
 * - Captions: sidecars `<name>.<lang>.vtt|srt` beside a source (captions/sidecars.ts) are
 *   published with it; they are read and checked before the lesson is placed, so a bad one
 *   fails that lesson alone and changes nothing of it. A lesson skipped as already published
 *   keeps its captions: change them with `lectern captions` (no re-encode).
 * - Concurrency: at most N encodes at once (default 1 on machines under 8 cores: one ffmpeg
 *   already uses every core for one lesson).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cpus } from 'node:os';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { loadCaptions, type CaptionSource } from './captions/load.ts';
import { findSidecars } from './captions/sidecars.ts';
import { encodeLesson, type EncodeLessonOptions, type EncodeLessonResult } from './encode-lesson.ts';
import { PipelineError, type LessonErrorKind } from './errors.ts';
import type { ContentKind } from './ladder.ts';
import { getLesson, lessonsTable, markFailed, prepareLesson } from './lessons.ts';
import type { EncodeProgress } from './progress.ts';
import { compareFileNames, idFromFileName, MIGRATE_EXTENSIONS, sourceFingerprint } from './sources.ts';

export interface MigrationEntry {
  readonly fileName: string;
  readonly path: string;
  readonly lessonId: string | null;
  /** Why the entry cannot be migrated (no usable id, duplicate id). */
  readonly problem?: string;
  /** Sidecar caption files (present only when there are some). */
  readonly captions?: readonly CaptionSource[];
}

/** Pure: file names -> entries in lesson order, with ids and the problems that stop one. */
export function planMigration(folder: string, fileNames: readonly string[]): MigrationEntry[] {
  const media = fileNames.filter((f) => !f.startsWith('.') && MIGRATE_EXTENSIONS.includes(extname(f).toLowerCase())).sort(compareFileNames);
  const ids = media.map((f) => idFromFileName(f));
  const seen = new Map<string, string[]>();
  media.forEach((f, i) => {
    const id = ids[i];
    if (id) seen.set(id, [...(seen.get(id) ?? []), f]);
  });
  return media.map((fileName, i) => {
    const lessonId = ids[i] ?? null;
    const path = join(folder, fileName);
    if (!lessonId) return { fileName, path, lessonId, problem: 'the file name gives no usable lesson id (rename it with letters or digits)' };
    const same = seen.get(lessonId)!;
    if (same.length > 1) return { fileName, path, lessonId, problem: `${same.join(', ')} all become lesson id ${lessonId}: rename all but one` };
    const sidecars = findSidecars(folder, fileName, fileNames);
    if (sidecars.problems.length > 0) return { fileName, path, lessonId, problem: sidecars.problems.join('; ') };
    return { fileName, path, lessonId, ...(sidecars.sources.length > 0 && { captions: sidecars.sources }) };
  });
}

export function defaultConcurrency(cores = cpus().length): number {
  return cores >= 8 ? 2 : 1;
}

export type MigrationOutcome = 'encoded' | 'skipped' | 'failed' | 'not-run';

export interface MigrationItem {
  readonly fileName: string;
  readonly lessonId: string | null;
  readonly outcome: MigrationOutcome;
  readonly reason?: string;
  readonly result?: EncodeLessonResult;
}

export type MigrationEvent =
  | { readonly type: 'start'; readonly index: number; readonly total: number; readonly entry: MigrationEntry }
  | { readonly type: 'progress'; readonly entry: MigrationEntry; readonly progress: EncodeProgress }
  | { readonly type: 'done'; readonly item: MigrationItem };

export interface MigrateOptions {
  readonly folder: string;
  readonly courseId: string;
  readonly concurrency: number;
  readonly dataDir: string;
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  readonly contentKind?: ContentKind;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: MigrationEvent) => void;
  /** Passed to every encodeLesson (tests use a small ladder). */
  readonly encodeOptions?: Partial<Pick<EncodeLessonOptions, 'ladder' | 'ffmpegPath' | 'ffprobePath' | 'includeOptional'>>;
  /** Replaces encodeLesson (tests of the scheduling itself). */
  readonly encode?: (options: EncodeLessonOptions) => Promise<EncodeLessonResult>;
}

export interface MigrationSummary {
  readonly courseId: string;
  readonly items: readonly MigrationItem[];
  readonly encoded: number;
  readonly skipped: number;
  readonly failed: number;
  readonly notRun: number;
}

function titleOf(fileName: string): string {
  return basename(fileName, extname(fileName)).trim() || fileName;
}

export async function migrateFolder(options: MigrateOptions): Promise<MigrationSummary> {
  const { courseId, dynamo } = options;
  const table = lessonsTable(options.tablePrefix);
  const emit = options.onEvent ?? (() => undefined);
  let names: string[];
  try {
    names = (await readdir(options.folder, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
  } catch (error) {
    throw new PipelineError('input', `cannot read folder ${options.folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const entries = planMigration(options.folder, names);
  const items = new Map<MigrationEntry, MigrationItem>();
  const finish = (item: MigrationItem, entry: MigrationEntry) => {
    items.set(entry, item);
    emit({ type: 'done', item });
  };

  // ---- pass 1, sequential: skip what is done, place the rest in file order ----
  const todo: { entry: MigrationEntry; fingerprint: string }[] = [];
  let previous: string | undefined;
  for (const entry of entries) {
    if (options.signal?.aborted) break;
    if (entry.problem || !entry.lessonId) {
      finish({ fileName: entry.fileName, lessonId: entry.lessonId, outcome: 'failed', reason: entry.problem ?? 'no lesson id' }, entry);
      continue;
    }
    try {
      // Before placement: a malformed caption file leaves the lesson exactly as it was.
      if (entry.captions) await loadCaptions(entry.captions);
      const fingerprint = await sourceFingerprint(entry.path);
      const existing = await getLesson(dynamo, table, courseId, entry.lessonId);
      const done = existing?.status === 'published' && existing.sourceFingerprint === fingerprint;
      await prepareLesson(dynamo, table, {
        courseId,
        lessonId: entry.lessonId,
        status: 'pending',
        ...(done ? {} : { title: titleOf(entry.fileName) }),
        ...(previous !== undefined && previous !== entry.lessonId ? { after: previous } : {}),
      });
      previous = entry.lessonId;
      if (done) finish({ fileName: entry.fileName, lessonId: entry.lessonId, outcome: 'skipped', reason: 'already published from this file' }, entry);
      else todo.push({ entry, fingerprint });
    } catch (error) {
      finish({ fileName: entry.fileName, lessonId: entry.lessonId, outcome: 'failed', reason: (error as Error).message }, entry);
    }
  }

  // ---- pass 2: encodes, at most `concurrency` at once ----
  let next = 0;
  let started = 0;
  const total = todo.length;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !options.signal?.aborted) {
      const { entry, fingerprint } = todo[next++]!;
      emit({ type: 'start', index: ++started, total, entry });
      try {
        const result = await (options.encode ?? encodeLesson)({
          input: entry.path,
          courseId,
          lessonId: entry.lessonId!,
          title: titleOf(entry.fileName),
          dataDir: options.dataDir,
          dynamo,
          tablePrefix: options.tablePrefix,
          sourceFingerprint: fingerprint,
          ...(entry.captions && { captions: entry.captions }),
          ...(options.contentKind !== undefined && { contentKind: options.contentKind }),
          ...(options.signal && { signal: options.signal }),
          onProgress: (progress) => emit({ type: 'progress', entry, progress }),
          ...options.encodeOptions,
        });
        finish({ fileName: entry.fileName, lessonId: entry.lessonId, outcome: 'encoded', result }, entry);
      } catch (error) {
        const interrupted = error instanceof PipelineError && error.kind === 'interrupted';
        // Failures before encodeLesson places the lesson (unreadable file, no video) are recorded
        // here, so the course team sees them in the table too (a published version stays published).
        // A caption refusal (cues past the lesson's end, found once probed) happens before
        // anything is written: it is not a failed encode and the record stays as it was.
        const captionsRefused = error instanceof PipelineError && error.kind === 'captions';
        if (!interrupted && !captionsRefused) {
          const kind: LessonErrorKind = error instanceof PipelineError ? error.kind : 'unknown';
          await markFailed(dynamo, table, courseId, entry.lessonId!, (error as Error).message, undefined, kind).catch(() => undefined);
        }
        finish(
          { fileName: entry.fileName, lessonId: entry.lessonId, outcome: interrupted ? 'not-run' : 'failed', reason: (error as Error).message },
          entry,
        );
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, todo.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));

  const ordered = entries.map(
    (entry) => items.get(entry) ?? { fileName: entry.fileName, lessonId: entry.lessonId, outcome: 'not-run' as const, reason: 'interrupted before it started' },
  );
  const count = (o: MigrationOutcome) => ordered.filter((i) => i.outcome === o).length;
  return { courseId, items: ordered, encoded: count('encoded'), skipped: count('skipped'), failed: count('failed'), notRun: count('not-run') };
}

/** Pure: the summary as a table for the terminal. */
export function renderMigrationSummary(summary: MigrationSummary): string {
  const lines = [`migrate ${summary.courseId}: ${summary.encoded} encoded, ${summary.skipped} skipped, ${summary.failed} failed${summary.notRun ? `, ${summary.notRun} not run` : ''}`];
  const width = Math.max(4, ...summary.items.map((i) => i.fileName.length));
  for (const item of summary.items) {
    const detail =
      item.outcome === 'encoded' && item.result
        ? `${item.result.renditions.map((r) => r.name).join(' ')}, ${item.result.durationSeconds.toFixed(1)} s at ${item.result.speed.toFixed(1)}x`
        : (item.reason ?? '');
    lines.push(`  ${item.outcome.padEnd(8)} ${item.fileName.padEnd(width)}  ${(item.lessonId ?? '-').padEnd(20)} ${detail}`);
  }
  return `${lines.join('\n')}\n`;
}
