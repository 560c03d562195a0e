import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Two kinds of broken dependency on loopback, for fault tests. */
export interface DeadEndpoints {
  /** Accepts connections and never answers: the worst kind of dependency. */
  readonly hangingUrl: string;
  /** A port nothing listens on: connection refused at once. */
  readonly closedUrl: string;
  close(): void;
}

export async function deadEndpoints(): Promise<DeadEndpoints> {
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const hanging = createServer(() => {});
  const hangingUrl = await listen(hanging);
  const probe = createServer();
  const closedUrl = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  return { hangingUrl, closedUrl, close: () => hanging.close() };
}

/**
 * DynamoDB that hangs for some tables only: requests naming one of `tables` are held without
 * an answer, every other request is passed to `target` (the local stack's DynamoDB).
 */
export async function selectivelyHangingDynamo(target: () => string, tables: readonly string[]): Promise<{ url: string; close(): void }> {
  const { createServer: createHttpServer, request } = await import('node:http');
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const table = (JSON.parse(body.toString('utf8') || '{}') as { TableName?: string }).TableName;
      if (table && tables.includes(table)) return; // held: never answered
      const upstream = new URL(target());
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => { server.closeAllConnections(); server.close(); } };
}
