import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-limits.ts';

/**
 * An HTTP server held to `limits` (connection-limits.ts): slow or silent clients are answered
 * 408 and closed, oversized or overlong headers 431, idle keep-alive sockets closed, and
 * connections beyond the total or the per-address cap closed as they arrive, while the
 * connections already open go on being served.
 */
export function createBoundedServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node looks for expired requests on this period (30 s by default, longer than the
      // bounds): a quarter of the shorter bound cuts a slow client by 1.25 times its bound.
      connectionsCheckingInterval: Math.max(10, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
    },
    (req, res) => {
      if (req.rawHeaders.length / 2 > limits.maxHeaderCount) return tooManyHeaders(res, limits.maxHeaderCount);
      handler(req, res);
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.idleSocketTimeoutMs;
  // Node keeps this many header fields and silently drops the rest: one more than allowed is
  // enough to tell a request with too many from one at the limit.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  server.maxConnections = limits.maxConnections;

  const openByAddress = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const open = openByAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    openByAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left > 0) openByAddress.set(address, left);
      else openByAddress.delete(address);
    });
  });
  return server;
}

function tooManyHeaders(res: ServerResponse, max: number): void {
  const body = `Request Header Fields Too Large: at most ${max} header fields.\n`;
  res.writeHead(431, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}
