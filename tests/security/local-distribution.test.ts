/**
 * The running local system as a hostile page or a careless log reader would meet it: the
 * request log never shows a signed URL's signature, a DNS-rebinding page (a foreign Host on
 * 127.0.0.1) reaches neither the distribution nor the IdP, and the listeners hold slow and
 * greedy clients to their bounds while others are served.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../local/data-paths.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

const PER_CLIENT = 8;
let system: TestSystem & { cleanup(): Promise<void> };
let port: number;
let idpPort: number;
const lines: string[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  system = await startTestSystem({
    log: (line) => lines.push(line),
    connectionLimits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, maxConnectionsPerClient: PER_CLIENT },
  });
  port = Number(new URL(system.url).port);
  idpPort = Number(new URL((JSON.parse(readFileSync(dataPaths(system.dataDir).runtime, 'utf8')) as { idpUrl: string }).idpUrl).port);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await system?.cleanup();
});

function withHost(target: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: target, path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawClient(target: number): Promise<{ socket: Socket; received: () => string; closedAfter: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(target, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    const closedAfter = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, received: () => text, closedAfter }));
    socket.once('error', reject);
  });
}

describe('the request log', () => {
  it('shows a signed-query request with its Policy, Signature and Key-Pair-Id redacted', async () => {
    const { body } = await system.session(await system.token('student@example.com'), 'demo');
    const { Policy, Signature } = body.signedQuery as { Policy: string; Signature: string };
    const response = await system.fetch(`/courses/demo/lesson-1/master.m3u8?${body.query}`);
    expect(response.status).toBe(200);
    const logged = lines.filter((l) => l.includes('/courses/demo/lesson-1/master.m3u8'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/\?Policy=\[redacted\]&Signature=\[redacted\]&Key-Pair-Id=\[redacted\] 200 /);
    for (const secret of [Policy, Signature, encodeURIComponent(Signature), encodeURIComponent(Policy)]) {
      expect(lines.some((l) => l.includes(secret))).toBe(false);
    }
  });
});

describe('a DNS-rebinding page', () => {
  it('gets CloudFront\'s 403 from the distribution, which still answers its own names', async () => {
    const foreign = await withHost(port, '/watch/demo/lesson-1', `evil.example:${port}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('The request could not be satisfied');
    expect((await withHost(port, '/watch/demo/lesson-1', `localhost:${port}`)).status).toBe(200);
    expect((await withHost(port, '/watch/demo/lesson-1', `127.0.0.1:${port}`)).status).toBe(200);
  });

  it('gets 403 from the IdP, which signs demo users in without a password', async () => {
    const pool = '/us-east-1_lecternLocal/.well-known/jwks.json';
    expect((await withHost(idpPort, pool, `evil.example:${idpPort}`)).status).toBe(403);
    expect((await withHost(idpPort, pool, `127.0.0.1:${idpPort}`)).status).toBe(200);
  });
});

describe('the distribution\'s listener', () => {
  it('answers 408 and hangs up on a client sending its headers a byte at a time past the bound', async () => {
    const slow = await rawClient(port);
    const request = `GET /watch/demo/lesson-1 HTTP/1.1\r\nHost: localhost:${port}\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`;
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < request.length && !slow.socket.destroyed) slow.socket.write(request[sent++] as string);
    }, 100);
    const after = await slow.closedAfter;
    clearInterval(drip);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(after).toBeLessThan(2000);
  });

  it(`refuses a client's connections beyond ${PER_CLIENT} while one it holds is still served`, async () => {
    const held: Awaited<ReturnType<typeof rawClient>>[] = [];
    let refused = false;
    for (let i = 0; i < PER_CLIENT + 2 && !refused; i++) {
      const c = await rawClient(port);
      const early = await Promise.race([c.closedAfter.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 60))]);
      if (early && c.received() === '') refused = true;
      else held.push(c);
    }
    expect(refused).toBe(true);
    expect(held.length).toBeLessThanOrEqual(PER_CLIENT);
    const first = held[0]!;
    first.socket.write(`GET /watch/demo/lesson-1 HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`);
    const deadline = Date.now() + 2000;
    while (!first.received().includes('\r\n\r\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(first.received()).toMatch(/^HTTP\/1\.1 200 /);
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closedAfter));
    expect((await system.fetch('/watch/demo/lesson-1')).status).toBe(200);
  });
});
