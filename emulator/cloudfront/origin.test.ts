import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor } from '../../edge/media-types.ts';
import { isMappableKey, objectKeyFromPath, parseRange, readObject, readObjectAtPath, type OriginResponse } from './origin.ts';

const base = mkdtempSync(path.join(tmpdir(), 'lectern-origin-'));
const root = path.join(base, 'media');
const outside = path.join(base, 'outside');
const SECRET = 'TOP SECRET: outside the bucket folder';
const PLAYLIST = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n720p/index.m3u8\n';
const SEGMENT = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const MTIME = new Date('2030-01-01T12:00:00Z');

beforeAll(() => {
  mkdirSync(path.join(root, 'courses/123/l1/720p'), { recursive: true });
  mkdirSync(path.join(root, 'courses/123/l1/%2e'), { recursive: true });
  mkdirSync(path.join(root, 'player'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(root, 'courses/123/l1/master.m3u8'), PLAYLIST);
  writeFileSync(path.join(root, 'courses/123/l1/720p/seg-00001.m4s'), SEGMENT);
  writeFileSync(path.join(root, 'courses/123/l1/empty.vtt'), '');
  writeFileSync(path.join(root, 'courses/123/l1/%2e/literal.m4s'), 'decoded once');
  writeFileSync(path.join(root, 'courses/123/l1/..hidden.m4s'), 'dots inside a name are fine');
  for (const name of ['index.html', 'app.js', 'style.css', 'manifest.json', 'logo.svg', 'favicon.ico', 'blob.bin']) {
    writeFileSync(path.join(root, 'player', name), name);
  }
  writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
  utimesSync(path.join(root, 'courses/123/l1/master.m3u8'), MTIME, MTIME);
  // Symlinks: one escaping to a file outside, one to a directory outside, one staying inside.
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'courses/123/l1/escape.m3u8'));
  symlinkSync('../../../outside', path.join(root, 'courses/123/l1-outside'));
  symlinkSync('master.m3u8', path.join(root, 'courses/123/l1/alias.m3u8'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

async function bodyText(response: OriginResponse): Promise<string> {
  if (Buffer.isBuffer(response.body)) return response.body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function bodyBytes(response: OriginResponse): Promise<Buffer> {
  if (Buffer.isBuffer(response.body)) return response.body;
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const md5 = (data: string | Buffer) => `"${createHash('md5').update(data).digest('hex')}"`;

describe('readObject serves objects like S3', () => {
  it('answers 200 with the body, a quoted MD5 ETag, Last-Modified, Accept-Ranges and the media type', async () => {
    const response = await readObject(root, 'courses/123/l1/master.m3u8', { method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.body).toBeInstanceOf(Readable);
    expect(await bodyText(response)).toBe(PLAYLIST);
    expect(response.headers).toMatchObject({
      etag: md5(PLAYLIST),
      'last-modified': MTIME.toUTCString(),
      'accept-ranges': 'bytes',
      'content-type': 'application/vnd.apple.mpegurl',
      'content-length': String(Buffer.byteLength(PLAYLIST)),
    });
  });

  it('answers HEAD with the same headers and no body', async () => {
    const get = await readObject(root, 'courses/123/l1/master.m3u8', { method: 'GET' });
    await bodyText(get);
    const head = await readObject(root, 'courses/123/l1/master.m3u8', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers).toEqual(get.headers);
    expect(Buffer.isBuffer(head.body) && head.body.length).toBe(0);
  });

  it('serves an empty object', async () => {
    const response = await readObject(root, 'courses/123/l1/empty.vtt', { method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'content-length': '0', etag: md5(''), 'content-type': 'text/vtt; charset=utf-8' });
    expect(await bodyText(response)).toBe('');
  });

  it('recomputes the ETag when the content changes', async () => {
    const file = path.join(root, 'courses/123/l1/changing.m4s');
    writeFileSync(file, 'one');
    utimesSync(file, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    expect((await readObject(root, 'courses/123/l1/changing.m4s', { method: 'HEAD' })).headers['etag']).toBe(md5('one'));
    writeFileSync(file, 'two!');
    utimesSync(file, new Date('2030-01-01T00:00:05Z'), new Date('2030-01-01T00:00:05Z'));
    expect((await readObject(root, 'courses/123/l1/changing.m4s', { method: 'HEAD' })).headers['etag']).toBe(md5('two!'));
  });

  it('answers 404 NoSuchKey for a missing object and for a "directory"', async () => {
    for (const key of ['courses/123/l1/missing.m3u8', 'courses/123/l1', 'courses/123/l1/720p']) {
      const response = await readObject(root, key, { method: 'GET' });
      expect(response.status, key).toBe(404);
      expect(await bodyText(response)).toContain('<Code>NoSuchKey</Code>');
    }
  });

  it('follows a symlink that stays inside the bucket folder', async () => {
    const response = await readObject(root, 'courses/123/l1/alias.m3u8', { method: 'GET' });
    expect(response.status).toBe(200);
    expect(await bodyText(response)).toBe(PLAYLIST);
  });
});

describe('content types', () => {
  it.each([
    ['a/master.m3u8', 'application/vnd.apple.mpegurl'],
    ['a/seg.m4s', 'video/iso.segment'],
    ['a/init.mp4', 'video/mp4'],
    ['a/poster.JPG', 'image/jpeg'],
    ['a/thumbs.webp', 'image/webp'],
    ['a/captions.vtt', 'text/vtt; charset=utf-8'],
    ['player/index.html', 'text/html; charset=utf-8'],
    ['player/app.js', 'text/javascript; charset=utf-8'],
    ['player/style.css', 'text/css; charset=utf-8'],
    ['player/manifest.json', 'application/json'],
    ['player/logo.svg', 'image/svg+xml'],
    ['player/favicon.ico', 'image/x-icon'],
    ['player/blob.bin', 'application/octet-stream'],
    ['player/README', 'application/octet-stream'],
    ['dir.m3u8/file', 'application/octet-stream'],
  ])('gives %s the type %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });

  it('sends the player bucket types on real responses', async () => {
    const response = await readObject(root, 'player/app.js', { method: 'HEAD' });
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });
});

describe('range requests', () => {
  const key = 'courses/123/l1/720p/seg-00001.m4s';

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-199', 100, 199],
    ['bytes=990-', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=900-5000', 900, 999],
    ['bytes=999-999', 999, 999],
  ])('answers %s with 206 and Content-Range', async (range, start, end) => {
    const response = await readObject(root, key, { method: 'GET', range });
    expect(response.status).toBe(206);
    expect(response.headers).toMatchObject({
      'content-range': `bytes ${start}-${end}/1000`,
      'content-length': String(end - start + 1),
      etag: md5(SEGMENT),
      'accept-ranges': 'bytes',
    });
    expect((await bodyBytes(response)).equals(SEGMENT.subarray(start, end + 1))).toBe(true);
  });

  it.each(['bytes=1000-', 'bytes=1000-2000', 'bytes=5000-6000', 'bytes=-0'])('answers %s with 416 and Content-Range: bytes */size', async (range) => {
    const response = await readObject(root, key, { method: 'GET', range });
    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe('bytes */1000');
    expect(await bodyText(response)).toContain('InvalidRange');
  });

  it('answers any range on an empty object with 416', async () => {
    const response = await readObject(root, 'courses/123/l1/empty.vtt', { method: 'GET', range: 'bytes=0-' });
    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe('bytes */0');
  });

  it.each(['bytes=0-1,5-6', 'bytes=0-99, 200-299', 'items=0-5', 'bytes=5-1', 'bytes=-', 'bytes=abc', 'bytes 0-5'])(
    'ignores %s and sends the whole object with 200, as S3 does',
    async (range) => {
      const response = await readObject(root, key, { method: 'GET', range });
      expect(response.status).toBe(200);
      expect(response.headers['content-range']).toBeUndefined();
      expect((await bodyBytes(response)).equals(SEGMENT)).toBe(true);
    },
  );

  it('answers HEAD with a range with 206 headers and no body', async () => {
    const response = await readObject(root, key, { method: 'HEAD', range: 'bytes=0-9' });
    expect(response.status).toBe(206);
    expect(response.headers).toMatchObject({ 'content-range': 'bytes 0-9/1000', 'content-length': '10' });
    expect(Buffer.isBuffer(response.body) && response.body.length).toBe(0);
  });

  it('parses ranges independently of any file', () => {
    expect(parseRange(undefined, 10)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=2-', 10)).toEqual({ kind: 'range', start: 2, end: 9 });
    expect(parseRange('bytes=99999999999999999999-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-99999999999999999999', 10)).toEqual({ kind: 'range', start: 0, end: 9 });
  });
});

describe('conditional requests', () => {
  const key = 'courses/123/l1/master.m3u8';

  it('answers 304 when If-None-Match holds the ETag, weak or among others, or *', async () => {
    const etag = md5(PLAYLIST);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const response = await readObject(root, key, { method: 'GET', ifNoneMatch });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(response.headers).toEqual({ etag, 'last-modified': MTIME.toUTCString() });
      expect(Buffer.isBuffer(response.body) && response.body.length).toBe(0);
    }
  });

  it('answers 200 when If-None-Match holds another ETag, whatever If-Modified-Since says', async () => {
    const response = await readObject(root, key, { method: 'GET', ifNoneMatch: '"0123"', ifModifiedSince: new Date('2031-01-01').toUTCString() });
    expect(response.status).toBe(200);
    await bodyText(response);
  });

  it('answers 304 for If-Modified-Since at or after Last-Modified, 200 before it', async () => {
    expect((await readObject(root, key, { method: 'HEAD', ifModifiedSince: MTIME.toUTCString() })).status).toBe(304);
    expect((await readObject(root, key, { method: 'HEAD', ifModifiedSince: new Date(MTIME.getTime() - 1000).toUTCString() })).status).toBe(200);
    expect((await readObject(root, key, { method: 'HEAD', ifModifiedSince: 'not a date' })).status).toBe(200);
  });

  it('prefers 304 over a range', async () => {
    const response = await readObject(root, key, { method: 'GET', range: 'bytes=0-3', ifNoneMatch: md5(PLAYLIST) });
    expect(response.status).toBe(304);
  });
});

describe('object keys and traversal', () => {
  it('decodes the URL path exactly once into the key', () => {
    expect(objectKeyFromPath('/courses/123/l1/master.m3u8')).toBe('courses/123/l1/master.m3u8');
    expect(objectKeyFromPath('/a%20b/c%2Fd')).toBe('a b/c/d');
    expect(objectKeyFromPath('/a/%252e%252e')).toBe('a/%2e%2e');
    expect(objectKeyFromPath('/a+b')).toBe('a+b');
    expect(objectKeyFromPath('/bad/%E0%A4%A')).toBeUndefined();
    expect(objectKeyFromPath('no-slash')).toBeUndefined();
  });

  it('serves a key whose literal name contains %2e (the path had %252e)', async () => {
    const response = await readObjectAtPath(root, '/courses/123/l1/%252e/literal.m4s', { method: 'GET' });
    expect(response.status).toBe(200);
    expect(await bodyText(response)).toBe('decoded once');
  });

  it('serves names that merely contain dots', async () => {
    const response = await readObjectAtPath(root, '/courses/123/l1/..hidden.m4s', { method: 'GET' });
    expect(response.status).toBe(200);
    await bodyText(response);
  });

  it.each([
    '/courses/123/../../outside/secret.txt',
    '/courses/123/l1/../../../../secret.txt',
    '/../secret.txt',
    '/..',
    '/%2e%2e/secret.txt',
    '/%2E%2E/outside/secret.txt',
    '/courses/%2e%2e/%2e%2e/%2e%2e/secret.txt',
    '/courses/123/..%2F..%2F..%2F..%2Fsecret.txt',
    '/courses/123/..%2f..%2f..%2f..%2foutside%2fsecret.txt',
    '/..%5c..%5csecret.txt',
    '/courses/123/l1/..%5C..%5C..%5C..%5Csecret.txt',
    '/courses\\..\\..\\secret.txt',
    '/courses/%252e%252e/%252e%252e/secret.txt',
    '/courses/123/l1/master.m3u8%00.jpg',
    '/courses/123/l1/%00',
    '//etc/passwd',
    `/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
    '/courses/123/l1/escape.m3u8',
    '/courses/123/l1-outside/secret.txt',
    '/courses/123/l1/./master.m3u8',
    '/courses/123/l1//master.m3u8',
    '/courses/123/l1/master.m3u8/',
    '/',
    '',
  ])('never reads outside the bucket folder for %j (404)', async (rawPath) => {
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await readObjectAtPath(root, rawPath, { method });
      expect(response.status).toBe(404);
      const text = await bodyText(response);
      expect(text).not.toContain('TOP SECRET');
      expect(text).not.toContain('EXTM3U');
    }
  });

  it('refuses unmappable keys before touching the disk', () => {
    for (const key of ['', '.', '..', 'a/..', 'a/./b', 'a//b', '/a', 'a/', 'a\\b', 'a\u0000b', 'a\nb', 'x'.repeat(1025)]) {
      expect(isMappableKey(key), JSON.stringify(key)).toBe(false);
    }
    for (const key of ['a', 'a/b.m3u8', '..a', 'a..', '...', 'a b', '%2e', 'caf\u00e9']) {
      expect(isMappableKey(key), JSON.stringify(key)).toBe(true);
    }
  });

  it('answers 404 when the bucket folder itself does not exist', async () => {
    expect((await readObject(path.join(base, 'no-such-bucket'), 'a.m3u8', { method: 'GET' })).status).toBe(404);
  });
});
