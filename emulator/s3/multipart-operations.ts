/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload and AbortMultipartUpload. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checksumHeader } from './checksums.ts';
import { replyEmpty, replyXml } from './http-replies.ts';
import type { MultipartUploads } from './multipart.ts';
import { contentHeadersOf, DEFAULT_CONTENT_TYPE, type ObjectMetadata } from './object-metadata.ts';
import { checkKey } from './object-keys.ts';
import type { ObjectStore } from './object-store.ts';
import type { ObjectCreatedEventName } from './notifications.ts';
import { S3Error } from './s3-errors.ts';
import { element, parseCompleteMultipartUpload, S3_NAMESPACE, XML_DECLARATION } from './xml.ts';

export interface MultipartRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly store: ObjectStore;
  readonly uploads: MultipartUploads;
  /** Where the object is, for CompleteMultipartUpload's Location. */
  readonly location: string;
  readonly created: (eventName: ObjectCreatedEventName, object: ObjectMetadata) => void;
}

const MAX_COMPLETE_BODY = 4 * 1024 * 1024;

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_COMPLETE_BODY) throw new S3Error('MalformedXML', 'The CompleteMultipartUpload body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function createMultipartUpload(r: MultipartRequest): Promise<void> {
  r.store.root(r.bucket);
  checkKey(r.key);
  const algorithm = r.req.headers['x-amz-checksum-algorithm'];
  const checksumAlgorithm = typeof algorithm === 'string' ? algorithm.toLowerCase() : undefined;
  const upload = await r.uploads.create(r.bucket, r.key, contentHeadersOf(r.req.headers), checksumAlgorithm);
  replyXml(
    r.res,
    200,
    `${XML_DECLARATION}<InitiateMultipartUploadResult xmlns="${S3_NAMESPACE}">${element('Bucket', r.bucket)}${element('Key', r.key)}${element('UploadId', upload.uploadId)}</InitiateMultipartUploadResult>`,
    { 'x-amz-server-side-encryption': 'AES256', ...(checksumAlgorithm ? { 'x-amz-checksum-algorithm': checksumAlgorithm.toUpperCase() } : {}) },
  );
}

export async function uploadPart(r: MultipartRequest): Promise<void> {
  const upload = await r.uploads.get(r.query.get('uploadId') ?? '', r.bucket, r.key);
  const partNumber = Number(r.query.get('partNumber') ?? 'NaN');
  const part = await r.uploads.putPart(upload, partNumber, r.req);
  replyEmpty(r.res, 200, {
    etag: `"${part.etag}"`,
    'x-amz-server-side-encryption': 'AES256',
    ...(part.checksum ? { [checksumHeader(part.checksum.algorithm)]: part.checksum.value } : {}),
  });
}

export async function completeMultipartUpload(r: MultipartRequest): Promise<void> {
  const upload = await r.uploads.get(r.query.get('uploadId') ?? '', r.bucket, r.key);
  const parts = parseCompleteMultipartUpload(await readText(r.req));
  if (!parts) throw new S3Error('MalformedXML');
  const partial = await r.store.partialFor(r.bucket, r.key);
  const assembled = await r.uploads.assemble(upload, parts, partial);
  const object = await r.store.commit(r.bucket, r.key, partial, {
    ...upload.headers,
    contentType: upload.headers.contentType ?? DEFAULT_CONTENT_TYPE,
    etag: assembled.etag,
    partsCount: assembled.partsCount,
  });
  await r.uploads.remove(upload);
  replyXml(
    r.res,
    200,
    `${XML_DECLARATION}<CompleteMultipartUploadResult xmlns="${S3_NAMESPACE}">${element('Location', r.location)}${element('Bucket', r.bucket)}${element('Key', r.key)}${element('ETag', `"${object.etag}"`)}</CompleteMultipartUploadResult>`,
    { 'x-amz-server-side-encryption': 'AES256' },
  );
  r.created('ObjectCreated:CompleteMultipartUpload', object);
}

export async function abortMultipartUpload(r: MultipartRequest): Promise<void> {
  const upload = await r.uploads.get(r.query.get('uploadId') ?? '', r.bucket, r.key);
  await r.uploads.remove(upload);
  replyEmpty(r.res, 204);
}
