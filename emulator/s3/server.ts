/**
 * The S3 stand-in's HTTP server: authentication presence, routing to the operation, S3's
 * error documents, and ObjectCreated reports once an object is written and answered.
 *
 * Any SigV4 (or SigV4a) signature is accepted unchecked, in the Authorization header or a
 * presigned URL's query (an expired presigned URL is refused, as S3 refuses it); a request with
 * neither is anonymous, and anonymous access is refused with 403 AccessDenied, as S3 does for a
 * bucket without a public policy.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback-server.ts';
import { redactSecrets } from '../log-redaction.ts';
import path from 'node:path';
import { headBucket, listObjectsV2 } from './bucket-operations.ts';
import { newRequestId, replyError } from './http-replies.ts';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, uploadPart, type MultipartRequest } from './multipart-operations.ts';
import { MultipartUploads } from './multipart.ts';
import { encodeEventKey, type ObjectCreatedEventName, type ObjectCreatedRecord } from './notifications.ts';
import { copyObject, deleteObject, getObject, putObject, type ObjectRequest } from './object-operations.ts';
import type { ObjectMetadata } from './object-metadata.ts';
import { ObjectStore } from './object-store.ts';
import { operationOf } from './operations.ts';
import { requestTarget } from './request-target.ts';
import { S3Error } from './s3-errors.ts';
import { createSequencer } from './sequencer.ts';

export interface S3StandInOptions {
  /** Bucket name -> the folder its objects are files in. */
  readonly buckets: Readonly<Record<string, string>>;
  /** Where sidecar metadata (`<bucket>/<key>.json`) and multipart staging live. */
  readonly metadataRoot: string;
  /** Called after an object is fully written (and the request answered); errors are logged. */
  readonly onObjectCreated?: (record: ObjectCreatedRecord) => void | Promise<void>;
  readonly log?: (line: string) => void;
  /** Region HeadBucket reports. Default us-east-1. */
  readonly region?: string;
  /** Port on 127.0.0.1; default any free port. */
  readonly port?: number;
}

export interface S3StandIn {
  /** `http://127.0.0.1:<port>`: the SDK sends path-style requests to it. */
  readonly endpoint: string;
  /** Resolves when every onObjectCreated call so far has finished. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `20260102T030405Z` -> ms since the epoch. */
function amzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : Number.NaN;
}

function checkSigned(req: IncomingMessage, query: URLSearchParams): void {
  if (header(req, 'authorization')) return;
  if (query.has('X-Amz-Signature')) {
    const signedAt = amzDate(query.get('X-Amz-Date') ?? '');
    const expires = Number(query.get('X-Amz-Expires') ?? 'NaN');
    if (Number.isNaN(signedAt) || Number.isNaN(expires)) throw new S3Error('AccessDenied', 'Query-string authentication requires the X-Amz-Date and X-Amz-Expires parameters');
    if (Date.now() > signedAt + expires * 1000) throw new S3Error('AccessDenied', 'Request has expired', { Expires: new Date(signedAt + expires * 1000).toISOString() });
    return;
  }
  throw new S3Error('AccessDenied');
}

export async function startS3StandIn(options: S3StandInOptions): Promise<S3StandIn> {
  // Request lines carry presigned URLs: their signature and credentials never reach the log.
  const sink = options.log;
  const log = (line: string): void => sink?.(redactSecrets(line));
  const region = options.region ?? 'us-east-1';
  const store = new ObjectStore(options.buckets, options.metadataRoot);
  // `.multipart` cannot be a bucket name, so it never meets a bucket's sidecars.
  const uploads = new MultipartUploads(path.join(options.metadataRoot, '.multipart'));
  const sequencer = createSequencer();
  const pending = new Set<Promise<void>>();
  let endpoint = '';

  function report(record: ObjectCreatedRecord): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => options.onObjectCreated?.(record))
      .then(
        () => undefined,
        (error: unknown) => log(`S3 onObjectCreated for ${record.bucket}/${record.key} failed: ${(error as Error).stack ?? String(error)}`),
      )
      .finally(() => pending.delete(done));
    pending.add(done);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? 'GET';
    const target = requestTarget(req.url ?? '/', header(req, 'host'), store.bucketNames());
    checkSigned(req, target.query);
    if (target.bucket === undefined) throw new S3Error('NotImplemented', 'ListBuckets is not implemented here');
    const operation = operationOf(method, target.key !== undefined, target.query, req.headers);
    const bucket = target.bucket;
    if (operation === 'HeadBucket') return headBucket(res, store, bucket, region);
    if (operation === 'ListObjectsV2') return listObjectsV2(res, store, bucket, target.query);
    const key = target.key as string;
    const created = (eventName: ObjectCreatedEventName, object: ObjectMetadata) =>
      report({ bucket, key, size: object.size, eTag: object.etag, eventName, sequencer: sequencer(), eventTime: new Date().toISOString(), requestId, sourceIPAddress: req.socket.remoteAddress ?? '127.0.0.1' });
    const r: ObjectRequest = { req, res, bucket, key, query: target.query, store, created };
    const m: MultipartRequest = { ...r, uploads, location: `${endpoint}/${bucket}/${encodeEventKey(key).replace(/\+/g, '%20')}` };
    switch (operation) {
      case 'PutObject':
        return putObject(r);
      case 'CopyObject':
        return copyObject(r);
      case 'GetObject':
        return getObject(r, 'GET');
      case 'HeadObject':
        return getObject(r, 'HEAD');
      case 'DeleteObject':
        return deleteObject(r);
      case 'CreateMultipartUpload':
        return createMultipartUpload(m);
      case 'UploadPart':
        return uploadPart(m);
      case 'CompleteMultipartUpload':
        return completeMultipartUpload(m);
      case 'AbortMultipartUpload':
        return abortMultipartUpload(m);
    }
  }

  const server = createServer((req, res) => {
    const started = Date.now();
    const requestId = newRequestId();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', Buffer.from(requestId).toString('base64'));
    res.setHeader('server', 'AmazonS3');
    handle(req, res, requestId)
      .catch((caught: unknown) => {
        const error = caught instanceof S3Error ? caught : new S3Error('InternalError');
        if (!(caught instanceof S3Error)) log(`S3 ${req.method} ${req.url} internal error: ${(caught as Error).stack ?? String(caught)}`);
        if (!req.complete) req.resume();
        replyError(res, req.method ?? 'GET', error, (req.url ?? '/').split('?')[0] as string, requestId);
      })
      .finally(() => log(`S3 ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
  });
  // Big uploads may take longer than Node's default 5-minute request timeout; S3 has none such.
  server.requestTimeout = 0;
  const listening = await listenOnLoopback(server, options.port);
  endpoint = listening.endpoint;

  const whenIdle = async (): Promise<void> => {
    while (pending.size > 0) await Promise.all([...pending]);
  };
  return {
    endpoint,
    whenIdle,
    async close() {
      await listening.close();
      await whenIdle();
    },
  };
}
