/**
 * Names that mean something to JavaScript objects (`__proto__`, `constructor`, `then`...),
 * sent as query-parameter names, cookie names, header names, JSON keys, form fields and path
 * segments through every route of the running local system: the distribution's behaviors
 * (/watch, /player, /errors, /courses with and without signed cookies or a signed query,
 * /auth/session, /auth/lessons, /api/progress) and the local IdP. A request may be refused, but
 * only on purpose: no 5xx, no dropped connection, nothing changed on Object.prototype of the
 * process the system runs in, and a student's whole flow (session, playlist, segment, progress
 * written and read back through DynamoDB) still works afterwards.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCourseId } from '../../edge/course-id.ts';
import { dataPaths } from '../../local/data-paths.ts';
import { LOCAL_USER_POOL_ID } from '../../local/idp.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

const NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__',
  'isPrototypeOf', 'then', '%5F%5Fproto%5F%5F', '__pro%74o__', '__proto__[multiValue]', 'constructor.prototype',
];
/** What may stand as an HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SEGMENT = /^[^/?#[\]]+$/;

interface Probe {
  readonly method: string;
  /** Against the distribution (`/...`) or the IdP (`idp:/...`). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** A status this probe must get, where one is certain. */
  readonly expect?: number;
}

let system: TestSystem & { cleanup(): Promise<void> };
let idpUrl: string;
let student: string;
let cookie: string;
let signedQuery: string;
const prototypeBefore = snapshot(Object.prototype);

function snapshot(target: object): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null);
  for (const name of Object.getOwnPropertyNames(target)) {
    const d = Object.getOwnPropertyDescriptor(target, name) as PropertyDescriptor;
    copy[name] = d.value ?? d.get;
  }
  return copy;
}

beforeAll(async () => {
  system = await startTestSystem();
  idpUrl = (JSON.parse(readFileSync(dataPaths(system.dataDir).runtime, 'utf8')) as { idpUrl: string }).idpUrl;
  student = await system.token('student@example.com');
  const session = await system.session(student, 'demo');
  cookie = session.cookie;
  signedQuery = session.body.query;
  // The progress API only judges reports for a published lesson with a real duration.
  await system.publishLesson('demo', 'lesson-1', 600);
});
afterAll(async () => system?.cleanup());

function probesFor(name: string): Probe[] {
  const bearer = { authorization: `Bearer ${student}` };
  const json = { 'content-type': 'application/json' };
  const q = `${name}=1`;
  const asHeader = TOKEN.test(name) ? { [name]: '1' } : {};
  const segment = SEGMENT.test(name) ? name : encodeURIComponent(name);
  const probes: Probe[] = [
    // Player paths (viewer-request function, SPA rewrite) and the error pages.
    { method: 'GET', path: `/watch/demo/lesson-1?${q}`, expect: 200 },
    { method: 'GET', path: `/watch/${segment}/${segment}?${q}&${q}`, headers: { cookie: `${name}=1; ${name}=2` } },
    { method: 'GET', path: `/watch/demo/lesson-1`, headers: { ...asHeader, cookie: `${name}=x`, accept: 'text/html' }, expect: 200 },
    { method: 'GET', path: `/player/${segment}?${q}` },
    { method: 'GET', path: `/player/config.json?${q}`, headers: { cookie: `${name}=1` }, expect: 200 },
    { method: 'GET', path: `/errors/${segment}?${q}` },
    { method: 'GET', path: `/errors/403.html?${q}`, headers: asHeader, expect: 200 },
    { method: 'GET', path: `/${segment}` },
    // Media: no credentials, signed cookies, a signed query, with the odd name beside them.
    { method: 'GET', path: `/courses/demo/lesson-1/master.m3u8?${q}`, headers: { cookie: `${name}=1` }, expect: 403 },
    { method: 'GET', path: `/courses/demo/lesson-1/master.m3u8?${q}`, headers: { ...asHeader, cookie: `${cookie}; ${name}=1` }, expect: 200 },
    { method: 'GET', path: `/courses/demo/lesson-1/v0mwq9a000-0000/720p/segment_00001.m4s?${q}`, headers: { cookie: `${name}=1; ${cookie}` }, expect: 200 },
    { method: 'GET', path: `/courses/demo/lesson-1/master.m3u8?${signedQuery}&${q}`, expect: 200 },
    { method: 'GET', path: `/courses/demo/lesson-1/next.m3u8?${q}&${signedQuery}`, headers: asHeader, expect: 302 },
    { method: 'GET', path: `/courses/demo/${segment}/master.m3u8?${q}`, headers: { cookie } },
    { method: 'GET', path: `/courses/demo/lesson-1/${segment}`, headers: { cookie } },
    { method: 'GET', path: `/courses/${segment}/lesson-1/master.m3u8`, headers: { cookie: `${cookie}; ${name}=1` } },
    { method: 'GET', path: `/courses/demo/lesson-1/master.m3u8`, headers: { cookie: `CloudFront-Policy=1; ${name}=1; CloudFront-Signature=x` }, expect: 403 },
    { method: 'HEAD', path: `/courses/demo/lesson-1/master.m3u8?${q}`, headers: { cookie, accept: 'text/html' }, expect: 302 },
    // The cookie issuer: JSON keys, query names, headers, cookies.
    { method: 'POST', path: `/auth/session?${q}`, headers: { ...bearer, ...json, ...asHeader, cookie: `${name}=1` }, body: JSON.stringify({ courseId: 'demo', [name]: { courseId: 'second' } }), expect: 200 },
    { method: 'POST', path: '/auth/session', headers: { ...bearer, ...json }, body: `{"${name}": {"courseId": "demo"}}`, expect: 400 },
    { method: 'POST', path: '/auth/session', headers: { ...bearer, ...json }, body: `{"__proto__": {"courseId": "demo"}, "${name}": 1}`, expect: 400 },
    { method: 'POST', path: '/auth/session', headers: { ...bearer, ...json }, body: `{"courseId": "${name}"}`, expect: isCourseId(name) ? 409 : 400 },
    { method: 'DELETE', path: `/auth/session?courseId=demo&${q}`, headers: { ...bearer, cookie: `${cookie}; ${name}=1` }, expect: 200 },
    { method: 'DELETE', path: `/auth/session?courseId=${encodeURIComponent(name)}`, headers: bearer, expect: isCourseId(name) ? 200 : 400 },
    { method: 'OPTIONS', path: `/auth/session?${q}`, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': name.toLowerCase() } },
    { method: 'GET', path: `/auth/lessons/demo/lesson-1?${q}`, headers: { ...bearer, ...asHeader }, expect: 200 },
    { method: 'GET', path: `/auth/lessons/demo/${segment}`, headers: bearer },
    { method: 'GET', path: `/auth/lessons/${segment}/${segment}`, headers: bearer },
    { method: 'GET', path: `/auth/${segment}`, headers: bearer },
    // The progress API: report keys, odd paths, a beacon whose token sits beside the odd key.
    { method: 'PUT', path: `/api/progress/demo/lesson-1?${q}`, headers: { ...bearer, ...json, ...asHeader }, body: JSON.stringify({ position: 2, [name]: { position: 500 } }), expect: 200 },
    { method: 'PUT', path: '/api/progress/demo/lesson-1', headers: { ...bearer, ...json }, body: `{"${name}": {"position": 300}}`, expect: 400 },
    { method: 'PUT', path: '/api/progress/demo/lesson-1', headers: { ...bearer, ...json }, body: `{"__proto__": {"position": 300, "completed": true}}`, expect: 400 },
    { method: 'POST', path: '/api/progress/demo/lesson-1', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ token: student, position: 3, [name]: 1 }), expect: 204 },
    { method: 'GET', path: `/api/progress/demo/${segment}`, headers: bearer },
    { method: 'GET', path: `/api/progress/${segment}/lesson-1?${q}`, headers: { ...bearer, cookie: `${name}=1` } },
    { method: 'GET', path: `/api/${segment}`, headers: bearer },
    // The local IdP: query and form names, JSON keys, odd paths.
    { method: 'GET', path: `idp:/oauth2/authorize?${q}&client_id=${encodeURIComponent(system.idp.clientId)}` },
    { method: 'GET', path: `idp:/oauth2/authorize?${q}&${q}`, headers: asHeader },
    { method: 'POST', path: 'idp:/oauth2/authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${q}&email=student%40example.com` },
    { method: 'POST', path: 'idp:/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${q}&grant_type=authorization_code&code=${encodeURIComponent(name)}&client_id=${encodeURIComponent(system.idp.clientId)}`, expect: 400 },
    { method: 'POST', path: 'idp:/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(name)}&client_id=${encodeURIComponent(system.idp.clientId)}`, expect: 400 },
    { method: 'POST', path: 'idp:/demo/sign-in', headers: json, body: `{"${name}": {"email": "student@example.com"}}`, expect: 400 },
    { method: 'POST', path: 'idp:/demo/sign-in', headers: json, body: `{"email": "${name}"}`, expect: 400 },
    { method: 'GET', path: `idp:/${LOCAL_USER_POOL_ID}/.well-known/jwks.json?${q}`, expect: 200, headers: asHeader },
    { method: 'GET', path: `idp:/logout?${q}&logout_uri=${encodeURIComponent(name)}` },
    { method: 'OPTIONS', path: `idp:/oauth2/token?${q}` },
    { method: 'GET', path: `idp:/${segment}?${q}` },
  ];
  return probes;
}

async function send(probe: Probe): Promise<{ status: number; error?: string }> {
  const url = probe.path.startsWith('idp:') ? `${idpUrl}${probe.path.slice(4)}` : `${system.url}${probe.path}`;
  try {
    // A request left hanging is a failure too, not a test timeout.
    const response = await fetch(url, { method: probe.method, redirect: 'manual', signal: AbortSignal.timeout(10_000), ...(probe.headers ? { headers: probe.headers } : {}), ...(probe.body !== undefined ? { body: probe.body } : {}) });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    return { status: -1, error: String((error as Error).cause ?? error) };
  }
}

describe('prototype-ish names sent through every route of the local system', () => {
  it('get deliberate answers, never a 5xx or a dropped connection, and leave Object.prototype alone', async () => {
    const probes = NAMES.flatMap(probesFor);
    const failures: string[] = [];
    // A few at a time, like a page's loader: enough to interleave requests, not a load test.
    for (let i = 0; i < probes.length; i += 4) {
      const batch = probes.slice(i, i + 4);
      const answers = await Promise.all(batch.map(send));
      answers.forEach((answer, j) => {
        const probe = batch[j] as Probe;
        const what = `${probe.method} ${probe.path.replace(student, '<token>')} ${JSON.stringify(probe.headers ?? {}).replace(student, '<token>').slice(0, 120)} ${probe.body?.replace(student, '<token>').slice(0, 80) ?? ''}`;
        if (answer.status < 100 || answer.status >= 500) failures.push(`${answer.status} ${answer.error ?? ''} <- ${what}`);
        else if (probe.expect !== undefined && answer.status !== probe.expect) failures.push(`${answer.status} (expected ${probe.expect}) <- ${what}`);
      });
    }
    expect(failures).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(Object.keys(prototypeBefore).sort());
    expect(snapshot(Object.prototype)).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>)['multiValue']).toBeUndefined();
  });

  it('still serves a student afterwards: session, master playlist, a segment, a progress write read back from DynamoDB', async () => {
    const session = await system.session(await system.token('student@example.com'), 'demo');
    expect(session.response.status).toBe(200);
    expect((await system.fetch('/courses/demo/lesson-1/master.m3u8', { cookie: session.cookie })).status).toBe(200);
    const segment = await system.fetch('/courses/demo/lesson-1/v0mwq9a000-0000/720p/segment_00001.m4s', { cookie: session.cookie });
    expect(segment.status).toBe(200);
    expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const bearer = { authorization: `Bearer ${student}`, 'content-type': 'application/json' };
    const put = await system.fetch('/api/progress/demo/lesson-1', { method: 'PUT', headers: bearer, body: JSON.stringify({ position: 4.5 }) });
    expect(put.status).toBe(200);
    const read = await system.fetch('/api/progress/demo/lesson-1', { headers: bearer });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ courseId: 'demo', lessonId: 'lesson-1', position: 4.5, duration: 600 });
  });
});
