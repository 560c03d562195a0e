import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../tables/client.ts';
import { enroll } from '../../tables/enrollments.ts';
import { ensureTables } from '../../tables/ensure-tables.ts';
import { startDynalite, type LocalDynamo } from '../../emulator/dynamodb/dynalite.ts';
import { buildCookieIssuer, COOKIE_ISSUER_BUDGET_BYTES, writeIssuerConfig } from './build.ts';
import { bundleLambda, checkBundleBudget, LAMBDA_EDGE_VIEWER_MAX_COMPRESSED_BYTES } from '../bundle-lambda.ts';
import { sessionEvent } from './fixtures.ts';
import { accessToken, CLIENT_ID, cloudFrontKeyPair, idpKeyPair, ISSUER } from './test-kit.ts';

/** The built artifact, not the sources: what `pulumi up` deploys is what is tested here. */
let dir: string;
let dynamo: LocalDynamo;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-bundle-'));
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built cookie-issuer bundle', () => {
  it('is gated by its compressed size budget: the gate refuses one byte over, the build reports what it wrote', async () => {
    const result = await buildCookieIssuer(join(dir, 'sized'));
    const code = await readFile(result.file);
    // Measured independently of the build's own number.
    expect(result.compressedBytes).toBe(deflateRawSync(code, { level: 9 }).length);
    expect(COOKIE_ISSUER_BUDGET_BYTES).toBeLessThan(LAMBDA_EDGE_VIEWER_MAX_COMPRESSED_BYTES);
    // The same bundle against a budget one byte under its size: the gate must refuse it.
    expect(checkBundleBudget(code, result.compressedBytes, 'cookie issuer')).toBe(result.compressedBytes);
    expect(() => checkBundleBudget(code, result.compressedBytes - 1, 'cookie issuer')).toThrow(
      `cookie issuer bundle is ${result.compressedBytes} bytes compressed, over its ${result.compressedBytes - 1}-byte budget`,
    );
    // And the build runs that gate: an over-budget build fails instead of writing a result.
    await expect(
      bundleLambda({ entry: join(import.meta.dirname, 'index.ts'), outFile: join(dir, 'over', 'index.mjs'), budgetBytes: result.compressedBytes - 1, label: 'cookie issuer' }),
    ).rejects.toThrow(/over its \d+-byte budget/);
  });

  it('loads its config.json, reaches DynamoDB and issues cookies for a CloudFront event', async () => {
    const bundleDir = join(dir, 'ok');
    await buildCookieIssuer(bundleDir);
    const idp = await idpKeyPair();
    const cf = cloudFrontKeyPair();
    await writeFile(join(dir, 'cf.pem'), cf.privateKeyPem);
    await writeIssuerConfig(bundleDir, {
      issuer: ISSUER,
      clientIds: [CLIENT_ID],
      jwks: { keys: [idp.publicJwk] },
      jwksUri: 'http://127.0.0.1:9/jwks.json',
      enrollments: { region: 'us-east-1', tableName: 'lectern-enrollments', endpoint: dynamo.endpoint },
      signing: { keyPairId: 'KBUNDLETEST0001', key: { source: 'pem-file', path: join(dir, 'cf.pem') } },
    });
    const client = dynamoClient({ region: 'us-east-1', endpoint: dynamo.endpoint });
    await ensureTables(client, 'lectern-');
    await enroll(client, 'lectern-', { userId: 'user-1', courseId: 'demo' });
    client.destroy();

    const { handler } = await import(pathToFileURL(join(bundleDir, 'index.mjs')).href);
    const now = Math.floor(Date.now() / 1000);
    const ok = await handler(sessionEvent({ token: await accessToken(idp.privateKey, {}, { now }) }));
    expect(ok.status).toBe('200');
    expect(ok.headers['set-cookie']).toHaveLength(3);
    const refused = await handler(sessionEvent({ token: await accessToken(idp.privateKey, { sub: 'user-2' }, { now }) }));
    expect(refused.status).toBe('409');
  });

  it('fails at load, not on a request, when its config is invalid', async () => {
    const bundleDir = join(dir, 'bad');
    await buildCookieIssuer(bundleDir);
    await writeFile(join(bundleDir, 'config.json'), JSON.stringify({ issuer: 'nope' }));
    await expect(import(pathToFileURL(join(bundleDir, 'index.mjs')).href)).rejects.toThrow(/issuer/);
  });
});
