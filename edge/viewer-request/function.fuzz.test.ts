/**
 * Thousands of random viewer requests (unicode, %-encodings, dot segments, backslashes, very
 * long URIs, odd headers, cookies and query strings, names like `__proto__` among them) through
 * the BUILT function in the cloudfront-js-2.0 sandbox: it never throws, always returns a request
 * or response CloudFront would accept, and never lets an unpublished path under /courses/ through.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildViewerRequest } from './build.ts';
import { loadCloudFrontFunction, type CloudFrontFunctionSandbox } from '../../emulator/cloudfront/function-sandbox.ts';
import { kvsFromImportFormat } from '../../emulator/cloudfront/kvs-import-format.ts';
import { isCfResponse, type CfEvent, type CfValue } from '../cloudfront-functions/event-shape.ts';

const RUNS = 4000;
const SEED = 0x1ec7e2;

let fn: CloudFrontFunctionSandbox;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lectern-vr-fuzz-'));
  const file = path.join(dir, 'viewer-request.js');
  await buildViewerRequest(file);
  fn = loadCloudFrontFunction(await readFile(file, 'utf8'), {
    kvs: kvsFromImportFormat({
      data: [
        { key: 'demo/lesson-1', value: 'lesson-2' },
        { key: 'demo/lesson-2', value: '../../etc' },
        { key: 'a/b', value: 'c' },
      ],
    }),
  });
});

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
const chance = (p: number) => random() < p;

const CHARS = [
  () => String.fromCharCode(0x21 + int(0x5e)), // printable ASCII
  () => String.fromCharCode(int(0x20)), // controls, NUL
  () => pick(['%', '/', '.', '\\', '#', '?', '&', '=', ' ', '+', ';', '*', '~', '"', "'", '<', '>']),
  () => `%${int(256).toString(16).padStart(2, '0')}`,
  () => pick(['%2e', '%2E', '%2f', '%2F', '%5c', '%00', '%', '%z', '%e9']),
  () => String.fromCharCode(0xa0 + int(0x60)), // Latin-1
  () => String.fromCharCode(0x4e00 + int(0x1000)), // CJK
  () => String.fromCodePoint(0x1f600 + int(0x50)), // emoji (surrogate pair)
  () => String.fromCharCode(0xd800 + int(0x800)), // lone surrogate
  () => '\u202e', // right-to-left override
];

function text(max: number): string {
  let s = '';
  const length = int(max + 1);
  for (let i = 0; i < length; i++) s += pick(CHARS)();
  return s;
}

const IDS = ['demo', 'lesson-1', 'lesson-2', 'lesson-3', 'a', 'b', 'x1'];
const BAD_IDS = ['Demo', '..', '.', '', '-a', 'a-', '%2e%2e', 'a%2fb', 'a\\b', 'a*', 'a?', 'lesson_1', 'x'.repeat(65)];
const FILES = ['master.m3u8', 'next.m3u8', 'index.m3u8', 'init.mp4', 'seg-00001.m4s', 'poster.jpg', 'a.vtt', 'x.M3U8', 'a.txt',
  'noext', '.hidden.m4s', 'a..m4s', 'a.m4s.', 'a.m4s%00.txt', 'index.html'];

function segment(): string {
  const r = random();
  if (r < 0.45) return pick(IDS);
  if (r < 0.7) return pick(BAD_IDS);
  return text(12);
}

function uri(): string {
  const r = random();
  if (r < 0.45) {
    const parts = [segment(), segment()];
    if (chance(0.4)) parts.push(segment());
    if (chance(0.1)) parts.push(segment());
    parts.push(chance(0.7) ? pick(FILES) : text(10));
    return `/courses/${parts.join('/')}`;
  }
  if (r < 0.5) return `/courses/${pick(['demo', 'a'])}/${pick(['lesson-1', 'lesson-2', 'lesson-3', 'b'])}/next.m3u8`;
  if (r < 0.55) return `/courses/${text(30)}`;
  if (r < 0.65) return `${pick(['/watch/', '/player/', '/errors/', '/', '/coursesx/'])}${text(20)}`;
  if (r < 0.75) return `/${Array.from({ length: 1 + int(8) }, () => pick(['..', '.', '', segment(), text(6)])).join('/')}`;
  if (r < 0.85) return `/courses/demo/lesson-1/${'a/'.repeat(int(3))}${'x'.repeat(1000 + int(8000))}.m4s`;
  return `/${text(60)}`;
}

/** Names that mean something to JavaScript objects: CloudFront hands them over like any other. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'then'];

const DISALLOWED = /^(connection|expect|keep-alive|proxy-|trailer|upgrade|x-accel-|x-amz|x-cache|x-edge-|x-forwarded-proto|x-real-ip)/;

function values(make: () => string): CfValue {
  if (!chance(0.2)) return { value: make() };
  const multiValue = Array.from({ length: 1 + int(3) }, () => ({ value: make() }));
  return { value: multiValue[0]!.value, multiValue };
}

function headers(): Record<string, CfValue> {
  // No prototype: a `__proto__` name must become an entry here, not this object's prototype.
  const out: Record<string, CfValue> = Object.assign(Object.create(null), { host: { value: 'video.example.com' } });
  const headerText = (max: number) => text(max).replace(/[\r\n\0]/g, '_');
  if (chance(0.5)) out.accept = values(() => pick(['*/*', 'text/html,application/xhtml+xml', 'application/vnd.apple.mpegurl', headerText(20), 'TEXT/HTML']));
  if (chance(0.3)) out['sec-fetch-mode'] = values(() => pick(['navigate', 'cors', 'no-cors', ' Navigate ', headerText(8)]));
  const extra = int(5);
  for (let i = 0; i < extra; i++) {
    const name = chance(0.1) ? pick(PROTOTYPE_NAMES).toLowerCase() : Array.from({ length: 1 + int(16) }, () => pick('abcdefghijklmnopqrstuvwxyz0123456789-'.split(''))).join('');
    // No CR, LF or NUL: no HTTP request can carry them in a header value.
    if (!DISALLOWED.test(name)) out[name] = values(() => headerText(40));
  }
  return out;
}

function map(count: number, name: () => string, value: () => string): Record<string, CfValue> {
  const out: Record<string, CfValue> = Object.create(null);
  for (let i = 0; i < count; i++) out[name()] = values(value);
  return out;
}

function randomEvent(): CfEvent {
  return {
    version: '1.0',
    context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: `r${int(1e9)}` },
    viewer: { ip: `198.51.100.${int(256)}` },
    request: {
      method: chance(0.85) ? pick(['GET', 'HEAD', 'OPTIONS']) : pick(['POST', 'PUT', 'DELETE', 'PATCH', 'get', text(6)]),
      uri: uri(),
      querystring: map(int(5), () => pick(['Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm', 'Expires', pick(PROTOTYPE_NAMES), text(8)]), () => text(30)),
      headers: headers(),
      cookies: map(int(4), () => pick(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id', pick(PROTOTYPE_NAMES), text(8)]), () => text(30)),
    },
  };
}

const ID = '[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?';
const LOCATION = new RegExp(`^/(watch/${ID}/${ID}|courses/${ID}/${ID}/master\\.m3u8(\\?[\\x21-\\x7e]*)?)$`);

/**
 * The oracle, written from DESIGN.md and the media layout, not from core.ts: what may reach
 * the media bucket is `/courses/<course>/<lesson>/` then one to three plain names (letters,
 * digits, `_`, `-`, `.`; none starting with a dot, none holding `..`, at most 128 characters)
 * whose last one ends in a published media extension (HLS playlists and segments, CMAF, MP4
 * init segments, WebVTT, poster and thumbnail images).
 */
const ID_RE = new RegExp(`^${ID}$`);
const PUBLISHED_EXTENSIONS = ['m3u8', 'm4s', 'cmfv', 'cmfa', 'mp4', 'm4a', 'vtt', 'jpg', 'jpeg', 'png', 'webp'];
function oracleMayReachMedia(uri: string): boolean {
  if (!uri.startsWith('/courses/')) return false;
  const [course, lesson, ...names] = uri.slice('/courses/'.length).split('/');
  if (!ID_RE.test(course ?? '') || !ID_RE.test(lesson ?? '')) return false;
  if (names.length < 1 || names.length > 3) return false;
  for (const name of names) {
    if (name.length < 1 || name.length > 128 || name.startsWith('.') || name.includes('..')) return false;
    for (const ch of name) if (!/[A-Za-z0-9_.-]/.test(ch)) return false;
  }
  const last = names[names.length - 1] as string;
  const dot = last.lastIndexOf('.');
  return dot > 0 && PUBLISHED_EXTENSIONS.includes(last.slice(dot + 1).toLowerCase());
}

/** Runs `runs` random events through `sandbox`; throws at the first property it breaks. */
async function fuzz(sandbox: CloudFrontFunctionSandbox, runs: number): Promise<Map<number | string, number>> {
  const seen = new Map<number | string, number>();
  for (let i = 0; i < runs; i++) {
    const event = randomEvent();
    const original = JSON.parse(JSON.stringify(event.request)) as CfEvent['request'];
    let result;
    try {
      result = await sandbox.run(event);
    } catch (e) {
      throw new Error(`run ${i} failed for ${JSON.stringify(original)}: ${(e as Error).message}`);
    }
    const context = `run ${i}: ${original.method} ${JSON.stringify(original.uri.slice(0, 200))}`;
    if (isCfResponse(result)) {
      seen.set(result.statusCode, (seen.get(result.statusCode) ?? 0) + 1);
      expect([302, 403, 404, 405, 503], context).toContain(result.statusCode);
      if (result.statusCode === 302) expect(result.headers?.location?.value, context).toMatch(LOCATION);
    } else {
      seen.set('pass', (seen.get('pass') ?? 0) + 1);
      expect(result.method, context).toBe(original.method);
      expect(result.querystring, context).toEqual(original.querystring);
      expect(result.headers, context).toEqual(original.headers);
      expect(result.cookies, context).toEqual(original.cookies);
      if (original.uri.startsWith('/courses/')) {
        expect(result.uri, context).toBe(original.uri);
        expect(oracleMayReachMedia(result.uri), `${context}: an unpublished path reached the media bucket`).toBe(true);
      } else {
        expect([original.uri, '/index.html'], context).toContain(result.uri);
      }
    }
  }
  return seen;
}

describe('the built viewer-request function under random input', () => {
  it(`never throws, always returns a valid request or response, and lets no unpublished path through (${RUNS} runs)`, async () => {
    const seen = await fuzz(fn, RUNS);
    // The generator reaches every outcome, so the properties above were really exercised.
    for (const outcome of ['pass', 302, 403, 404, 405, 503]) expect(seen.get(outcome) ?? 0, String(outcome)).toBeGreaterThan(0);
  }, 120_000);

  it('the oracle agrees with the layout on hand-picked paths', () => {
    expect(oracleMayReachMedia('/courses/demo/lesson-1/master.m3u8')).toBe(true);
    expect(oracleMayReachMedia('/courses/demo/lesson-1/v0abc/720p/seg-00001.m4s')).toBe(true);
    expect(oracleMayReachMedia('/courses/demo/lesson-1/poster.JPG')).toBe(true);
    for (const bad of ['/courses/demo/lesson-1/a.txt', '/courses/Demo/lesson-1/a.m4s', '/courses/demo/lesson-1/../x.m4s',
      '/courses/demo/lesson-1/a/b/c/d.m4s', '/courses/demo/lesson-1/.hidden.m4s', '/courses/demo/lesson-1/a%2e.m4s',
      '/courses/demo/lesson-1/a..m4s', '/courses/demo/lesson-1/noext', '/courses/demo/lesson-1/', '/courses/demo/x.m4s']) {
      expect(oracleMayReachMedia(bad), bad).toBe(false);
    }
  });

  it('catches a function that lets unpublished paths through (the judge can fail)', async () => {
    const leaky = loadCloudFrontFunction(
      "async function handler(event) { var r = event.request; if (r.uri.indexOf('/courses/') === 0 && r.uri.slice(-4) === '.txt') return r;" +
        " return { statusCode: 403, statusDescription: 'Forbidden' }; }",
    );
    await expect(fuzz(leaky, RUNS)).rejects.toThrow(/an unpublished path reached the media bucket/);
  }, 120_000);
});
