import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LecternError } from '../errors.ts';
import { pemFileKeySource, secretsManagerKeySource } from './key-source.ts';
import { cloudFrontKeyPair } from './test-kit.ts';

const { privateKeyPem } = cloudFrontKeyPair();
let dir: string;
let server: Server;
let answer: 'pem' | 'not-a-key' | 'hang' | 'error' = 'pem';
let calls = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-keys-'));
  // A stand-in for the Secrets Manager JSON API on loopback: the SDK client is real.
  server = createServer((req, res) => {
    calls++;
    if (answer === 'hang') return;
    if (answer === 'error') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
    }
    expect(req.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ ARN: 'arn', Name: 'lectern/key', SecretString: answer === 'pem' ? privateKeyPem : 'hello' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

function secrets(timeoutMs = 500) {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return secretsManagerKeySource({ secretId: 'lectern/key', region: 'us-east-1', timeoutMs, client });
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof LecternError ? e.code : String(e)));

describe('the signing key source', () => {
  it('reads a PEM file once and keeps it', async () => {
    const file = join(dir, 'key.pem');
    await writeFile(file, privateKeyPem);
    const source = pemFileKeySource(file);
    expect(await source.privateKeyPem()).toBe(privateKeyPem);
    await rm(file);
    expect(await source.privateKeyPem()).toBe(privateKeyPem);
  });

  it('reports a missing or wrong file as unavailable, and tries again on the next request', async () => {
    const file = join(dir, 'later.pem');
    const source = pemFileKeySource(file);
    expect(await codeOf(source.privateKeyPem())).toBe('ERR_SIGNING_KEY_UNAVAILABLE');
    await writeFile(file, 'not a key');
    expect(await codeOf(source.privateKeyPem())).toBe('ERR_SIGNING_KEY_UNAVAILABLE');
    await writeFile(file, privateKeyPem);
    expect(await source.privateKeyPem()).toBe(privateKeyPem);
  });

  it('fetches the key from Secrets Manager once', async () => {
    answer = 'pem';
    calls = 0;
    const source = secrets();
    expect(await source.privateKeyPem()).toBe(privateKeyPem);
    expect(await source.privateKeyPem()).toBe(privateKeyPem);
    expect(calls).toBe(1);
  });

  it('reports Secrets Manager errors, wrong contents and hangs as unavailable, within its timeout', async () => {
    answer = 'error';
    expect(await codeOf(secrets().privateKeyPem())).toBe('ERR_SIGNING_KEY_UNAVAILABLE');
    answer = 'not-a-key';
    expect(await codeOf(secrets().privateKeyPem())).toBe('ERR_SIGNING_KEY_UNAVAILABLE');
    answer = 'hang';
    const started = Date.now();
    expect(await codeOf(secrets(300).privateKeyPem())).toBe('ERR_SIGNING_KEY_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
