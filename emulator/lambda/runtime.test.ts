/**
 * The Lambda stand-in runs a deployment package in its own sandbox (a worker with its own
 * process.env) and answers the Invoke API the real LambdaClient calls.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLambdaFunction, type LambdaFunctionRuntime } from './runtime.ts';
import { startLambdaService, type LambdaService } from './invoke-api.ts';

let dir: string;
let fn: LambdaFunctionRuntime;
let slow: LambdaFunctionRuntime;
let service: LambdaService;
let client: LambdaClient;
const calls: unknown[] = [];

const CODE = `
import { readFileSync } from 'node:fs';
const config = JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8'));
let attempts = 0;
export const handler = async (event) => {
  if (event.fail) throw new TypeError('asked to fail');
  if (event.flaky && ++attempts < 3) throw new Error('not yet');
  if (event.wait) await new Promise((r) => setTimeout(r, event.wait));
  return { config, region: process.env.AWS_REGION, name: process.env.AWS_LAMBDA_FUNCTION_NAME, endpoint: process.env.AWS_ENDPOINT_URL_S3, attempts, event };
};
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-lambda-'));
  await writeFile(join(dir, 'index.mjs'), CODE);
  await writeFile(join(dir, 'config.json'), '{"table":"t"}');
  const spec = { functionName: 'echo', version: '3', codeDir: dir, handler: 'index.handler', region: 'us-east-1', memoryMb: 128, timeoutSeconds: 2, environment: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' } };
  fn = await startLambdaFunction(spec);
  slow = await startLambdaFunction({ ...spec, functionName: 'slow', timeoutSeconds: 0.2 });
  service = await startLambdaService({ functions: [fn, slow], account: '123456789012', retryDelaysMs: [10, 10], log: (line) => calls.push(line) });
  client = new LambdaClient({ region: 'us-east-1', endpoint: service.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
});
afterAll(async () => {
  client.destroy();
  await service.close();
  await fn.close();
  await slow.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a function in its sandbox', () => {
  it('loads its package with its baked config, and sees the variables its sandbox was given, not this process\'s', async () => {
    const result = (await fn.invoke({ hello: 1 })) as Record<string, unknown>;
    expect(result).toMatchObject({ config: { table: 't' }, region: 'us-east-1', name: 'echo', endpoint: 'http://127.0.0.1:1', event: { hello: 1 } });
    expect(process.env['AWS_LAMBDA_FUNCTION_NAME']).toBeUndefined();
  });

  it('sends fetches for a routed HTTPS origin to the stand-in that answers for it', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => res.end(`stand-in saw ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const standIn = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    await writeFile(join(dir, 'net.mjs'), 'export const handler = async (event) => (await fetch(event.url)).text();');
    const net = await startLambdaFunction({
      functionName: 'net', version: '1', codeDir: dir, handler: 'net.handler', region: 'us-east-1', memoryMb: 128, timeoutSeconds: 2, environment: {},
      routes: { 'https://cognito-idp.us-east-1.amazonaws.com': standIn },
    });
    try {
      expect(await net.invoke({ url: 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json?x=1' })).toBe('stand-in saw /pool/.well-known/jwks.json?x=1');
    } finally {
      await net.close();
      server.close();
    }
  });

  it('reports a thrown error with its type, and a run past the timeout as Lambda does', async () => {
    await expect(fn.invoke({ fail: true })).rejects.toMatchObject({ errorType: 'TypeError', message: 'asked to fail' });
    await expect(slow.invoke({ wait: 1000 })).rejects.toMatchObject({ errorType: 'Sandbox.Timedout', timedOut: true });
  });
});

describe('the Invoke API', () => {
  it('answers a RequestResponse invoke with the result, by name or by ARN with a version', async () => {
    const byName = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"a":1}') }));
    expect(byName.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(byName.Payload!).toString()).event).toEqual({ a: 1 });
    const byArn = await client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:echo:3' }));
    expect(byArn.ExecutedVersion).toBe('3');
  });

  it('answers a function error as a 200 with FunctionError, and an unknown function as ResourceNotFoundException', async () => {
    const failed = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"fail":true}') }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload!).toString())).toMatchObject({ errorType: 'TypeError', errorMessage: 'asked to fail' });
    await expect(client.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo:7' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('accepts an Event invoke with 202 at once and retries a failing run twice', async () => {
    const accepted = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{"flaky":true}') }));
    expect(accepted.StatusCode).toBe(202);
    await service.whenIdle();
    expect(calls.filter((l) => String(l).includes('retrying'))).toHaveLength(2);
    const after = (await fn.invoke({})) as { attempts: number };
    expect(after.attempts).toBe(3);
  });
});
