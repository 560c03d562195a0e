import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NoSuchUpload,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopbackAgent } from '../../pipeline/aws/loopback-agent.ts';
import { readObjectMetadata, startS3StandIn, type ObjectCreatedRecord, type S3StandIn } from './index.ts';

const BUCKET = 'lectern-test-media';
const UPLOADS = 'lectern-test-uploads';
const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

let dir: string;
let folders: Record<string, string>;
let metadataRoot: string;
let s3: S3StandIn;
let client: S3Client;
const created: ObjectCreatedRecord[] = [];
const seen: { hostname: string; path: string }[] = [];

async function error(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (caught) {
    return caught as S3ServiceException;
  }
  throw new Error('expected the request to fail');
}

/** Every file under `root`, relative, sorted. */
async function filesUnder(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

/** A request sent as written: the path is not normalised (as `new URL` would normalise `%2e%2e`). */
function rawRequest(method: string, rawPath: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(s3.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lectern-s3-'));
  folders = { [BUCKET]: path.join(dir, 'media'), [UPLOADS]: path.join(dir, 'uploads') };
  for (const folder of Object.values(folders)) await mkdir(folder, { recursive: true });
  metadataRoot = path.join(dir, 's3-metadata');
  s3 = await startS3StandIn({ buckets: folders, metadataRoot, onObjectCreated: (record) => void created.push(record) });
  client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, credentials, maxAttempts: 1 });
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { hostname: string; path: string };
      seen.push({ hostname: req.hostname, path: req.path });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
});

afterAll(async () => {
  client.destroy();
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  created.length = 0;
  seen.length = 0;
});

describe('the S3 stand-in, through @aws-sdk/client-s3', () => {
  it('is sent path-style requests at its IP endpoint, and stores an object as a plain file with its headers in a sidecar', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'courses/c1/l1/master.m3u8', Body: '#EXTM3U\n', ContentType: 'application/vnd.apple.mpegurl', CacheControl: 'max-age=10', Metadata: { lesson: 'l1' } }));
    expect(seen[0]).toEqual({ hostname: '127.0.0.1', path: `/${BUCKET}/courses/c1/l1/master.m3u8` });
    expect(await readFile(path.join(folders[BUCKET] as string, 'courses/c1/l1/master.m3u8'), 'utf8')).toBe('#EXTM3U\n');

    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'courses/c1/l1/master.m3u8' }));
    expect(await got.Body?.transformToString()).toBe('#EXTM3U\n');
    expect(got).toMatchObject({ ContentType: 'application/vnd.apple.mpegurl', CacheControl: 'max-age=10', Metadata: { lesson: 'l1' }, ContentLength: 8 });
    const md5 = createHash('md5').update('#EXTM3U\n').digest('hex');
    expect(got.ETag).toBe(`"${md5}"`);
    expect(await readObjectMetadata(metadataRoot, BUCKET, 'courses/c1/l1/master.m3u8')).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'max-age=10', metadata: { lesson: 'l1' }, etag: md5, size: 8 });
    expect(existsSync(path.join(metadataRoot, BUCKET, 'courses/c1/l1/master.m3u8.json'))).toBe(true);
  });

  it('answers virtual-hosted requests at a host-name endpoint (resolved to loopback)', async () => {
    const virtual = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint.replace('127.0.0.1', 's3.lectern.localhost'),
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: loopbackAgent() }),
    });
    virtual.middlewareStack.add((next) => async (args) => {
      seen.push(args.request as { hostname: string; path: string });
      return next(args);
    }, { step: 'finalizeRequest' });
    await virtual.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'virtual/hello.txt', Body: 'hi' }));
    const got = await virtual.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'virtual/hello.txt' }));
    expect(await got.Body?.transformToString()).toBe('hi');
    expect(seen[0]).toMatchObject({ hostname: `${BUCKET}.s3.lectern.localhost`, path: '/virtual/hello.txt' });
    virtual.destroy();
  });

  it('decodes an aws-chunked stream body, checks its trailing CRC32 and gives the checksum back', async () => {
    const body = Readable.from([Buffer.from('first chunk, '), Buffer.from('second chunk')]);
    const put = await client.send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'uploads/c1/l1/lesson one.mp4', Body: body, ContentLength: 25, ContentType: 'video/mp4' }));
    expect(put.ChecksumCRC32).toBeDefined();
    expect(await readFile(path.join(folders[UPLOADS] as string, 'uploads/c1/l1/lesson one.mp4'), 'utf8')).toBe('first chunk, second chunk');
    const got = await client.send(new GetObjectCommand({ Bucket: UPLOADS, Key: 'uploads/c1/l1/lesson one.mp4', ChecksumMode: 'ENABLED' }));
    expect(await got.Body?.transformToString()).toBe('first chunk, second chunk');
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
  });

  it('refuses an aws-chunked body whose trailing checksum is wrong (BadDigest), writing nothing', async () => {
    const chunked = '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
    const answer = await rawRequest('PUT', `/${UPLOADS}/bad-digest.bin`, {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': '5',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'content-length': String(chunked.length),
    }, chunked);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>BadDigest</Code>');
    expect((await filesUnder(folders[UPLOADS] as string)).filter((f) => f.includes('bad-digest'))).toEqual([]);
  });

  it('serves byte ranges and answers 304 to a matching If-None-Match', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'range/segment.m4s', Body: '0123456789' }));
    const part = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range/segment.m4s', Range: 'bytes=2-5' }));
    expect(await part.Body?.transformToString()).toBe('2345');
    expect(part.ContentRange).toBe('bytes 2-5/10');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'range/segment.m4s' }));
    const notModified = await error(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range/segment.m4s', IfNoneMatch: head.ETag })));
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    const outOfRange = await error(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range/segment.m4s', Range: 'bytes=50-' })));
    expect(outOfRange.name).toBe('InvalidRange');
  });

  it("raises the SDK's typed NoSuchKey and NoSuchBucket, and NotFound for a HEAD", async () => {
    expect(await error(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.txt' })))).toBeInstanceOf(NoSuchKey);
    expect(await error(client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'a.txt' })))).toBeInstanceOf(NoSuchBucket);
    const head = await error(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing.txt' })));
    expect([head.name, head.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
  });

  it('refuses keys with .. segments or an absolute path (400 InvalidArgument) and writes nothing anywhere', async () => {
    const before = await filesUnder(dir);
    for (const Key of ['../escape.txt', 'courses/../../escape.txt', '/etc/escape.txt', 'a/./b.txt']) {
      const refused = await error(client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' })));
      expect([Key, refused.name, refused.$metadata.httpStatusCode]).toEqual([Key, 'InvalidArgument', 400]);
    }
    const encoded = await rawRequest('PUT', `/${BUCKET}/%2e%2e/escape.txt`, { authorization: 'AWS4-HMAC-SHA256 x', 'content-length': '1' }, 'x');
    expect(encoded.status).toBe(400);
    expect(await filesUnder(dir)).toEqual(before);
  });

  it('refuses an unsigned request with 403 AccessDenied', async () => {
    const answer = await rawRequest('GET', `/${BUCKET}/courses/c1/l1/master.m3u8`, {});
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(/<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
  });

  it('lists with prefix, delimiter, max-keys and continuation tokens', async () => {
    for (const key of ['list/a.txt', 'list/b/1.txt', 'list/b/2.txt', 'list/c.txt', 'list/d/1.txt', 'other.txt']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
    const top = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }));
    expect(top.Contents?.map((o) => o.Key)).toEqual(['list/a.txt', 'list/c.txt']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/b/', 'list/d/']);
    expect(top.KeyCount).toBe(4);

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/', MaxKeys: 3, ...(token ? { ContinuationToken: token } : {}) }));
      pages.push([...(page.Contents ?? []).map((o) => o.Key as string), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix as string)].sort());
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toEqual([['list/a.txt', 'list/b/', 'list/c.txt'], ['list/d/']]);

    const all = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/b/' }));
    expect(all.Contents?.map((o) => [o.Key, o.Size, o.ETag])).toEqual([
      ['list/b/1.txt', 12, `"${createHash('md5').update('list/b/1.txt').digest('hex')}"`],
      ['list/b/2.txt', 12, `"${createHash('md5').update('list/b/2.txt').digest('hex')}"`],
    ]);
  });

  it('deletes an object with its sidecar, and copies one (ObjectCreated:Copy) keeping its headers', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/source.vtt', Body: 'WEBVTT', ContentType: 'text/vtt' }));
    await client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/target.vtt', CopySource: `${BUCKET}/copy/source.vtt` }));
    expect((await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/target.vtt' }))).ContentType).toBe('text/vtt');
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'copy/source.vtt' }));
    expect(existsSync(path.join(folders[BUCKET] as string, 'copy/source.vtt'))).toBe(false);
    expect(await readObjectMetadata(metadataRoot, BUCKET, 'copy/source.vtt')).toBeUndefined();
    await s3.whenIdle();
    expect(created.map((r) => [r.eventName, r.key])).toEqual([['ObjectCreated:Put', 'copy/source.vtt'], ['ObjectCreated:Copy', 'copy/target.vtt']]);
  });

  it('describes a file written straight into the folder (no sidecar) from the file: type by extension, MD5 ETag', async () => {
    await mkdir(path.join(folders[BUCKET] as string, 'direct'), { recursive: true });
    await writeFile(path.join(folders[BUCKET] as string, 'direct/index.m3u8'), '#EXTM3U\n#EXT-X-ENDLIST\n');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'direct/index.m3u8' }));
    expect(head.ContentType).toBe('application/vnd.apple.mpegurl');
    expect(head.ETag).toBe(`"${createHash('md5').update('#EXTM3U\n#EXT-X-ENDLIST\n').digest('hex')}"`);
    // A sidecar no longer describes a file replaced behind the stand-in's back.
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'direct/poster.jpg', Body: 'old', ContentType: 'application/x-custom' }));
    await writeFile(path.join(folders[BUCKET] as string, 'direct/poster.jpg'), 'new bytes');
    const replaced = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'direct/poster.jpg' }));
    expect([replaced.ContentType, replaced.ContentLength]).toEqual(['image/jpeg', 9]);
  });

  it('never shows a half-written object: readers see the old bytes until the upload completes', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'atomic/video.mp4', Body: 'old' }));
    const slow = new PassThrough();
    const upload = client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'atomic/video.mp4', Body: slow, ContentLength: 6 }));
    slow.write('new');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readFile(path.join(folders[BUCKET] as string, 'atomic/video.mp4'), 'utf8')).toBe('old');
    const during = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'atomic/video.mp4' }));
    expect(await during.Body?.transformToString()).toBe('old');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'atomic/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['atomic/video.mp4']);
    slow.end('new');
    await upload;
    expect(await readFile(path.join(folders[BUCKET] as string, 'atomic/video.mp4'), 'utf8')).toBe('newnew');
  });

  describe('multipart upload', () => {
    const MiB = 1024 * 1024;
    const partOne = Buffer.alloc(5 * MiB, 1);
    const partTwo = Buffer.from('the last part may be small');

    it('joins the parts into one object with a multipart ETag and reports one ObjectCreated:CompleteMultipartUpload', async () => {
      const Key = 'uploads/c1/l2/big lesson.mp4';
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: UPLOADS, Key, ContentType: 'video/mp4' }));
      const one = await client.send(new UploadPartCommand({ Bucket: UPLOADS, Key, UploadId, PartNumber: 1, Body: partOne }));
      const two = await client.send(new UploadPartCommand({ Bucket: UPLOADS, Key, UploadId, PartNumber: 2, Body: partTwo }));
      // Nothing is visible before the upload completes.
      expect(existsSync(path.join(folders[UPLOADS] as string, Key))).toBe(false);
      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: UPLOADS, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] } }));

      const md5s = Buffer.concat([createHash('md5').update(partOne).digest(), createHash('md5').update(partTwo).digest()]);
      const etag = `${createHash('md5').update(md5s).digest('hex')}-2`;
      expect(done.ETag).toBe(`"${etag}"`);
      const file = await readFile(path.join(folders[UPLOADS] as string, Key));
      expect(file.equals(Buffer.concat([partOne, partTwo]))).toBe(true);
      const head = await client.send(new HeadObjectCommand({ Bucket: UPLOADS, Key }));
      expect([head.ContentType, head.ContentLength, head.ETag]).toEqual(['video/mp4', partOne.length + partTwo.length, `"${etag}"`]);

      await s3.whenIdle();
      expect(created).toEqual([expect.objectContaining({ bucket: UPLOADS, key: Key, size: partOne.length + partTwo.length, eTag: etag, eventName: 'ObjectCreated:CompleteMultipartUpload' })]);
      expect(await error(client.send(new AbortMultipartUploadCommand({ Bucket: UPLOADS, Key, UploadId })))).toBeInstanceOf(NoSuchUpload);
    });

    it('refuses a part under 5 MiB that is not the last (EntityTooSmall) and forgets an aborted upload', async () => {
      const Key = 'uploads/c1/l3/small.mp4';
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: UPLOADS, Key }));
      const one = await client.send(new UploadPartCommand({ Bucket: UPLOADS, Key, UploadId, PartNumber: 1, Body: partTwo }));
      const two = await client.send(new UploadPartCommand({ Bucket: UPLOADS, Key, UploadId, PartNumber: 2, Body: partTwo }));
      const tooSmall = await error(client.send(new CompleteMultipartUploadCommand({ Bucket: UPLOADS, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] } })));
      expect(tooSmall.name).toBe('EntityTooSmall');
      const wrongTag = await error(client.send(new CompleteMultipartUploadCommand({ Bucket: UPLOADS, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0000"' }] } })));
      expect(wrongTag.name).toBe('InvalidPart');
      await client.send(new AbortMultipartUploadCommand({ Bucket: UPLOADS, Key, UploadId }));
      expect(await error(client.send(new UploadPartCommand({ Bucket: UPLOADS, Key, UploadId, PartNumber: 3, Body: partTwo })))).toBeInstanceOf(NoSuchUpload);
      expect(existsSync(path.join(folders[UPLOADS] as string, Key))).toBe(false);
      await s3.whenIdle();
      expect(created).toEqual([]);
    });
  });
});
