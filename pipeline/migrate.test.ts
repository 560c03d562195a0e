/**
 * `lectern migrate`: file names -> lesson ids and order (pure), resumability, failures in the
 * summary, the concurrency bound, and the CLI itself without a running system (its own
 * dynalite on the data folder). Real encodes are tiny (1 s, 160x90), one ffmpeg at a time.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalData } from '../cli/local-data.ts';
import { startDynalite } from '../emulator/dynamodb/dynalite.ts';
import type { EncodeLessonOptions, EncodeLessonResult } from './encode-lesson.ts';
import { resolveFfmpegTools, type FfmpegTools } from './ffmpeg-path.ts';
import { LADDER, type Ladder } from './ladder.ts';
import { getLesson, listCourseLessons, nextLessonMapPath } from './lessons.ts';
import { defaultConcurrency, migrateFolder, planMigration, renderMigrationSummary } from './migrate.ts';
import { runProcess } from './run.ts';
import { compareFileNames, idFromFileName, localSourceKey, parseSourceKey } from './sources.ts';
import { startLocalDynamo, type LocalDynamo } from './test-dynamo.ts';
import { readFile } from 'node:fs/promises';

const ROOT = resolve(import.meta.dirname, '..');
const TINY: Ladder = { ...LADDER, rungs: [{ ...LADDER.rungs.find((r) => r.name === '240p')!, optional: false }] };

describe('file names -> lessons (pure)', () => {
  it('turns file names into ids that pass the edge pattern', () => {
    expect(idFromFileName('01 - Intro to HLS.mp4')).toBe('01-intro-to-hls');
    expect(idFromFileName('Lesson_2 (final).MOV')).toBe('lesson-2-final');
    expect(idFromFileName('Café Déjà Vu.m4v')).toBe('cafe-deja-vu');
    expect(idFromFileName('___.mp4')).toBeNull();
    expect(idFromFileName(`${'a'.repeat(70)}.mp4`)).toBe('a'.repeat(64));
    expect(idFromFileName(`${'a'.repeat(63)}-b.mp4`)).toBe('a'.repeat(63));
  });

  it('orders naturally, skips other files, and refuses two files that give one id', () => {
    expect(['10.mp4', '2.mp4', '1.mp4'].sort(compareFileNames)).toEqual(['1.mp4', '2.mp4', '10.mp4']);
    const plan = planMigration('/in', ['10 end.mp4', 'notes.txt', '2 middle.MOV', '1 start.mp4', '.hidden.mp4', 'Intro.mp4', 'intro.mov', '!!!.mp4']);
    expect(plan.map((e) => [e.fileName, e.lessonId, e.problem !== undefined])).toEqual([
      ['!!!.mp4', null, true],
      ['1 start.mp4', '1-start', false],
      ['2 middle.MOV', '2-middle', false],
      ['10 end.mp4', '10-end', false],
      ['intro.mov', 'intro', true],
      ['Intro.mp4', 'intro', true],
    ]);
    expect(plan.find((e) => e.fileName === 'Intro.mp4')!.problem).toMatch(/intro\.mov, Intro\.mp4 all become lesson id intro/);
  });

  it('parses upload keys strictly and names local sources', () => {
    expect(parseSourceKey('uploads/c1/l1/My File (1).mov')).toEqual({ courseId: 'c1', lessonId: 'l1', fileName: 'My File (1).mov' });
    for (const bad of ['uploads/c1/l1/a.txt', 'uploads/C1/l1/a.mp4', 'uploads/c1/l1/x/a.mp4', 'media/c1/l1/a.mp4', 'uploads/c1/l1/.a.mp4', 'uploads/c1/l1/']) {
      expect(parseSourceKey(bad), bad).toBeNull();
    }
    expect(localSourceKey('c1', 'l1', '/x/Clip.MOV')).toBe('uploads/c1/l1/source.mov');
    expect(localSourceKey('c1', 'l1', '/x/clip.bin')).toBe('uploads/c1/l1/source.mp4');
    expect(defaultConcurrency(2)).toBe(1);
    expect(defaultConcurrency(16)).toBe(2);
  });
});

describe('migrateFolder', () => {
  let tools: FfmpegTools;
  let db: LocalDynamo;
  let work: string;
  let folder: string;
  let dataDir: string;

  beforeAll(async () => {
    tools = await resolveFfmpegTools();
    db = await startLocalDynamo('lectern-migrate-');
    work = await mkdtemp(join(tmpdir(), 'lectern-migrate-'));
    folder = join(work, 'Course Files');
    dataDir = join(work, 'data');
    await mkdir(folder, { recursive: true });
    const clip = join(work, 'clip.mp4');
    const made = await runProcess(tools.ffmpeg, [
      '-hide_banner', '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=1',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip,
    ]);
    expect(made.code, made.stderr).toBe(0);
    await copyFile(clip, join(folder, '1 Welcome.mp4'));
    await copyFile(clip, join(folder, '2 Setup.MOV'));
    await copyFile(clip, join(folder, '10 Wrap up.mp4'));
    await writeFile(join(folder, '3 Broken.mp4'), 'not a video');
  });

  afterAll(async () => {
    await db?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const run = (extra: Partial<Parameters<typeof migrateFolder>[0]> = {}) =>
    migrateFolder({
      folder,
      courseId: 'course-files',
      concurrency: 1,
      dataDir,
      dynamo: db.dynamo,
      tablePrefix: db.tablePrefix,
      encodeOptions: { ladder: TINY, ffmpegPath: tools.ffmpeg, ffprobePath: tools.ffprobe },
      ...extra,
    });

  it('encodes every file into the course in file order, and reports the one that failed', async () => {
    const summary = await run();
    expect([summary.encoded, summary.skipped, summary.failed]).toEqual([3, 0, 1]);
    expect(summary.items.map((i) => [i.lessonId, i.outcome])).toEqual([
      ['1-welcome', 'encoded'],
      ['2-setup', 'encoded'],
      ['3-broken', 'failed'],
      ['10-wrap-up', 'encoded'],
    ]);
    expect(summary.items[2]!.reason).toMatch(/3 Broken\.mp4 is not a readable video file/);
    const lessons = (await listCourseLessons(db.dynamo, db.lessonsTable, 'course-files')).sort((a, b) => a.order - b.order);
    expect(lessons.map((l) => [l.lessonId, l.status, l.title])).toEqual([
      ['1-welcome', 'published', '1 Welcome'],
      ['2-setup', 'published', '2 Setup'],
      ['3-broken', 'failed', '3 Broken'],
      ['10-wrap-up', 'published', '10 Wrap up'],
    ]);
    const map = JSON.parse(await readFile(nextLessonMapPath(dataDir), 'utf8'));
    expect(map.data.filter((d: { key: string }) => !d.key.endsWith('/versions'))).toEqual([
      { key: 'course-files/1-welcome', value: '2-setup' },
      { key: 'course-files/2-setup', value: '10-wrap-up' },
    ]);
    // Served versions for the three published lessons; the failed one has none.
    expect(map.data.filter((d: { key: string }) => d.key.endsWith('/versions')).map((d: { key: string }) => d.key)).toEqual([
      'course-files/1-welcome/versions',
      'course-files/10-wrap-up/versions',
      'course-files/2-setup/versions',
    ]);
    expect(renderMigrationSummary(summary)).toMatch(/^migrate course-files: 3 encoded, 0 skipped, 1 failed\n {2}encoded {2}1 Welcome\.mp4/);
  });

  it('resumes: skips what is published from the same file, re-encodes a changed one', async () => {
    const later = new Date(Date.now() + 60_000);
    await utimes(join(folder, '2 Setup.MOV'), later, later);
    const summary = await run();
    expect(summary.items.map((i) => [i.lessonId, i.outcome])).toEqual([
      ['1-welcome', 'skipped'],
      ['2-setup', 'encoded'],
      ['3-broken', 'failed'],
      ['10-wrap-up', 'skipped'],
    ]);
    expect((await getLesson(db.dynamo, db.lessonsTable, 'course-files', '2-setup'))?.sourceFingerprint).toMatch(/^\d+:\d+$/);
  });

  it('never runs more encodes at once than the concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const fake = async (o: EncodeLessonOptions): Promise<EncodeLessonResult> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { courseId: o.courseId, lessonId: o.lessonId, renditions: [], durationSeconds: 1, speed: 1 } as unknown as EncodeLessonResult;
    };
    const summary = await run({ courseId: 'pool', concurrency: 2, encode: fake });
    expect(summary.encoded).toBe(4);
    expect(peak).toBe(2);
  });

  it('stops on an abort: nothing more starts, and what did not run is said', async () => {
    const controller = new AbortController();
    const summary = await run({
      courseId: 'aborted',
      signal: controller.signal,
      encode: async (o) => {
        controller.abort();
        return { courseId: o.courseId, lessonId: o.lessonId, renditions: [], durationSeconds: 1, speed: 1 } as unknown as EncodeLessonResult;
      },
    });
    expect(summary.encoded).toBe(1);
    expect(summary.notRun).toBe(3);
  });
});

describe('lectern migrate (the CLI, with no system running)', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lectern-migrate-cli-'));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  function cli(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'lectern.mjs'), ...args], {
        cwd: ROOT,
        env: { ...process.env, LECTERN_DATA: dataDir, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  it('starts its own DynamoDB on the data folder, prints a summary, and exits 1 when a file failed', async () => {
    const folder = join(work, 'Intro Course');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, '1 broken.mp4'), 'not a video');
    const result = await cli(['migrate', folder], join(work, 'data'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^migrate intro-course: 0 encoded, 0 skipped, 1 failed/);
    expect(result.stdout).toMatch(/failed +1 broken\.mp4 +1-broken +.*not a readable video file/);
    // The data it wrote is there for the next run (and for npm start).
    const data = await openLocalData(join(work, 'data'));
    try {
      expect(data.via).toBe('own');
      expect(await getLesson(data.dynamo, 'lectern-lessons', 'intro-course', '1-broken')).toMatchObject({ status: 'failed', errorKind: 'input' });
    } finally {
      await data.close();
    }
  });

  it('refuses bad flags with usage (exit 2)', async () => {
    expect((await cli(['migrate', work, '--concurrency', '0'], join(work, 'data'))).code).toBe(2);
    expect((await cli(['migrate', work, '--course', 'Bad Course'], join(work, 'data'))).code).toBe(2);
  });

  it('says clearly when another process holds the data folder and no running system is recorded', async () => {
    const dataDir = join(work, 'held');
    const holder = await startDynalite({ path: join(dataDir, 'dynamodb') });
    try {
      await expect(openLocalData(dataDir)).rejects.toThrow(/in use by another process/);
    } finally {
      await holder.close();
    }
  });
});
