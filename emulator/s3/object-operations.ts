/**
 * PutObject, GetObject, HeadObject, DeleteObject and CopyObject, with the request and response
 * shapes of the S3 API reference as `@aws-sdk/client-s3` sends and parses them.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rm } from 'node:fs/promises';
import { parseRange } from '../cloudfront/origin.ts';
import { checksumHeader, createChecksum } from './checksums.ts';
import { evaluatePreconditions } from './conditional.ts';
import { replyEmpty, replyXml } from './http-replies.ts';
import { contentHeadersOf, DEFAULT_CONTENT_TYPE, objectHeaders, type ObjectMetadata } from './object-metadata.ts';
import type { ObjectStore } from './object-store.ts';
import type { ObjectCreatedEventName } from './notifications.ts';
import { S3Error } from './s3-errors.ts';
import { element, S3_NAMESPACE, XML_DECLARATION } from './xml.ts';

/** S3's single-PUT limit: 5 GiB. */
export const MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;

export interface ObjectRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly store: ObjectStore;
  /** Reports a new object (after it is fully written and answered). */
  readonly created: (eventName: ObjectCreatedEventName, object: ObjectMetadata) => void;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** This stand-in keeps no versions: only the `null` version exists. */
function checkVersion(query: URLSearchParams): void {
  const version = query.get('versionId');
  if (version !== null && version !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: version });
}

function writeHeaders(object: ObjectMetadata): Record<string, string> {
  return {
    etag: `"${object.etag}"`,
    'x-amz-server-side-encryption': 'AES256',
    ...(object.checksum ? { [checksumHeader(object.checksum.algorithm)]: object.checksum.value, 'x-amz-checksum-type': 'FULL_OBJECT' } : {}),
  };
}

export async function putObject(r: ObjectRequest): Promise<void> {
  const headers = contentHeadersOf(r.req.headers);
  const ifNoneMatch = header(r.req, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') throw new S3Error('NotImplemented', 'PutObject supports If-None-Match: * only');
  const { partial, body } = await r.store.receive(r.bucket, r.key, r.req, MAX_PUT_BYTES);
  const object = await r.store.commit(
    r.bucket,
    r.key,
    partial,
    { ...headers, contentType: headers.contentType ?? DEFAULT_CONTENT_TYPE, etag: body.md5Hex, ...(body.checksum ? { checksum: body.checksum } : {}) },
    ifNoneMatch !== undefined ? { ifNoneMatch } : {},
  );
  replyEmpty(r.res, 200, writeHeaders(object));
  r.created('ObjectCreated:Put', object);
}

/** `response-*` query parameters of a GetObject override the stored headers. */
const OVERRIDES: Readonly<Record<string, string>> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

export async function getObject(r: ObjectRequest, method: 'GET' | 'HEAD'): Promise<void> {
  checkVersion(r.query);
  const { handle, metadata } = await r.store.open(r.bucket, r.key);
  let handedOver = false;
  try {
    const etag = `"${metadata.etag}"`;
    const condition = evaluatePreconditions(r.req.headers, etag, new Date(metadata.lastModified));
    if (condition === 'precondition-failed') throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
    if (condition === 'not-modified') return replyEmpty(r.res, 304, { etag, 'last-modified': new Date(metadata.lastModified).toUTCString() });

    const range = parseRange(header(r.req, 'range'), metadata.size);
    if (range.kind === 'unsatisfiable') {
      const details = { RangeRequested: header(r.req, 'range') ?? '', ActualObjectSize: String(metadata.size) };
      throw new S3Error('InvalidRange', undefined, details, { 'content-range': `bytes */${metadata.size}` });
    }
    const headers = objectHeaders(metadata, { checksumMode: header(r.req, 'x-amz-checksum-mode') === 'ENABLED' && range.kind === 'none' });
    if (method === 'GET') for (const [param, name] of Object.entries(OVERRIDES)) {
      const value = r.query.get(param);
      if (value !== null) headers[name] = value;
    }
    const start = range.kind === 'range' ? range.start : 0;
    const end = range.kind === 'range' ? range.end : metadata.size - 1;
    headers['content-length'] = String(Math.max(0, end - start + 1));
    if (range.kind === 'range') headers['content-range'] = `bytes ${start}-${end}/${metadata.size}`;
    r.res.writeHead(range.kind === 'range' ? 206 : 200, headers);
    if (method === 'HEAD' || end < start) return void r.res.end();
    handedOver = true;
    await pipeline(handle.createReadStream({ start, end, autoClose: true }), r.res);
  } finally {
    if (!handedOver) await handle.close();
  }
}

export async function deleteObject(r: ObjectRequest): Promise<void> {
  checkVersion(r.query);
  await r.store.delete(r.bucket, r.key);
  replyEmpty(r.res, 204);
}

/** `x-amz-copy-source`: `[/]<bucket>/<url-encoded key>[?versionId=null]`. */
function copySource(value: string): { bucket: string; key: string } {
  const [path = '', search = ''] = value.split('?');
  const version = new URLSearchParams(search).get('versionId');
  if (version !== null && version !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'x-amz-copy-source' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source' });
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source' });
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

export async function copyObject(r: ObjectRequest): Promise<void> {
  const source = copySource(header(r.req, 'x-amz-copy-source') ?? '');
  const directive = header(r.req, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive' });
  if (source.bucket === r.bucket && source.key === r.key && directive === 'COPY') {
    throw new S3Error('InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const replaced = directive === 'REPLACE' ? contentHeadersOf(r.req.headers) : undefined;
  r.store.root(r.bucket);
  const { handle, metadata: from } = await r.store.open(source.bucket, source.key);
  let partial: string | undefined;
  const md5 = createHash('md5');
  const checksum = from.checksum ? createChecksum(from.checksum.algorithm) : undefined;
  try {
    partial = await r.store.partialFor(r.bucket, r.key);
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        checksum?.update(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(handle.createReadStream({ autoClose: false }), hashing, createWriteStream(partial));
  } catch (error) {
    if (partial) await rm(partial, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
  const { contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata } = from;
  const kept = { contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata };
  const headers = replaced ? { ...replaced, contentType: replaced.contentType ?? DEFAULT_CONTENT_TYPE } : kept;
  const defined = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as typeof kept;
  const object = await r.store.commit(r.bucket, r.key, partial, {
    ...defined,
    etag: md5.digest('hex'),
    ...(checksum && from.checksum ? { checksum: { algorithm: from.checksum.algorithm, value: checksum.digest() } } : {}),
  });
  const checksumElement = object.checksum ? element(`Checksum${object.checksum.algorithm.toUpperCase()}`, object.checksum.value) : '';
  replyXml(
    r.res,
    200,
    `${XML_DECLARATION}<CopyObjectResult xmlns="${S3_NAMESPACE}">${element('LastModified', object.lastModified)}${element('ETag', `"${object.etag}"`)}${checksumElement}</CopyObjectResult>`,
    { 'x-amz-server-side-encryption': 'AES256' },
  );
  r.created('ObjectCreated:Copy', object);
}
