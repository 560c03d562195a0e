import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, idpKeyPair } from '../cookie-issuer/test-kit.ts';
import { buildProgressApi, PROGRESS_API_BUDGET_BYTES, writeProgressApiConfig } from './build.ts';
import { progressEvent } from './fixtures.ts';
import { rawTestConfig, startTestTables, type TestTables } from './test-kit.ts';

/** The built artifact, not the sources: what `pulumi up` deploys is what is tested here. */
let dir: string;
let tables: TestTables;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-progress-bundle-'));
  tables = await startTestTables();
});
afterAll(async () => {
  await tables?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built progress-API bundle', () => {
  it('stays within its compressed size budget, far under the 1 MB Lambda@Edge limit', async () => {
    const result = await buildProgressApi(join(dir, 'sized'));
    expect(result.file).toBe(join(dir, 'sized', 'index.mjs'));
    expect(result.compressedBytes).toBeLessThan(PROGRESS_API_BUDGET_BYTES);
    expect(PROGRESS_API_BUDGET_BYTES).toBeLessThan(1024 * 1024);
  });

  it('loads its config.json, reaches DynamoDB and answers a CloudFront event', async () => {
    const bundleDir = join(dir, 'ok');
    await buildProgressApi(bundleDir);
    const idp = await idpKeyPair();
    await writeProgressApiConfig(bundleDir, rawTestConfig(tables, idp.publicJwk));
    await tables.enroll('user-1', 'demo');
    await tables.publish('demo', 'lesson-1', 120);

    const { handler } = await import(pathToFileURL(join(bundleDir, 'index.mjs')).href);
    const token = await accessToken(idp.privateKey, {}, { now: Math.floor(Date.now() / 1000) });
    const saved = await handler(progressEvent({ method: 'PUT', token, body: { position: 0, completed: true } }));
    expect(saved.status).toBe('200');
    expect(JSON.parse(saved.body)).toMatchObject({ courseId: 'demo', lessonId: 'lesson-1', position: 0, duration: 120, completed: false });
    const missing = await handler(progressEvent({ method: 'GET', uri: '/api/progress/demo/lesson-9', token }));
    expect(missing.status).toBe('404');
  });

  it('fails at load, not on a request, when its config is invalid', async () => {
    const bundleDir = join(dir, 'bad');
    await buildProgressApi(bundleDir);
    await writeFile(join(bundleDir, 'config.json'), JSON.stringify({ issuer: 'nope' }));
    await expect(import(pathToFileURL(join(bundleDir, 'index.mjs')).href)).rejects.toThrow(/issuer/);
  });
});
