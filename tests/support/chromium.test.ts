import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveChromium } from './chromium.ts';

describe('finding a browser for the browser tests', () => {
  const saved = { ...process.env };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-chromium-'));
    await writeFile(join(dir, 'chromium'), '#!/bin/sh\n');
    await chmod(join(dir, 'chromium'), 0o755);
    return () => rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("prefers the system's chromium on PATH", async () => {
    delete process.env['CHROMIUM_PATH'];
    delete process.env['LECTERN_TOOLS'];
    process.env['PATH'] = dir;
    expect(await resolveChromium({ fresh: true })).toEqual({ path: join(dir, 'chromium'), source: 'system' });
  });

  it('uses the chromium npm installed under LECTERN_TOOLS=bundled, and it exists', async () => {
    delete process.env['CHROMIUM_PATH'];
    process.env['LECTERN_TOOLS'] = 'bundled';
    process.env['PATH'] = dir;
    const found = await resolveChromium({ fresh: true });
    expect(found.source).toBe('npm');
    expect(found.path.startsWith(dir)).toBe(false);
  }, 60_000);

  it('says how to fix a CHROMIUM_PATH that points nowhere', async () => {
    process.env['CHROMIUM_PATH'] = join(dir, 'missing');
    await expect(resolveChromium({ fresh: true })).rejects.toThrow(/CHROMIUM_PATH=.*missing does not exist/);
  });
});
