/**
 * The CloudFront KeyValueStore data-plane API (restJson1) as
 * `@aws-sdk/client-cloudfront-keyvaluestore` calls it (routes from the SDK's operation schemas):
 *   GET    /key-value-stores/{KvsARN}             DescribeKeyValueStore  ETag header
 *   GET    /key-value-stores/{KvsARN}/keys        ListKeys               ?MaxResults&NextToken
 *   POST   /key-value-stores/{KvsARN}/keys        UpdateKeys             If-Match, {Puts, Deletes}
 *   GET    /key-value-stores/{KvsARN}/keys/{Key}  GetKey
 *   PUT    /key-value-stores/{KvsARN}/keys/{Key}  PutKey                 If-Match, {Value}
 *   DELETE /key-value-stores/{KvsARN}/keys/{Key}  DeleteKey              If-Match
 * Errors carry the exception's name in `x-amzn-ErrorType` and `{"Message": …}`; the status is
 * the one the SDK's error schema declares (ConflictException 409, ResourceNotFoundException
 * 404, ValidationException 400, ServiceQuotaExceededException 402). Timestamps are epoch
 * seconds. The SDK signs with SigV4a; any signature is accepted, none is refused (403).
 *
 * The SDK's endpoint rules put the ARN's account id in front of the endpoint's host
 * (`123456789012.kvs.localhost:<port>`), so a caller's endpoint must be a host name whose
 * subdomains resolve to 127.0.0.1: `*.localhost` with a resolver that maps it, or any name
 * with pipeline/aws/loopback-agent.ts as the client's HTTP agent.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KvsFileStore, StoreVersion } from './kvs-file-store.ts';
import { checkKey, checkValue, DEFAULT_PAGE, KvsApiError, MAX_PAGE, storeBytes } from './quotas.ts';

export interface KvsStoreEntry {
  readonly arn: string;
  readonly store: KvsFileStore;
  /** When the stand-in first served the store (DescribeKeyValueStore's Created). */
  readonly created: Date;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly etag?: string;
}

const seconds = (d: Date) => d.getTime() / 1000;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new KvsApiError('ValidationException', 400, 'The request body must be a JSON object');
}

function sizes(version: Pick<StoreVersion, 'items'>) {
  return { ItemCount: version.items.size, TotalSizeInBytes: storeBytes(version.items) };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new KvsApiError('ValidationException', 400, 'Malformed URI encoding');
  }
}

function listKeys(version: StoreVersion, query: URLSearchParams): Reply {
  const raw = query.get('MaxResults');
  const max = raw === null ? DEFAULT_PAGE : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) throw new KvsApiError('ValidationException', 400, `MaxResults must be between 1 and ${MAX_PAGE}`);
  const token = query.get('NextToken');
  let after: string | undefined;
  if (token !== null) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) throw new KvsApiError('ValidationException', 400, 'NextToken is not valid');
  }
  const keys = [...version.items.keys()].sort().filter((k) => after === undefined || k > after);
  const page = keys.slice(0, max);
  return {
    status: 200,
    body: {
      Items: page.map((Key) => ({ Key, Value: version.items.get(Key) })),
      ...(keys.length > max ? { NextToken: Buffer.from(page[page.length - 1] as string, 'utf8').toString('base64url') } : {}),
    },
  };
}

function updateKeys(input: Record<string, unknown>): (items: Map<string, string>) => void {
  const puts = input['Puts'] ?? [];
  const deletes = input['Deletes'] ?? [];
  if (!Array.isArray(puts) || !Array.isArray(deletes)) throw new KvsApiError('ValidationException', 400, 'Puts and Deletes must be lists');
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) throw new KvsApiError('ValidationException', 400, `The key ${JSON.stringify(key)} appears more than once in the request`);
    seen.add(key);
  };
  const checkedPuts = puts.map((p: { Key?: unknown; Value?: unknown }) => {
    checkKey(p?.Key);
    checkValue(p?.Value);
    once(p.Key);
    return [p.Key, p.Value] as const;
  });
  const checkedDeletes = deletes.map((d: { Key?: unknown }) => {
    checkKey(d?.Key);
    once(d.Key);
    return d.Key;
  });
  // All or nothing: everything is checked before anything changes. Deleting an absent key is no error here.
  return (items) => {
    for (const [key, value] of checkedPuts) items.set(key, value);
    for (const key of checkedDeletes) items.delete(key);
  };
}

export async function routeKvsRequest(req: IncomingMessage, stores: ReadonlyMap<string, KvsStoreEntry>): Promise<Reply> {
  if (!req.headers['authorization']) throw new KvsApiError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const segments = (q < 0 ? url : url.slice(0, q)).split('/');
  // ['', 'key-value-stores', arn, ('keys', (key))]
  if (segments[0] !== '' || segments[1] !== 'key-value-stores' || segments.length < 3 || segments.length > 5 || (segments.length >= 4 && segments[3] !== 'keys')) {
    throw new KvsApiError('UnknownOperationException', 404, `No KeyValueStore operation at ${req.method} ${url.split('?')[0]}`);
  }
  const arn = decode(segments[2] as string);
  const entry = stores.get(arn);
  if (!entry) throw new KvsApiError('ResourceNotFoundException', 404, `Key value store ${arn} was not found`);
  const method = req.method ?? 'GET';
  const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;

  if (segments.length === 3 && method === 'GET') {
    const version = await entry.store.read();
    return {
      status: 200,
      etag: version.etag,
      body: { ...sizes(version), KvsARN: arn, Created: seconds(entry.created), LastModified: seconds(version.lastModified), Status: 'READY' },
    };
  }
  if (segments.length === 4 && method === 'GET') return listKeys(await entry.store.read(), query);
  if (segments.length === 4 && method === 'POST') {
    const change = updateKeys(await readJson(req));
    const version = await entry.store.update(ifMatch, change);
    return { status: 200, etag: version.etag, body: sizes(version) };
  }
  if (segments.length === 5) {
    const key = decode(segments[4] as string);
    checkKey(key);
    if (method === 'GET') {
      const version = await entry.store.read();
      const value = version.items.get(key);
      if (value === undefined) throw new KvsApiError('ResourceNotFoundException', 404, `Key ${JSON.stringify(key)} was not found`);
      return { status: 200, body: { Key: key, Value: value, ...sizes(version) } };
    }
    if (method === 'PUT') {
      const { Value } = await readJson(req);
      checkValue(Value);
      const version = await entry.store.update(ifMatch, (items) => void items.set(key, Value));
      return { status: 200, etag: version.etag, body: sizes(version) };
    }
    if (method === 'DELETE') {
      const version = await entry.store.update(ifMatch, (items) => {
        if (!items.delete(key)) throw new KvsApiError('ResourceNotFoundException', 404, `Key ${JSON.stringify(key)} was not found`);
      });
      return { status: 200, etag: version.etag, body: sizes(version) };
    }
  }
  throw new KvsApiError('UnknownOperationException', 404, `No KeyValueStore operation at ${method} ${url.split('?')[0]}`);
}

export function createKvsHandler(stores: ReadonlyMap<string, KvsStoreEntry>, log: (line: string) => void): (req: IncomingMessage, res: ServerResponse) => void {
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': randomUUID(), ...headers });
    res.end(text);
  };
  return (req, res) => {
    routeKvsRequest(req, stores).then(
      (reply) => {
        send(res, reply.status, reply.body, reply.etag ? { etag: reply.etag } : {});
        log(`KeyValueStore ${req.method} ${(req.url ?? '').split('?')[0]} ${reply.status}`);
      },
      (caught: unknown) => {
        const error = caught instanceof KvsApiError ? caught : new KvsApiError('InternalServerException', 500, 'Internal server error');
        if (!(caught instanceof KvsApiError)) log(`KeyValueStore internal error: ${(caught as Error).stack ?? String(caught)}`);
        if (!req.complete) req.resume();
        send(res, error.status, { Message: error.message, message: error.message }, { 'x-amzn-errortype': error.type });
        log(`KeyValueStore ${req.method} ${(req.url ?? '').split('?')[0]} ${error.status} ${error.type}`);
      },
    );
  };
}
