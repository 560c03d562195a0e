/**
 * The emulated distribution's answers where edge code fails or refuses, checked against what
 * CloudFront documents: function errors are CloudFront's 502/503 (never the emulator's own 500),
 * and custom error responses apply to responses edge code generates too (edge/error-responses.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudFrontFunction } from './function-sandbox.ts';
import { run, stackConfig, testArtifacts } from '../../infra/testing/fixtures.ts';
import { readDeployedDistribution, type DeployedDistribution } from './deployed-distribution.ts';
import { createDistributionHandler, parseCookies } from './server.ts';

let dir: string;
const servers: Server[] = [];
let deployed: DeployedDistribution;
let keyId: string;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const EMBEDDER = 'https://school.example';

beforeAll(async () => {
  // The distribution the program deploys, with this file's key as the trusted one.
  const program = await run(stackConfig({ trustedPublicKeys: [keys.publicKey], corsAllowedOrigins: [EMBEDDER] }, keys.privateKey));
  deployed = readDeployedDistribution(program);
  keyId = program.outputs['activeKeyPairId'] as string;
  dir = await mkdtemp(join(tmpdir(), 'lectern-server-'));
  await mkdir(join(dir, 'player', 'errors'), { recursive: true });
  await mkdir(join(dir, 'media'), { recursive: true });
  await writeFile(join(dir, 'player', 'errors', '403.html'), '<!doctype html><title>403</title>the error page');
  await writeFile(join(dir, 'player', 'index.html'), '<!doctype html><title>watch</title>');
  await mkdir(join(dir, 'media', 'courses', 'demo', 'lesson-1'), { recursive: true });
  await writeFile(join(dir, 'media', 'courses', 'demo', 'lesson-1', 'master.m3u8'), '#EXTM3U\n');
});
afterAll(async () => {
  await (await testArtifacts()).cleanup();
  for (const s of servers) await new Promise((r) => s.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function distribution(functionBody: string, issuer: () => Promise<unknown>): Promise<string> {
  const fn = loadCloudFrontFunction(`async function handler(event) { var request = event.request; ${functionBody} }`, { timeoutMs: 100 });
  const origin = (b: { originBucket: string | undefined; originId: string }) => [b.originBucket as string, join(dir, b.originId)] as const;
  const folders = new Map(deployed.behaviors.map(origin));
  const handler = createDistributionHandler({
    distribution: deployed,
    bucketRoot: (bucket) => folders.get(bucket),
    // Every function the deployed behaviors name runs this test's code.
    cloudFrontFunctions: new Map(deployed.behaviors.flatMap((b) => (b.viewerRequest?.kind === 'cloudfront-function' ? [[b.viewerRequest.arn, fn] as const] : []))),
    lambdaEdge: new Map(deployed.behaviors.flatMap((b) => (b.viewerRequest?.kind === 'lambda-edge' ? [[b.viewerRequest.arn, issuer] as const] : []))),
    scheme: 'http',
  });
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the local distribution, where edge code fails or refuses', () => {
  it('answers a CloudFront Function that throws with 503, and one that returns garbage with 502', async () => {
    const throwing = await distribution("throw new Error('boom');", async () => ({ status: '200' }));
    expect((await fetch(`${throwing}/watch/demo/lesson-1`)).status).toBe(503);
    const garbage = await distribution("return { statusCode: 'abc' };", async () => ({ status: '200' }));
    expect((await fetch(`${garbage}/watch/demo/lesson-1`)).status).toBe(502);
  });

  it("replaces a 403 that the Lambda@Edge issuer generates with the custom error page, as CloudFront may", async () => {
    const url = await distribution('return request;', async () => ({
      status: '403',
      headers: { 'content-type': [{ key: 'Content-Type', value: 'application/json' }] },
      body: '{"error":{"code":"ERR_X"}}',
    }));
    const response = await fetch(`${url}/auth/session`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('the error page');
  });

  it('leaves an issuer error whose status has no custom error response as it is', async () => {
    const url = await distribution('return request;', async () => ({ status: '409', body: '{"error":{"code":"ERR_NOT_ENROLLED"}}' }));
    const response = await fetch(`${url}/auth/session`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'ERR_NOT_ENROLLED' } });
  });

  it('refuses a CORS preflight under /courses/* (browsers send it without cookies); a signed URL gets the policy\'s preflight headers', async () => {
    const url = await distribution('return request;', async () => ({ status: '200' }));
    const preflight = { origin: EMBEDDER, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' };
    const master = `${url}/courses/demo/lesson-1/master.m3u8`;
    expect((await fetch(master, { method: 'OPTIONS', headers: preflight })).status).toBe(403);
    const signed = getSignedUrl({ url: master, keyPairId: keyId, privateKey: keys.privateKey, dateLessThan: new Date(Date.now() + 600_000).toISOString() });
    const answered = await fetch(signed, { method: 'OPTIONS', headers: preflight });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('access-control-allow-origin')).toBe(EMBEDDER);
    expect(answered.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(answered.headers.get('access-control-allow-headers')).toBe('Range, Content-Type');
    expect(answered.headers.get('access-control-max-age')).toBe('600');
    const plain = await fetch(signed, { headers: { origin: EMBEDDER } });
    expect(plain.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('the cookies the key-group check reads', () => {
  it('reads cookies named like Object.prototype members as any other, the first of a name winning', () => {
    expect(Object.entries(parseCookies('constructor=a; __proto__=b; toString=c; constructor=d'))).toEqual([['constructor', 'a'], ['__proto__', 'b'], ['toString', 'c']]);
  });
});

describe('the Host a request names', () => {
  function get(base: string, path: string, host: string, cookie?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const { port } = new URL(base);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, origin: EMBEDDER, ...(cookie ? { cookie } : {}) } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it("refuses a Host that is none of the distribution's names (a DNS-rebinding page) with CloudFront's bare 403", async () => {
    const url = await distribution('return request;', async () => ({ status: '200' }));
    const { port } = new URL(url);
    for (const host of [`evil.example:${port}`, 'localhost:1', `localhost.:${port}`, 'localhost']) {
      const answer = await get(url, '/watch/demo/lesson-1', host);
      expect(answer.status, host).toBe(403);
      expect(answer.body, host).toContain('The request could not be satisfied');
      // No distribution was chosen: neither its error page nor its headers policy applies.
      expect(answer.body, host).not.toContain('the error page');
      expect(answer.headers['access-control-allow-origin'], host).toBeUndefined();
    }
  });

  it('answers its own loopback names, in any case', async () => {
    const url = await distribution('return request;', async () => ({ status: '200' }));
    const { port } = new URL(url);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LocalHost:${port}`]) {
      expect((await get(url, '/index.html', host)).status, host).toBe(200);
    }
  });
});
