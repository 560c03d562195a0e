/**
 * GET /auth/lessons/<course>/<lesson> over real HTTP through the local distribution (the built
 * cookie issuer), and on-demand encoding end to end: `lectern register` (the CLI, talking to the
 * running system's DynamoDB), 202 + Retry-After while the deployed issuer invokes the upload
 * trigger, whose MediaConvert job (the local stand-in) is published by the completion handler,
 * then 200 with the published keys, and the media plays with a session. Encodes are tiny (2 s,
 * 640x360: MediaConvert's Automated ABR has no rendition below a 360p source's size to offer).
 */
import { synthesizeTestClip } from '../../pipeline/test-clip.ts';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
let system: TestSystem & { cleanup(): Promise<void> };
let student: string;
let work: string;
let clip: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'lectern.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, LECTERN_DATA: system.dataDir, NODE_NO_WARNINGS: '1' },
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

function status(path: string, token: string | null = student, init: RequestInit = {}): Promise<Response> {
  return fetch(`${system.url}/auth/lessons/${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });
}

/** What the local stack logged (the Lambdas' own lines included), printed when a test fails. */
const systemLog: string[] = [];

beforeAll(async () => {
  system = await startTestSystem({ stack: { onDemandEncoding: true }, log: (line) => systemLog.push(line) });
  student = await system.token('student@example.com');
  work = await mkdtemp(join(tmpdir(), 'lectern-ondemand-'));
  clip = join(work, 'clip.mp4');
  const { ffmpeg } = await resolveFfmpegTools();
  await synthesizeTestClip(ffmpeg, clip, { size: '640x360', rate: 25, seconds: 2 });
});

afterAll(async () => {
  await system?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('GET /auth/lessons/<course>/<lesson>: same checks as sessions', () => {
  it('refuses without a token (401), outside the enrollment (409), bad ids (400), unknown lessons (404), other methods (405)', async () => {
    const none = await status('demo/lesson-1', null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="lectern"');
    expect((await status('demo/lesson-1', await system.token('outsider@example.com'))).status).toBe(409);
    expect((await status('second/lesson-1')).status).toBe(409);
    const badCourse = await status('Demo/lesson-1');
    expect(badCourse.status).toBe(400);
    expect((await badCourse.json()).error.code).toBe('ERR_BAD_COURSE_ID');
    const badLesson = await status('demo/lesson_1');
    expect(badLesson.status).toBe(400);
    expect((await badLesson.json()).error.code).toBe('ERR_BAD_LESSON_ID');
    const unknown = await status('demo/no-such-lesson');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('ERR_LESSON_NOT_FOUND');
    const post = await status('demo/lesson-1', student, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, OPTIONS');
    expect((await status('demo/lesson-1/extra')).status).toBe(404);
  });
});

describe('on-demand encoding (seed 003): 202 + Retry-After, one encode, then published', () => {
  it('registers with the CLI while the system runs, encodes once however many ask, then answers 200 and plays', async () => {
    const registered = await cli(['register', clip, '--course', 'demo', '--lesson', 'on-demand', '--title', 'Made on demand']);
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.stdout).toMatch(/registered demo\/on-demand \(pending\)/);

    const answers = await Promise.all(Array.from({ length: 4 }, () => status('demo/on-demand')));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await answer.json()).toEqual({ courseId: 'demo', lessonId: 'on-demand', status: 'encoding', title: 'Made on demand', retryAfter: 5 });
    }
    await system.whenPipelineIdle();

    const done = await status('demo/on-demand');
    expect(done.status).toBe(200);
    const body = await done.json();
    expect(body).toMatchObject({
      courseId: 'demo',
      lessonId: 'on-demand',
      status: 'published',
      title: 'Made on demand',
      manifestKey: 'courses/demo/on-demand/master.m3u8',
      renditions: [{ name: '360p', width: 640, height: 360 }],
    });
    expect(body.durationSeconds).toBeCloseTo(2, 0);
    expect(body.posterKey).toMatch(/^courses\/demo\/on-demand\/v[0-9a-z]{9}-[0-9a-f]{4}\/poster\.0000001\.jpg$/);
    const versions = (await readdir(join(system.mediaRoot, 'courses', 'demo', 'on-demand'))).filter((n) => n.startsWith('v'));
    expect(versions).toHaveLength(1);

    const { cookie } = await system.session(student, 'demo');
    const master = await system.fetch(`/${body.manifestKey}`, { cookie });
    expect(master.status).toBe(200);
    expect(await master.text()).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+/);
  });

  it('reports a failed on-demand encode with a message for students, not the stored detail', async () => {
    const registered = await cli(['register', clip, '--course', 'demo', '--lesson', 'lost-source']);
    expect(registered.code, registered.stderr).toBe(0);
    await unlink(join(system.uploadsRoot, 'uploads', 'demo', 'lost-source', 'source.mp4'));
    onTestFailed(() => console.log(systemLog.filter((l) => !/^(GET|HEAD) \/|^S3 (GET|HEAD|PUT)/.test(l)).slice(-60).join('\n')));
    expect((await status('demo/lost-source')).status).toBe(202);
    await system.whenPipelineIdle();
    // A client asks again after Retry-After until the answer is final, as the player does.
    await expect.poll(async () => (await status('demo/lost-source')).status, { timeout: 20_000, interval: 500 }).toBe(200);
    const failed = await status('demo/lost-source');
    const text = await failed.text();
    expect(JSON.parse(text)).toEqual({
      courseId: 'demo',
      lessonId: 'lost-source',
      status: 'failed',
      title: 'lost-source',
      message: 'The uploaded file could not be read as a video. The course team needs to upload it again.',
    });
    expect(text).not.toContain(system.dataDir);
  });
});

describe('lectern encode / register against a running system', () => {
  it('encodes with a running npm start, through its DynamoDB, and the lesson status shows it at once', async () => {
    const encoded = await cli(['encode', clip, '--course', 'demo', '--lesson', 'from-cli', '--title', 'From the CLI', '--after', 'on-demand']);
    expect(encoded.code, encoded.stderr).toBe(0);
    expect(encoded.stderr).toMatch(/via the running npm start/);
    expect(encoded.stderr).toMatch(/encode \[#+-*\]\s+\d+\.\d%\s+[\d.]+x\s+(ETA|done)/);
    expect(encoded.stdout).toMatch(/published demo\/from-cli/);
    const answer = await status('demo/from-cli');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: 'published', title: 'From the CLI' });
  });

  it('exits non-zero with one clear line for bad ids, unreadable input, an unknown --after, and a published lesson', async () => {
    const badId = await cli(['encode', clip, '--course', 'demo', '--lesson', 'Bad Id']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/bad lesson id "Bad Id"/);
    const missing = await cli(['encode', join(work, 'missing.mp4'), '--course', 'demo', '--lesson', 'x1']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read input .*missing\.mp4: no such file/);
    const after = await cli(['encode', clip, '--course', 'demo', '--lesson', 'x2', '--after', 'nope']);
    expect(after.code).toBe(2);
    expect(after.stderr).toMatch(/--after nope: no such lesson in this course/);
    const again = await cli(['register', clip, '--course', 'demo', '--lesson', 'from-cli']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already published/);
  });
});
