/**
 * A traffic-shaping HTTP proxy for the bench. DevTools throttling (Network.emulateNetworkConditions)
 * does not hold for a <video> element's own media requests: once conditions change, Chromium
 * fetched the progressive MP4 far faster than the emulated rate, which would flatter the MP4
 * baseline. Shaping on the wire treats every player the same and changes apply at once, to
 * responses already in flight.
 *
 * Model: each request waits `latencyMs` (one round trip) before it is forwarded; all response
 * bodies share one downstream link of `downBps`, served round-robin in small chunks.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';

export interface LinkProfile {
  readonly downBps: number;
  readonly latencyMs: number;
}

interface Flow {
  readonly res: ServerResponse;
  readonly upstream: IncomingMessage;
  readonly queue: Buffer[];
  queued: number;
  ended: boolean;
}

const TICK_MS = 5;
const CHUNK = 4096;
const HIGH_WATER = 64 * 1024;
/** What CloudFront compresses (text, scripts, playlists, captions). */
const COMPRESSIBLE = /javascript|json|^text\/|mpegurl|vtt/i;

export interface Shaper {
  /** http://localhost:<port> */
  readonly url: string;
  profile: LinkProfile | null;
  close(): Promise<void>;
}

export async function startShaper(target: string, initial: LinkProfile | null = null): Promise<Shaper> {
  const targetUrl = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const flows = new Set<Flow>();
  let credit = 0;
  const shaper: { profile: LinkProfile | null } = { profile: initial };
  let selfOrigin = '';

  let turn = 0;
  const timer = setInterval(() => {
    const profile = shaper.profile;
    credit = profile ? Math.min(credit + (profile.downBps / 8) * (TICK_MS / 1000), (profile.downBps / 8) * 0.05 + CHUNK) : Infinity;
    // Round-robin: one chunk per flow per pass while credit lasts, each tick starting one flow
    // further on. Below ~6.5 Mbit/s a tick's credit is less than a chunk, so a pass that always
    // began with the oldest flow gave it the whole link: a playlist queued behind a 100 KB
    // script until the script was done, where TCP would have shared the link between them.
    let progressed = true;
    while (credit > 0 && progressed) {
      progressed = false;
      const order = [...flows];
      const first = order.length > 0 ? turn++ % order.length : 0;
      for (let i = 0; i < order.length; i++) {
        const flow = order[(first + i) % order.length] as Flow;
        if (credit <= 0) break;
        const head = flow.queue[0];
        if (!head) {
          if (flow.ended) {
            flows.delete(flow);
            flow.res.end();
          }
          continue;
        }
        const size = Math.min(head.length, CHUNK, Number.isFinite(credit) ? Math.max(1, Math.floor(credit)) : CHUNK);
        const piece = head.subarray(0, size);
        if (size === head.length) flow.queue.shift();
        else flow.queue[0] = head.subarray(size);
        flow.queued -= size;
        credit -= size;
        flow.res.write(piece);
        progressed = true;
        if (flow.queued < HIGH_WATER && flow.upstream.isPaused()) flow.upstream.resume();
      }
    }
    if (!Number.isFinite(credit)) credit = 0;
  }, TICK_MS);

  const server: Server = createServer((req, res) => {
    const delay = shaper.profile?.latencyMs ?? 0;
    setTimeout(() => {
      // The distribution sees itself: its host (policy Resource, allowed hosts) and, for the
      // page's own requests, its origin (the session endpoint's same-origin check).
      const headers = { ...req.headers, host: targetUrl.host };
      if (req.headers.origin === selfOrigin) headers.origin = targetUrl.origin;
      const upstreamReq = httpRequest({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers, agent }, (upstream) => {
        const type = String(upstream.headers['content-type'] ?? '');
        if (COMPRESSIBLE.test(type) && !upstream.headers['content-encoding'] && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && upstream.statusCode === 200) {
          // CloudFront compresses these types for viewers that accept it; the local origin does not.
          const raw = upstream.rawHeaders.filter((_, i, all) => (i % 2 === 0 ? !/^content-length$/i.test(all[i] as string) : !/^content-length$/i.test(all[i - 1] as string)));
          const gzip = createGzip();
          res.writeHead(200, [...raw, 'Content-Encoding', 'gzip', 'Vary', 'Accept-Encoding']);
          const flow: Flow = { res, upstream: gzip as unknown as IncomingMessage, queue: [], queued: 0, ended: false };
          flows.add(flow);
          upstream.pipe(gzip);
          gzip.on('data', (chunk: Buffer) => {
            flow.queue.push(chunk);
            flow.queued += chunk.length;
          });
          gzip.on('end', () => (flow.ended = true));
          res.on('close', () => {
            flows.delete(flow);
            upstream.destroy();
          });
          return;
        }
        res.writeHead(upstream.statusCode ?? 502, upstream.rawHeaders);
        const flow: Flow = { res, upstream, queue: [], queued: 0, ended: false };
        flows.add(flow);
        upstream.on('data', (chunk: Buffer) => {
          flow.queue.push(chunk);
          flow.queued += chunk.length;
          if (flow.queued >= HIGH_WATER) upstream.pause();
        });
        upstream.on('end', () => (flow.ended = true));
        upstream.on('error', () => {
          flows.delete(flow);
          res.destroy();
        });
        res.on('close', () => {
          flows.delete(flow);
          upstream.destroy();
        });
      });
      upstreamReq.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstreamReq);
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  selfOrigin = `http://localhost:${port}`;
  return {
    url: `http://localhost:${port}`,
    get profile() {
      return shaper.profile;
    },
    set profile(value: LinkProfile | null) {
      shaper.profile = value;
    },
    async close() {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}
