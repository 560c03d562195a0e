/**
 * A bounded server over raw sockets, with bounds small enough to watch: what a slow, idle or
 * greedy client gets, and that the clients within bounds go on being served.
 */
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoundedServer } from './bounded-server.ts';
import { connectionLimits, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-limits.ts';
import { listenOnLoopback, type LoopbackServer } from './loopback-server.ts';

const running: LoopbackServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const r of running.splice(0)) await r.close();
});

async function start(overrides: Partial<ConnectionLimits>): Promise<{ port: number; server: Server }> {
  const server = createBoundedServer((req, res) => res.end(`served ${req.url}`), connectionLimits(overrides));
  const loopback = await listenOnLoopback(server);
  running.push(loopback);
  return { port: Number(new URL(loopback.endpoint).port), server };
}

interface Client {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the milliseconds from connecting to the server closing the socket. */
  readonly closed: Promise<number>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('a bounded server', () => {
  it('answers 408 and hangs up on a client that sends its headers a byte at a time, slower than the bound', async () => {
    const { port } = await start({ headersTimeoutMs: 400, requestTimeoutMs: 400 });
    const slow = await client(port);
    const request = 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(100) + '\r\n\r\n';
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < request.length && !slow.socket.destroyed) slow.socket.write(request[sent++] as string);
    }, 50);
    const after = await slow.closed;
    clearInterval(drip);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(request.length);
    expect(after).toBeGreaterThanOrEqual(350);
    expect(after).toBeLessThan(400 * 2);
  });

  it('closes a keep-alive connection left idle after its response', async () => {
    const { port } = await start({ keepAliveTimeoutMs: 200, headersTimeoutMs: 5000, requestTimeoutMs: 5000 });
    const idle = await client(port);
    idle.socket.write('GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => idle.received().includes('served /first'));
    expect(idle.received()).toMatch(/keep-alive/i);
    // Node waits a further second past keepAliveTimeout before it closes.
    expect(await idle.closed).toBeLessThan(200 + 1000 + 800);
  });

  it('refuses connections beyond the per-client limit while a request on an open one is still served', async () => {
    const { port } = await start({ maxConnectionsPerClient: 2, headersTimeoutMs: 5000, requestTimeoutMs: 5000 });
    const first = await client(port);
    await client(port);
    const third = await client(port);
    expect(await third.closed).toBeLessThan(1000);
    expect(third.received()).toBe('');
    first.socket.write('GET /still HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => first.received().includes('served /still'));
    expect(first.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('takes a new connection once one of the client\'s closes', async () => {
    const { port } = await start({ maxConnectionsPerClient: 1, headersTimeoutMs: 5000, requestTimeoutMs: 5000 });
    const first = await client(port);
    first.socket.destroy();
    await first.closed;
    await new Promise((r) => setTimeout(r, 50));
    const next = await client(port);
    next.socket.write('GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => next.received().includes('served /next'));
    expect(next.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('refuses connections beyond the total cap', async () => {
    const { port } = await start({ maxConnections: 2, maxConnectionsPerClient: 10, headersTimeoutMs: 5000, requestTimeoutMs: 5000 });
    await client(port);
    await client(port);
    const over = await client(port);
    expect(await over.closed).toBeLessThan(1000);
    expect(over.received()).toBe('');
  });

  it('answers 431 to a request with more header fields, or more header bytes, than allowed', async () => {
    const { port } = await start({ maxHeaderCount: 5, maxHeaderBytes: 1024 });
    const many = await client(port);
    many.socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\n${Array.from({ length: 5 }, (_, i) => `X-${i}: 1\r\n`).join('')}\r\n`);
    await until(() => many.received().length > 0);
    expect(many.received()).toMatch(/^HTTP\/1\.1 431 /);
    const atLimit = await client(port);
    atLimit.socket.write(`GET /ok HTTP/1.1\r\nHost: localhost\r\n${Array.from({ length: 4 }, (_, i) => `X-${i}: 1\r\n`).join('')}\r\n`);
    await until(() => atLimit.received().includes('served /ok'));
    expect(atLimit.received()).toMatch(/^HTTP\/1\.1 200 /);
    const large = await client(port);
    large.socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\nCookie: ${'a'.repeat(2000)}\r\n\r\n`);
    await until(() => large.received().length > 0);
    expect(large.received()).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('the connection limits', () => {
  it('default to bounds a browser never meets, and the CloudFront request-size quota', () => {
    expect(connectionLimits()).toEqual(DEFAULT_CONNECTION_LIMITS);
    expect(DEFAULT_CONNECTION_LIMITS.maxHeaderBytes).toBe(20_480);
  });

  it('refuse values no server could keep', () => {
    expect(() => connectionLimits({ headersTimeoutMs: 0 })).toThrow(/headersTimeoutMs/);
    expect(() => connectionLimits({ maxConnections: 1.5 })).toThrow(/maxConnections/);
    expect(() => connectionLimits({ headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(/requestTimeoutMs/);
  });
});
