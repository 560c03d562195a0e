import '@aws-sdk/signature-v4a';
import {
  CloudFrontKeyValueStoreClient,
  ConflictException,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateKeysCommand,
  ValidationException,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvsFromFile } from '../cloudfront/kvs-file.ts';
import { loopbackAgent } from '../../pipeline/aws/loopback-agent.ts';
import { startKeyValueStoreStandIn, type KeyValueStoreStandIn } from './index.ts';

const KvsARN = 'arn:aws:cloudfront::111122223333:key-value-store/3f2a9c1e-0000-4000-8000-0123456789ab';
let dir: string;
let file: string;
let stand: KeyValueStoreStandIn;
let kvs: CloudFrontKeyValueStoreClient;
const hosts: string[] = [];

async function etag(): Promise<string> {
  return (await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN }))).ETag as string;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lectern-kvs-'));
  file = path.join(dir, 'kvs', 'next-lesson.json');
  stand = await startKeyValueStoreStandIn({ stores: [{ arn: KvsARN, file }] });
  // The SDK sends to `111122223333.kvs.localhost`: the loopback agent resolves it to 127.0.0.1.
  kvs = new CloudFrontKeyValueStoreClient({
    region: 'us-east-1',
    endpoint: stand.endpoint.replace('127.0.0.1', 'kvs.localhost'),
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { httpAgent: loopbackAgent() },
  });
  kvs.middlewareStack.add((next) => async (args) => {
    hosts.push((args.request as { hostname: string }).hostname);
    return next(args);
  }, { step: 'finalizeRequest' });
});

afterAll(async () => {
  kvs.destroy();
  await stand.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the KeyValueStore stand-in, through @aws-sdk/client-cloudfront-keyvaluestore', () => {
  it('creates an empty store file in the KVS import format and describes it with an ETag', async () => {
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ data: [] });
    const described = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN }));
    expect(described).toMatchObject({ KvsARN, ItemCount: 0, TotalSizeInBytes: 0, Status: 'READY' });
    expect(described.ETag).toMatch(/^KV[A-Z2-7]{13}$/);
    expect(described.Created).toBeInstanceOf(Date);
    expect(hosts[0]).toBe('111122223333.kvs.localhost');
  });

  it("writes keys to the file the CloudFront Function reads, seen on the function's next lookup", async () => {
    const lookup = kvsFromFile(file);
    expect(await lookup('course-1/lesson-1')).toBeUndefined();
    const put = await kvs.send(new PutKeyCommand({ KvsARN, Key: 'course-1/lesson-1', Value: 'lesson-2', IfMatch: await etag() }));
    expect(put).toMatchObject({ ItemCount: 1, TotalSizeInBytes: 'course-1/lesson-1'.length + 'lesson-2'.length });
    expect(await lookup('course-1/lesson-1')).toBe('lesson-2');
    await kvs.send(new UpdateKeysCommand({ KvsARN, IfMatch: put.ETag, Puts: [{ Key: 'course-1/lesson-1', Value: 'lesson-3' }] }));
    expect(await lookup('course-1/lesson-1')).toBe('lesson-3');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ data: [{ key: 'course-1/lesson-1', value: 'lesson-3' }] });
  });

  it('refuses a change against a stale ETag with ConflictException and changes nothing', async () => {
    const stale = await etag();
    await kvs.send(new PutKeyCommand({ KvsARN, Key: 'course-1/lesson-9', Value: 'x', IfMatch: stale }));
    const before = await readFile(file, 'utf8');
    await expect(kvs.send(new UpdateKeysCommand({ KvsARN, IfMatch: stale, Puts: [{ Key: 'course-1/lesson-9', Value: 'y' }] }))).rejects.toBeInstanceOf(ConflictException);
    await expect(kvs.send(new PutKeyCommand({ KvsARN, Key: 'k', Value: 'v', IfMatch: stale }))).rejects.toBeInstanceOf(ConflictException);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('gets and deletes keys, and raises ResourceNotFoundException for a missing key or store', async () => {
    expect(await kvs.send(new GetKeyCommand({ KvsARN, Key: 'course-1/lesson-9' }))).toMatchObject({ Key: 'course-1/lesson-9', Value: 'x', ItemCount: 2 });
    const deleted = await kvs.send(new DeleteKeyCommand({ KvsARN, Key: 'course-1/lesson-9', IfMatch: await etag() }));
    expect(deleted.ItemCount).toBe(1);
    await expect(kvs.send(new GetKeyCommand({ KvsARN, Key: 'course-1/lesson-9' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: KvsARN.replace('3f2a', '0000') }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('pages ListKeys as the completion handler reads it, in pages of at most 50', async () => {
    const Puts = Array.from({ length: 12 }, (_, i) => ({ Key: `course-2/lesson-${String(i).padStart(2, '0')}`, Value: `v${i}` }));
    await kvs.send(new UpdateKeysCommand({ KvsARN, IfMatch: await etag(), Puts, Deletes: [{ Key: 'course-1/lesson-1' }] }));
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await kvs.send(new ListKeysCommand({ KvsARN, MaxResults: 5, ...(token ? { NextToken: token } : {}) }));
      keys.push(...(page.Items ?? []).map((i) => i.Key as string));
      token = page.NextToken;
      pages++;
    } while (token);
    expect([pages, keys]).toEqual([3, Puts.map((p) => p.Key)]);
    expect((await kvs.send(new ListKeysCommand({ KvsARN }))).Items).toHaveLength(10);
    await expect(kvs.send(new ListKeysCommand({ KvsARN, MaxResults: 51 }))).rejects.toBeInstanceOf(ValidationException);
  });

  it('enforces the documented quotas: 512-byte keys, 1 KB values, 5 MB per store', async () => {
    await expect(kvs.send(new PutKeyCommand({ KvsARN, Key: 'k'.repeat(513), Value: 'v', IfMatch: await etag() }))).rejects.toBeInstanceOf(ValidationException);
    await expect(kvs.send(new PutKeyCommand({ KvsARN, Key: 'k', Value: 'v'.repeat(1025), IfMatch: await etag() }))).rejects.toBeInstanceOf(ValidationException);
    const Puts = Array.from({ length: 3500 }, (_, i) => ({ Key: `big/${String(i).padStart(500, '0')}`, Value: 'v'.repeat(1024) }));
    const before = await readFile(file, 'utf8');
    await expect(kvs.send(new UpdateKeysCommand({ KvsARN, IfMatch: await etag(), Puts }))).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('gives a file edited by hand a new ETag', async () => {
    const before = await etag();
    await writeFile(file, JSON.stringify({ data: [{ key: 'edited', value: 'by hand' }] }));
    const after = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN }));
    expect(after.ETag).not.toBe(before);
    expect(after.ItemCount).toBe(1);
  });

  it('refuses an unsigned request with 403', async () => {
    const answer = await fetch(`${stand.endpoint}/key-value-stores/${encodeURIComponent(KvsARN)}`);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});
