/**
 * A tiny local stand-in for the three AWS APIs the pipeline Lambdas call besides DynamoDB
 * (dynalite covers that), so the real AWS SDK clients are exercised over HTTP: request
 * serialization, signing (SigV4, and SigV4a for KeyValueStore), response parsing, errors.
 *
 * - S3, path-style: PUT/GET/HEAD /<bucket>/<key>, ListObjectsV2 (GET /<bucket>?list-type=2, one page)
 * - MediaConvert: POST /2017-08-29/jobs (CreateJob), GET /2017-08-29/jobs/<id> (GetJob)
 * - CloudFront KeyValueStore: GET /key-value-stores/<arn> (Describe, ETag header),
 *   GET /key-value-stores/<arn>/keys (ListKeys), POST /key-value-stores/<arn>/keys (UpdateKeys,
 *   If-Match checked: 409 ConflictException on a stale ETag)
 *
 * Only what the pipeline uses, with AWS's wire shapes; `failNext` injects one error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly service: 's3' | 'mediaconvert' | 'kvs';
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface FakeAws {
  readonly endpoint: string;
  readonly objects: Map<string, { body: Buffer; contentType?: string; cacheControl?: string }>;
  readonly jobs: Map<string, Record<string, unknown>>;
  readonly kvs: Map<string, string>;
  readonly requests: RecordedRequest[];
  kvsEtag(): string;
  putObject(bucket: string, key: string, body: string | Buffer): void;
  /** The next request to `service` (optionally only `method`) answers this error once. */
  failNext(service: RecordedRequest['service'], status: number, code: string, method?: string): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** aws-chunked (S3 uploads with trailing checksums): keep only the payload. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const lineEnd = raw.indexOf('\r\n', pos);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(pos, lineEnd).toString().split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export async function startFakeAws(): Promise<FakeAws> {
  const objects = new Map<string, { body: Buffer; contentType?: string; cacheControl?: string }>();
  const jobs = new Map<string, Record<string, unknown>>();
  const kvs = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const failures: { service: string; method?: string; status: number; code: string }[] = [];
  let etagCounter = 1;
  let jobCounter = 1;
  const etag = () => `KV${String(etagCounter).padStart(10, '0')}`;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const service: RecordedRequest['service'] = url.pathname.startsWith('/2017-08-29/')
      ? 'mediaconvert'
      : url.pathname.startsWith('/key-value-stores/')
        ? 'kvs'
        : 's3';
    const body = req.headers['content-encoding']?.includes('aws-chunked') ? decodeAwsChunked(raw) : raw;
    requests.push({ service, method, path: url.pathname + url.search, headers: req.headers, body: body.toString('utf8') });

    const failure = failures.findIndex((f) => f.service === service && (f.method === undefined || f.method === method));
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      if (service === 's3') {
        res.writeHead(f!.status, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${f!.code}</Code><Message>injected</Message></Error>`);
      } else {
        json(res, f!.status, { message: 'injected', Message: 'injected' }, { 'x-amzn-errortype': f!.code });
      }
      return;
    }

    if (service === 'mediaconvert') {
      const m = /^\/2017-08-29\/jobs(?:\/([^/]+))?$/.exec(url.pathname);
      if (m && method === 'POST' && !m[1]) {
        const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        const id = `${1763726800000 + jobCounter++}-fake${jobCounter}`;
        const job = { ...input, id, status: 'SUBMITTED', arn: `arn:aws:mediaconvert:us-east-1:111122223333:jobs/${id}` };
        delete (job as Record<string, unknown>)['clientRequestToken'];
        jobs.set(id, job);
        return json(res, 201, { job });
      }
      if (m && method === 'GET' && m[1]) {
        const job = jobs.get(decodeURIComponent(m[1]));
        return job ? json(res, 200, { job }) : json(res, 404, { message: 'not found' }, { 'x-amzn-errortype': 'NotFoundException' });
      }
      return json(res, 404, { message: 'no route' }, { 'x-amzn-errortype': 'NotFoundException' });
    }

    if (service === 'kvs') {
      const m = /^\/key-value-stores\/([^/]+)(\/keys)?$/.exec(url.pathname);
      if (!m) return json(res, 404, { Message: 'no route' }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      const arn = decodeURIComponent(m[1]!);
      const size = () => [...kvs].reduce((s, [k, v]) => s + k.length + v.length, 0);
      if (!m[2] && method === 'GET') {
        return json(res, 200, { ItemCount: kvs.size, TotalSizeInBytes: size(), KvsARN: arn, Created: 1763726800, Status: 'READY' }, { etag: etag() });
      }
      if (m[2] && method === 'GET') {
        const all = [...kvs].sort(([a], [b]) => (a < b ? -1 : 1));
        const max = Number(url.searchParams.get('MaxResults') ?? 50);
        const start = Number(url.searchParams.get('NextToken') ?? 0);
        const page = all.slice(start, start + max);
        return json(res, 200, {
          Items: page.map(([Key, Value]) => ({ Key, Value })),
          ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
        });
      }
      if (m[2] && method === 'POST') {
        if (req.headers['if-match'] !== etag()) {
          return json(res, 409, { Message: 'ETag mismatch' }, { 'x-amzn-errortype': 'ConflictException' });
        }
        const input = JSON.parse(body.toString('utf8') || '{}') as { Puts?: { Key: string; Value: string }[]; Deletes?: { Key: string }[] };
        for (const p of input.Puts ?? []) kvs.set(p.Key, p.Value);
        for (const d of input.Deletes ?? []) kvs.delete(d.Key);
        etagCounter++;
        return json(res, 200, { ItemCount: kvs.size, TotalSizeInBytes: size() }, { etag: etag() });
      }
      return json(res, 405, { Message: 'no route' }, { 'x-amzn-errortype': 'ValidationException' });
    }

    // S3, path-style: /<bucket>/<key>
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const id = `${bucket}/${key}`;
    if (method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      // ListObjectsV2, one page (enough for the upload trigger's sidecar lookup).
      const prefix = url.searchParams.get('prefix') ?? '';
      const xml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const contents = [...objects].filter(([k]) => k.startsWith(`${bucket}/${prefix}`)).sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, o]) => `<Contents><Key>${xml(k.slice(bucket!.length + 1))}</Key><Size>${o.body.length}</Size></Contents>`);
      res.writeHead(200, { 'content-type': 'application/xml' });
      return void res.end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${contents.length}</KeyCount><IsTruncated>false</IsTruncated>${contents.join('')}</ListBucketResult>`);
    }
    if (method === 'PUT') {
      objects.set(id, {
        body,
        ...(req.headers['content-type'] ? { contentType: String(req.headers['content-type']) } : {}),
        ...(req.headers['cache-control'] ? { cacheControl: String(req.headers['cache-control']) } : {}),
      });
      res.writeHead(200, { etag: '"fake"' });
      return void res.end();
    }
    const object = objects.get(id);
    if (!object) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      return void res.end(method === 'HEAD' ? undefined : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    }
    res.writeHead(200, { 'content-length': String(object.body.length), 'content-type': object.contentType ?? 'application/octet-stream', etag: '"fake"' });
    res.end(method === 'HEAD' ? undefined : object.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.writeHead(500);
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    jobs,
    kvs,
    requests,
    kvsEtag: etag,
    putObject: (bucket, key, body) => objects.set(`${bucket}/${key}`, { body: Buffer.from(body) }),
    failNext: (service, status, code, method) => failures.push({ service, status, code, ...(method ? { method } : {}) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * KeyValueStore's endpoint rules put the account id in front of the host
 * (`http://111122223333.<endpoint host>`), which does not resolve for a loopback endpoint. An
 * agent whose DNS lookup answers 127.0.0.1 for every name fixes that for tests.
 */
export { loopbackAgent } from '../../pipeline/aws/loopback-agent.ts';
