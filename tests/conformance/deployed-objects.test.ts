/**
 * The player bucket holds exactly the objects the program uploads, and the distribution serves
 * them with the Content-Type and Cache-Control they were put with, as S3 returns them.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

let system: TestSystem & { cleanup(): Promise<void> };
beforeAll(async () => {
  system = await startTestSystem();
}, 60_000);
afterAll(() => system?.cleanup());

describe('the objects the program uploads', () => {
  it('are served with the headers the program put them with', async () => {
    const objects = system.stack.objects.filter((o) => o.bucket === system.buckets.player);
    const config = objects.find((o) => o.key === 'player/config.json')!;
    const page = await system.fetch('/player/config.json');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe(config.cacheControl);
    expect(page.headers.get('content-type')).toBe(config.contentType);
    expect(await page.json()).toMatchObject({ clientId: system.idp.clientId, progressUrl: '/api/progress' });
    const script = objects.find((o) => o.key.endsWith('.js'))!;
    const answer = await system.fetch(`/${script.key}`);
    expect(answer.headers.get('cache-control')).toBe(script.cacheControl);
    expect(script.cacheControl).not.toBe(config.cacheControl);
  });

  it('are all the player bucket holds, and a key nobody put is a 404 (the bucket policy lets CloudFront list)', async () => {
    const declared = system.stack.objects.filter((o) => o.bucket === system.buckets.player).map((o) => o.key).sort();
    const held = (await readdir(system.playerRoot, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => relative(system.playerRoot, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort();
    expect(held).toEqual(declared);
    expect((await system.fetch('/player/not-declared.js')).status).toBe(404);
  });
});
