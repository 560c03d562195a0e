/**
 * The local stand-in for "invoke the upload-trigger Lambda asynchronously": a loopback-only
 * endpoint the cookie issuer POSTs on-demand encode requests to. Only the issuer's baked config
 * knows its URL and bearer secret (random per start); it is not part of the distribution.
 * It answers 202 as soon as the request is queued, like an InvocationType Event invoke.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEncodeRequest, type EncodeRequest } from '../encode-request.ts';

export const ENCODE_REQUEST_PATH = '/encode-requests';

export interface EncodeRequestEndpoint {
  readonly url: string;
  readonly secret: string;
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startEncodeRequestEndpoint(onRequest: (request: EncodeRequest) => void): Promise<EncodeRequestEndpoint> {
  const secret = randomBytes(32).toString('base64url');
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.url !== ENCODE_REQUEST_PATH) return reply(404, { error: 'not found' });
    if (req.method !== 'POST') return reply(405, { error: 'POST only' });
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !sameSecret(auth, secret)) return reply(401, { error: 'bad secret' });
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 4096) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      let parsed: EncodeRequest | null = null;
      try {
        parsed = parseEncodeRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        parsed = null;
      }
      if (!parsed) return reply(400, { error: 'not an encode request' });
      onRequest(parsed);
      reply(202, { queued: true });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${ENCODE_REQUEST_PATH}`,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
