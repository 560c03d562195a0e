import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a newcomer does: `npm start` (here `lectern start`, on a free port and a fresh data
 * folder), then `npx lectern token`, then curl. The demo course is really encoded by ffmpeg.
 */
const root = resolve(import.meta.dirname, '..', '..');
const cli = join(root, 'bin', 'lectern.mjs');
let child: ChildProcess;
let dataDir: string;
let url: string;
let output = '';
/** What a request sent while `npm start` was still starting got back. */
let whileStarting: Promise<{ status: number; retryAfter: string | null; body: string }> | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lectern-e2e-'));
  child = spawn(process.execPath, [cli, 'start'], { env: { ...process.env, PORT: '0', LECTERN_DATA: dataDir, LECTERN_QUIET: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`lectern start did not come up:\n${output}`)), 170_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/\S+)/.exec(output);
      if (listening && !whileStarting) {
        whileStarting = fetch(`${listening[1]}/watch/demo/lesson-1`).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() }));
      }
      const match = /Open\s+(http:\/\/\S+)\/watch\/demo\/lesson-1/.exec(output);
      if (match && output.includes('Ctrl-C stops it.')) {
        clearTimeout(timer);
        resolveUrl(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`lectern start exited with ${code}:\n${output}`)));
  });
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
  await rm(dataDir, { recursive: true, force: true });
});

async function token(email: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'token', email], { env: { ...process.env, LECTERN_DATA: dataDir } });
  return stdout.trim();
}

describe('npm start, as a newcomer uses it', () => {
  it('answers a request sent while it starts with 503 and Retry-After, never a hanging socket', async () => {
    const answer = await whileStarting;
    expect(answer?.status).toBe(503);
    expect(Number(answer?.retryAfter)).toBeGreaterThan(0);
    expect(answer?.body).toContain('lectern is starting');
  });

  it('shows the progress of the first-start demo encode', () => {
    expect(output).toMatch(/demo 1\/\d+ demo\/lesson-1 \[[#-]+\]\s+\d+\.\d%/);
    expect(output).toMatch(/published demo\/lesson-1/);
  });

  it('prints the URL, the demo logins and the Key-Pair-Id', () => {
    expect(output).toContain('student@example.com');
    expect(output).toContain('outsider@example.com');
    expect(output).toMatch(/Key-Pair-Id\s+K[A-Z2-7]{13}/);
  });

  it("lets student@example.com fetch demo media with the cookies it was issued, and nothing else", async () => {
    const session = await fetch(`${url}/auth/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('student@example.com')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ courseId: 'demo' }),
    });
    expect(session.status).toBe(200);
    const cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const master = await fetch(`${url}/courses/demo/lesson-1/master.m3u8`, { headers: { cookie } });
    expect(master.status).toBe(200);
    const variant = (await master.text()).split('\n').find((line) => line.endsWith('.m3u8'));
    expect(variant).toBeDefined();
    const variantUrl = new URL(variant as string, `${url}/courses/demo/lesson-1/master.m3u8`);
    const playlist = await fetch(variantUrl, { headers: { cookie } });
    expect(playlist.status).toBe(200);
    const segment = (await playlist.text()).split('\n').find((line) => line.endsWith('.m4s'));
    const media = await fetch(new URL(segment as string, variantUrl), { headers: { cookie } });
    expect(media.status).toBe(200);
    expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    expect((await fetch(`${url}/courses/second/lesson-1/master.m3u8`, { headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${url}/courses/demo/lesson-1/master.m3u8`)).status).toBe(403);
  });

  it('refuses outsider@example.com a session for the demo course', async () => {
    const session = await fetch(`${url}/auth/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('outsider@example.com')}` },
      body: JSON.stringify({ courseId: 'demo' }),
    });
    expect(session.status).toBe(409);
    expect(session.headers.getSetCookie()).toEqual([]);
  });

  it('refuses an unknown demo user at the token command with a clear message', async () => {
    await expect(token('nobody@example.com')).rejects.toThrow(/no demo user/);
  });
});
