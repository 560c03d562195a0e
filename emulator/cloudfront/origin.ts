/**
 * The S3 origin stand-in (DESIGN.md, request order step 4): a bucket is a folder, an object key
 * is a relative path under it, mapped literally and never joined onto the disk path unchecked.
 *
 * S3 behaviour reproduced:
 *  - the key is the URL path without its leading slash, percent-decoded once (`%252e` is the
 *    three characters `%2e`, not a dot);
 *  - ETag is the quoted MD5 hex of the content (what S3 gives single-part uploads), with
 *    Last-Modified and Accept-Ranges: bytes;
 *  - one byte range per request (`bytes=a-b`, `bytes=a-`, `bytes=-n`) answers 206 with
 *    Content-Range; a range that starts past the end answers 416 with a Content-Range of
 *    `bytes *` + `/<size>`; several ranges, which S3 does not support, get the whole object (200);
 *  - If-None-Match answers 304 when a tag matches, If-Modified-Since (only without
 *    If-None-Match) when the object is not newer.
 *
 * A missing object is 404 (NoSuchKey). That is what S3 answers only when the caller may also
 * s3:ListBucket; without it S3 answers 403 for a missing key. Infra must grant s3:ListBucket to
 * the Origin Access Control principal so that, at the edge, 403 always means "signature" and
 * 404 means "no such object", exactly as here. Keys this stand-in refuses to map onto the disk
 * (dot segments, empty segments, backslashes, NUL, anything resolving outside the bucket
 * folder, symlinks included) are answered the same 404: they are never read.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { contentTypeFor } from '../../edge/media-types.ts';

export interface ObjectRequest {
  readonly method: 'GET' | 'HEAD';
  /** The Range request header, if any. */
  readonly range?: string;
  /** The If-None-Match request header, if any. */
  readonly ifNoneMatch?: string;
  /** The If-Modified-Since request header, if any. */
  readonly ifModifiedSince?: string;
}

export interface OriginResponse {
  readonly status: 200 | 206 | 304 | 404 | 416;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** A file stream for GET 200/206 (close it by consuming or destroying it); a Buffer otherwise. */
  readonly body: Readable | Buffer;
}

/**
 * The S3 key for a raw URL path: the leading `/` removed, percent-decoded exactly once.
 * Undefined when the path does not start with `/` or its encoding is not valid UTF-8.
 */
export function objectKeyFromPath(rawPath: string): string | undefined {
  if (typeof rawPath !== 'string' || !rawPath.startsWith('/')) return undefined;
  try {
    return decodeURIComponent(rawPath.slice(1));
  } catch {
    return undefined;
  }
}

/**
 * Keys this origin will map onto the disk: non-empty `/`-separated segments, none of them `.`
 * or `..`, no backslash (a separator on Windows), no NUL or other control character.
 */
export function isMappableKey(key: string): boolean {
  // S3 keys are at most 1,024 bytes of UTF-8.
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key, 'utf8') > 1024) return false;
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return false;
  return key.split('/').every((segment) => segment.length > 0 && segment !== '.' && segment !== '..');
}

/** readObject for a raw URL path (decoded once into the key). */
export function readObjectAtPath(root: string, rawPath: string, req: ObjectRequest): Promise<OriginResponse> {
  const key = objectKeyFromPath(rawPath);
  return key === undefined ? Promise.resolve(noSuchKey()) : readObject(root, key, req);
}

/** Serves the object `key` from the bucket folder `root`. Never reads outside `root`. */
export async function readObject(root: string, key: string, req: ObjectRequest): Promise<OriginResponse> {
  if (!isMappableKey(key)) return noSuchKey();

  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch {
    return noSuchKey();
  }
  const candidate = path.join(rootReal, ...key.split('/'));
  if (!isInside(rootReal, candidate)) return noSuchKey();

  // Resolve every symlink, then insist the target is still inside the bucket folder.
  let fileReal: string;
  try {
    fileReal = await realpath(candidate);
  } catch {
    return noSuchKey();
  }
  if (!isInside(rootReal, fileReal)) return noSuchKey();

  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the resolved path must not have become a symlink in the meantime.
    handle = await open(fileReal, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch {
    return noSuchKey();
  }

  let handOver = false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return noSuchKey();
    const size = stat.size;
    const etag = await etagOf(handle, fileReal, size, stat.mtimeMs, stat.ino);
    const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000);
    const validators = { etag, 'last-modified': lastModified.toUTCString() };

    if (notModified(req, etag, lastModified)) {
      return { status: 304, headers: validators, body: Buffer.alloc(0) };
    }

    const common = { ...validators, 'accept-ranges': 'bytes', 'content-type': contentTypeFor(key) };
    const range = parseRange(req.range, size);
    if (range.kind === 'unsatisfiable') {
      const body = Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>',
      );
      return {
        status: 416,
        headers: { ...validators, 'accept-ranges': 'bytes', 'content-range': `bytes */${size}`, 'content-type': 'application/xml', 'content-length': String(body.length) },
        body: req.method === 'HEAD' ? Buffer.alloc(0) : body,
      };
    }

    const start = range.kind === 'range' ? range.start : 0;
    const end = range.kind === 'range' ? range.end : size - 1;
    const length = end - start + 1;
    const headers: Record<string, string> = { ...common, 'content-length': String(Math.max(0, length)) };
    if (range.kind === 'range') headers['content-range'] = `bytes ${start}-${end}/${size}`;
    const status = range.kind === 'range' ? 206 : 200;

    if (req.method === 'HEAD' || length <= 0) return { status, headers, body: Buffer.alloc(0) };
    handOver = true;
    return { status, headers, body: handle.createReadStream({ start, end, autoClose: true }) };
  } catch {
    return noSuchKey();
  } finally {
    if (!handOver) await handle.close().catch(() => undefined);
  }
}

export type RangeResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number };

/**
 * One `bytes=` range against an object of `size` bytes. Syntax S3 would not honour (other
 * units, several ranges, last < first) is ignored: the whole object is served.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (typeof header !== 'string') return { kind: 'none' };
  const match = /^bytes=([0-9]*)-([0-9]*)$/.exec(header.trim());
  if (!match) return { kind: 'none' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'none' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'range', start, end };
}

function notModified(req: ObjectRequest, etag: string, lastModified: Date): boolean {
  if (typeof req.ifNoneMatch === 'string') {
    const wanted = req.ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return wanted.includes('*') || wanted.includes(etag);
  }
  if (typeof req.ifModifiedSince === 'string') {
    const since = Date.parse(req.ifModifiedSince);
    return Number.isFinite(since) && lastModified.getTime() <= since;
  }
  return false;
}

const etagCache = new Map<string, string>();
const ETAG_CACHE_LIMIT = 10_000;

/** Quoted MD5 hex of the content, cached by path + size + mtime (+ inode). */
async function etagOf(handle: FileHandle, file: string, size: number, mtimeMs: number, ino: number): Promise<string> {
  const cacheKey = `${file}\u0000${size}\u0000${mtimeMs}\u0000${ino}`;
  const cached = etagCache.get(cacheKey);
  if (cached) return cached;
  const hash = createHash('md5');
  const chunk = Buffer.alloc(Math.min(Math.max(size, 1), 1024 * 1024));
  let position = 0;
  while (position < size) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  const etag = `"${hash.digest('hex')}"`;
  if (etagCache.size >= ETAG_CACHE_LIMIT) {
    const oldest = etagCache.keys().next().value;
    if (oldest !== undefined) etagCache.delete(oldest);
  }
  etagCache.set(cacheKey, etag);
  return etag;
}

function isInside(rootReal: string, candidate: string): boolean {
  const relative = path.relative(rootReal, candidate);
  return relative.length > 0 && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function noSuchKey(): OriginResponse {
  const body = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
  );
  return { status: 404, headers: { 'content-type': 'application/xml', 'content-length': String(body.length) }, body };
}
