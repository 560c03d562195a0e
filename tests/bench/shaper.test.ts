import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShaper, type Shaper } from './shaper.ts';

describe('the bench shaper', () => {
  let origin: Server;
  let shaper: Shaper;

  beforeAll(async () => {
    origin = createServer((req, res) => {
      const bytes = req.url === '/big' ? 200_000 : 600;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
      res.end(Buffer.alloc(bytes, 1));
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    // 1.6 Mbit/s: a tick's credit (1 KB) is less than a chunk, where an oldest-first pass starved the rest.
    shaper = await startShaper(`http://127.0.0.1:${(origin.address() as AddressInfo).port}`, { downBps: 1_600_000, latencyMs: 0 });
  });

  afterAll(async () => {
    await shaper.close();
    await new Promise((resolve) => origin.close(resolve));
  });

  it('shares the link between responses: a small one started after a large one is not held behind it', async () => {
    const took = async (path: string) => {
      const start = performance.now();
      const res = await fetch(`${shaper.url}${path}`);
      expect((await res.arrayBuffer()).byteLength).toBe(path === '/big' ? 200_000 : 600);
      return performance.now() - start;
    };
    const big = took('/big');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [bigMs, smallMs] = await Promise.all([big, took('/small')]);
    // The large one needs a second of link time; the small one, given its turn, a tick or two.
    // Oldest-first, it waited for most of the large one (about 30 % of its time).
    expect(bigMs).toBeGreaterThan(900);
    expect(smallMs).toBeLessThan(bigMs * 0.1);
  });
});
