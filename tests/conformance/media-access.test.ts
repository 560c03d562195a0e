import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, startTestSystem, type TestSystem } from '../support/local-system.ts';

/**
 * What a session's cookies (and its signed query) open, and everything they must not: other
 * courses, look-alike course ids, altered or expired policies, traversal tricks.
 */
const EMBEDDER = 'https://school.example';
let system: TestSystem & { cleanup(): Promise<void> };
let demoCookie: string;
let demoQuery: string;

beforeAll(async () => {
  system = await startTestSystem({ corsAllowedOrigins: [EMBEDDER] });
  await system.enroll('student@example.com', '12');
  const session = await system.session(await system.token('student@example.com'), 'demo');
  demoCookie = session.cookie;
  demoQuery = session.body.query;
});
afterAll(async () => system?.cleanup());

const policyFor = (resource: string, lessThan: number, extra: Record<string, unknown> = {}) => ({
  Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': lessThan }, ...extra } }],
});
const now = () => Math.floor(Date.now() / 1000);

describe('media under /courses/ with the cookies from /auth/session', () => {
  it('lets the student fetch the playlist, the init segment and a segment of the enrolled course', async () => {
    for (const path of ['/courses/demo/lesson-1/master.m3u8', '/courses/demo/lesson-1/v0mwq9a000-0000/720p/init.mp4', '/courses/demo/lesson-1/v0mwq9a000-0000/720p/segment_00001.m4s', '/courses/demo/lesson-2/master.m3u8']) {
      const response = await system.fetch(path, { cookie: demoCookie });
      expect(response.status, path).toBe(200);
    }
    const playlist = await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: demoCookie });
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(await playlist.text()).toContain('#EXTM3U');
  });

  it('serves no version folder the lesson map does not list, even to an enrolled student', async () => {
    // An old or half-made version left in the bucket: its files exist, the edge refuses them.
    const old = 'courses/demo/lesson-1/v0mwq8a000-0000/720p/segment_00001.m4s';
    await mkdir(dirname(join(system.mediaRoot, old)), { recursive: true });
    await writeFile(join(system.mediaRoot, old), 'old bytes');
    const response = await system.fetch(`/${old}`, { cookie: demoCookie });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-lectern-error')).toBe('ERR_VERSION_NOT_SERVED');
    expect(await response.text()).not.toContain('old bytes');
    expect((await system.fetch(`/${old}?${demoQuery}`)).status).toBe(404);
  });

  it('opens nothing in another course, even when the cookies are sent there by hand', async () => {
    const response = await system.fetch('/courses/second/lesson-1/master.m3u8', { cookie: demoCookie });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('/watch/');
  });

  it('keeps /courses/12/ cookies out of /courses/123/', async () => {
    const twelve = await system.session(await system.token('student@example.com'), '12');
    expect((await system.fetch('/courses/12/lesson-1/master.m3u8', { cookie: twelve.cookie })).status).toBe(200);
    expect((await system.fetch('/courses/123/lesson-1/master.m3u8', { cookie: twelve.cookie })).status).toBe(403);
  });

  it('refuses a request without cookies, and answers with the 403 page leading back to the lesson', async () => {
    const response = await system.fetch('/courses/demo/lesson-1/master.m3u8');
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('/watch/');
  });

  it('works cookie-less with the signed query from the session body', async () => {
    expect((await system.fetch(`/courses/demo/lesson-1/master.m3u8?${demoQuery}`)).status).toBe(200);
    expect((await system.fetch(`/courses/second/lesson-1/master.m3u8?${demoQuery}`)).status).toBe(403);
  });

  it('lets a signed URL take precedence over cookies: a bad URL is refused even with good cookies', async () => {
    const bad = demoQuery.replace(/Signature=[^&]+/, 'Signature=AAAA');
    expect((await system.fetch(`/courses/demo/lesson-1/master.m3u8?${bad}`, { cookie: demoCookie })).status).toBe(403);
  });

  it('refuses expired and not-yet-valid policies', async () => {
    const expired = system.signCookies(policyFor(`https://${system.host}/courses/demo/*`, now() - 5));
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: cookieHeader(expired) })).status).toBe(403);
    const future = system.signCookies(policyFor(`https://${system.host}/courses/demo/*`, now() + 600, { DateGreaterThan: { 'AWS:EpochTime': now() + 300 } }));
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: cookieHeader(future) })).status).toBe(403);
  });

  it('accepts SHA-256 signed cookies and a policy restricted to the viewer IP', async () => {
    const sha256 = system.signCookies(policyFor(`https://${system.host}/courses/demo/*`, now() + 600), 'SHA256');
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: cookieHeader(sha256) })).status).toBe(200);
    const ip = system.signCookies(policyFor(`https://${system.host}/courses/demo/*`, now() + 600, { IpAddress: { 'AWS:SourceIp': '127.0.0.1/32' } }));
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: cookieHeader(ip) })).status).toBe(200);
    const elsewhere = system.signCookies(policyFor(`https://${system.host}/courses/demo/*`, now() + 600, { IpAddress: { 'AWS:SourceIp': '10.1.0.0/16' } }));
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: cookieHeader(elsewhere) })).status).toBe(403);
  });

  it('refuses cookies whose policy was altered after signing', async () => {
    const cookies = Object.fromEntries(demoCookie.split('; ').map((c) => c.split(/=(.*)/s, 2) as [string, string]));
    const widened = Buffer.from(JSON.stringify(policyFor(`https://${system.host}/courses/*`, now() + 99999)))
      .toString('base64')
      .replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
    const altered = { ...cookies, 'CloudFront-Policy': widened };
    expect((await system.fetch('/courses/second/lesson-1/master.m3u8', { cookie: cookieHeader(altered) })).status).toBe(403);
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: cookieHeader(altered) })).status).toBe(403);
  });

  it('never lets dot segments, encoded slashes or backslashes reach another course', async () => {
    for (const path of [
      '/courses/demo/../second/lesson-1/master.m3u8',
      '/courses/demo/lesson-1/../../second/lesson-1/master.m3u8',
      '/courses/demo/%2e%2e/second/lesson-1/master.m3u8',
      '/courses/demo/lesson-1/..%2F..%2Fsecond%2Flesson-1%2Fmaster.m3u8',
      '/courses/demo%2F..%2Fsecond/lesson-1/master.m3u8',
      '/courses/demo/lesson-1/..%5C..%5Csecond%5Clesson-1%5Cmaster.m3u8',
      '/courses/demo/lesson-1/%252e%252e/%252e%252e/second/lesson-1/master.m3u8',
    ]) {
      const response = await system.fetch(path, { cookie: demoCookie });
      expect([403, 404], path).toContain(response.status);
      expect(await response.text(), path).not.toContain('courses/second');
    }
  });

  it('refuses files under /courses/ that are not published media types', async () => {
    for (const path of ['/courses/demo/lesson-1/source.mov', '/courses/demo/lesson-1/', '/courses/demo/lesson-1/notes.txt']) {
      expect((await system.fetch(path, { cookie: demoCookie })).status, path).toBe(403);
    }
  });

  it('serves byte ranges with 206 and answers 416 past the end', async () => {
    const path = '/courses/demo/lesson-1/v0mwq9a000-0000/720p/segment_00001.m4s';
    const partial = await system.fetch(path, { cookie: demoCookie, headers: { range: 'bytes=0-9' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toMatch(/^bytes 0-9\/\d+$/);
    expect((await partial.arrayBuffer()).byteLength).toBe(10);
    const beyond = await system.fetch(path, { cookie: demoCookie, headers: { range: 'bytes=999999-' } });
    expect(beyond.status).toBe(416);
    const etag = partial.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await system.fetch(path, { cookie: demoCookie, headers: { 'if-none-match': etag as string } })).status).toBe(304);
  });

  it('redirects next.m3u8 to the next lesson, and says 404 after the last one', async () => {
    const next = await system.fetch('/courses/demo/lesson-1/next.m3u8', { cookie: demoCookie });
    expect(next.status).toBe(302);
    expect(next.headers.get('location')).toBe('/courses/demo/lesson-2/master.m3u8');
    expect((await system.fetch('/courses/demo/lesson-2/next.m3u8', { cookie: demoCookie })).status).toBe(404);
  });

  it('sends a person who navigates to a playlist to the watch page', async () => {
    const response = await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: demoCookie, headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/watch/demo/lesson-1');
  });
});

describe('CORS on media (response headers policy)', () => {
  it('allows an allowlisted origin with credentials, never *', async () => {
    const response = await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: demoCookie, headers: { origin: EMBEDDER } });
    expect(response.headers.get('access-control-allow-origin')).toBe(EMBEDDER);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives any other origin no CORS headers, so its page cannot read the media', async () => {
    const response = await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: demoCookie, headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts CORS headers on a 403 too, so an embedded player can see it and refresh its session', async () => {
    const response = await system.fetch('/courses/demo/lesson-1/master.m3u8', { headers: { origin: EMBEDDER } });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBe(EMBEDDER);
  });
});

describe('public paths', () => {
  it('serves the watch page for any lesson and the error page, without a session', async () => {
    const watch = await system.fetch('/watch/demo/lesson-1');
    expect(watch.status).toBe(200);
    expect(watch.headers.get('content-type')).toMatch(/text\/html/);
    expect((await system.fetch('/errors/403.html')).status).toBe(200);
  });
});
