/**
 * Sessions and media requests without a browser: `fetch` is stubbed, the clock is ours.
 * (When renewals are scheduled: session-renewal.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlayerError } from './errors.ts';
import { Session, type SessionModeSetting, type TokenProvider } from './session.ts';
import { canonicalUrl, withQuery } from './signed-url.ts';
import { Transport } from './transport.ts';

const ORIGIN = 'https://cdn.example';
const KEY = `lectern:session:${ORIGIN}:demo`;

interface Call {
  readonly method: string;
  readonly url: string;
  readonly auth: string | null;
  readonly credentials: RequestCredentials | undefined;
}

type Handler = (call: Call, n: number) => Response | Promise<Response>;

/** Routes POST /auth/session to `session`, everything else to `media`; records every call. */
function stubEdge(handlers: { session?: Handler; media?: Handler }): Call[] {
  const calls: Call[] = [];
  let sessions = 0;
  let media = 0;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const call: Call = { method: init.method ?? 'GET', url, auth: headers.get('authorization'), credentials: init.credentials };
    calls.push(call);
    if (url.startsWith(`${ORIGIN}/auth/session`)) return (handlers.session ?? okSession)(call, sessions++);
    return (handlers.media ?? (() => new Response('#EXTM3U', { status: 200 })))(call, media++);
  });
  return calls;
}

const okSession: Handler = (_call, n) => Response.json({ expiresAt: Math.floor(clock / 1000) + 50, expiresIn: 50, query: `Policy=p${n}&Signature=s&Key-Pair-Id=K` });

let clock = Date.parse('2026-12-03T10:00:00Z');

function memoryStorage(initial: Record<string, string> = {}) {
  const store = new Map(Object.entries(initial));
  return { store, getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
}

function session(options: { mode?: SessionModeSetting; getToken?: TokenProvider; storage?: ReturnType<typeof memoryStorage>; onRefresh?: (reason: string) => void } = {}): Session {
  return new Session({
    origin: ORIGIN,
    courseId: 'demo',
    getToken: options.getToken ?? (async () => 'token-1'),
    mode: options.mode ?? 'cookies',
    storage: options.storage,
    now: () => clock,
    ...(options.onRefresh ? { onRefresh: (_info: unknown, reason: string) => options.onRefresh?.(reason) } : {}),
  });
}

beforeEach(() => {
  clock = Date.parse('2026-12-03T10:00:00Z');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('signed URLs', () => {
  it('strips CloudFront signing parameters for cache keys and keeps the rest', () => {
    expect(canonicalUrl('https://cdn/courses/c/l/a.m4s?Policy=x&Signature=y&Key-Pair-Id=K&v=2')).toBe('https://cdn/courses/c/l/a.m4s?v=2');
    expect(canonicalUrl('https://cdn/courses/c/l/a.m4s')).toBe('https://cdn/courses/c/l/a.m4s');
  });

  it('appends the session query once, whatever the URL carried', () => {
    expect(withQuery('https://cdn/a.m3u8', 'Policy=p&Signature=s&Key-Pair-Id=K')).toBe('https://cdn/a.m3u8?Policy=p&Signature=s&Key-Pair-Id=K');
    expect(withQuery('https://cdn/a.m3u8?Policy=old&Signature=old', 'Policy=p&Signature=s')).toBe('https://cdn/a.m3u8?Policy=p&Signature=s');
    expect(withQuery('https://cdn/a.m3u8?v=1', 'Policy=p')).toBe('https://cdn/a.m3u8?v=1&Policy=p');
  });
});

describe('Session', () => {
  it('posts the bearer token and course, shares concurrent refreshes, and reports each renewal', async () => {
    const calls = stubEdge({});
    const reasons: string[] = [];
    const s = session({ onRefresh: (r) => reasons.push(r) });
    const [a, b] = await Promise.all([s.ensure(), s.refresh('scheduled')]);
    expect(a).toBe(b);
    expect(calls).toEqual([{ method: 'POST', url: `${ORIGIN}/auth/session`, auth: 'Bearer token-1', credentials: 'include' }]);
    expect(reasons).toEqual(['start']);
    await s.refresh('scheduled');
    expect(reasons).toEqual(['start', 'scheduled']);
    expect(s.refreshes).toBe(2);
    expect(s.current?.query).toBe('Policy=p1&Signature=s&Key-Pair-Id=K');
  });

  it('retries a 503 once, after Retry-After', async () => {
    vi.useFakeTimers({ now: clock, toFake: ['setTimeout'] });
    const calls = stubEdge({ session: (c, n) => (n === 0 ? new Response('{}', { status: 503, headers: { 'retry-after': '2' } }) : okSession(c, n)) });
    const s = session();
    const pending = s.ensure();
    await vi.advanceTimersByTimeAsync(1_900);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    await expect(pending).resolves.toMatchObject({ lifetimeSeconds: 50 });
    expect(calls).toHaveLength(2);
  });

  it('gives up on a second 503 with session-unavailable', async () => {
    vi.useFakeTimers({ now: clock, toFake: ['setTimeout'] });
    stubEdge({ session: () => new Response('{}', { status: 503 }) });
    const pending = session().ensure();
    const settled = expect(pending).rejects.toMatchObject({ code: 'session-unavailable' });
    await vi.advanceTimersByTimeAsync(5_000);
    await settled;
  });

  it('on 401 asks for a force-refreshed token once, then sends the person to sign in', async () => {
    const asked: unknown[] = [];
    const getToken: TokenProvider = async (options) => (asked.push(options), options?.forceRefresh ? 'token-2' : 'token-1');
    const calls = stubEdge({ session: (c, n) => (c.auth === 'Bearer token-2' ? okSession(c, n) : Response.json({ error: { code: 'ERR_TOKEN' } }, { status: 401 })) });
    await session({ getToken }).ensure();
    expect(asked).toEqual([undefined, { forceRefresh: true }]);
    expect(calls.map((c) => c.auth)).toEqual(['Bearer token-1', 'Bearer token-2']);

    stubEdge({ session: () => new Response('{}', { status: 401 }) });
    await expect(session({ getToken }).ensure()).rejects.toMatchObject({ code: 'signin-required' });
  });

  it('maps ERR_NOT_ENROLLED and a missing token to their errors', async () => {
    stubEdge({ session: () => Response.json({ error: { code: 'ERR_NOT_ENROLLED' } }, { status: 403 }) });
    await expect(session().ensure()).rejects.toEqual(new PlayerError('not-enrolled', 'ERR_NOT_ENROLLED'));
    await expect(session({ getToken: async () => null }).ensure()).rejects.toMatchObject({ code: 'signin-required' });
  });

  it('restores a stored session (and its signed-query mode in auto) without a request, and clears it on sign-out', async () => {
    const storage = memoryStorage({ [KEY]: JSON.stringify({ expiresAt: clock / 1000 + 40, lifetimeSeconds: 50, query: 'Policy=saved', mode: 'signed-query' }) });
    const calls = stubEdge({});
    const s = session({ mode: 'auto', storage });
    expect(s.mode).toBe('signed-query');
    expect(await s.ensure()).toMatchObject({ query: 'Policy=saved' });
    expect(s.sign(`${ORIGIN}/courses/demo/l/master.m3u8`)).toBe(`${ORIGIN}/courses/demo/l/master.m3u8?Policy=saved`);
    expect(calls).toHaveLength(0);
    // Cookie mode keeps cookies whatever the stored mode was.
    expect(session({ mode: 'cookies', storage }).mode).toBe('cookies');
    await s.clear();
    expect(storage.store.has(KEY)).toBe(false);
    expect(calls).toEqual([expect.objectContaining({ method: 'DELETE', url: `${ORIGIN}/auth/session?courseId=demo` })]);
  });

  it('lets a renewal already on its way land before the sign-out, and starts none after it', async () => {
    const storage = memoryStorage();
    let answer: (r: Response) => void = () => undefined;
    const calls = stubEdge({ session: (call) => (call.method === 'POST' ? new Promise<Response>((r) => (answer = r)) : new Response(null, { status: 200 })) });
    const s = session({ storage });
    const renewal = s.refresh('renew');
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const signingOut = s.clear();
    answer(Response.json({ expiresAt: Math.floor(clock / 1000) + 50, expiresIn: 50, query: 'Policy=late' }));
    await renewal;
    await signingOut;
    expect(calls.map((c) => c.method)).toEqual(['POST', 'DELETE']);
    expect(storage.store.has(KEY)).toBe(false);
    expect(s.current).toBeNull();
    await expect(s.ensure()).rejects.toMatchObject({ code: 'signin-required' });
    expect(calls).toHaveLength(2);
  });

  it('does not restore a session inside its must-renew margin', () => {
    const storage = memoryStorage({ [KEY]: JSON.stringify({ expiresAt: clock / 1000 + 5, lifetimeSeconds: 50, query: 'Policy=old', mode: 'cookies' }) });
    expect(session({ storage }).current).toBeNull();
  });
});

describe('Transport', () => {
  it('signs nothing in cookie mode and sends credentials', async () => {
    const calls = stubEdge({});
    const t = new Transport(session());
    const res = await t.get(`${ORIGIN}/courses/demo/l/master.m3u8`);
    expect(res).toMatchObject({ status: 200, ok: true, url: `${ORIGIN}/courses/demo/l/master.m3u8` });
    expect(new TextDecoder().decode(res.data)).toBe('#EXTM3U');
    expect(calls.at(-1)).toMatchObject({ url: `${ORIGIN}/courses/demo/l/master.m3u8`, credentials: 'include' });
  });

  it('on 403 refreshes the session once and retries the same request', async () => {
    const calls = stubEdge({ media: (_c, n) => new Response(n === 0 ? '' : 'seg', { status: n === 0 ? 403 : 200 }) });
    const t = new Transport(session());
    const res = await t.get(`${ORIGIN}/courses/demo/l/a.m4s`);
    expect(res.ok).toBe(true);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST', 'GET']);
    expect(t.session.refreshes).toBe(2);
    expect(t.recovered).toBe(1);
  });

  it('a 403 that survives a fresh session: cookie mode gives up, auto mode falls back to the signed query', async () => {
    const denyCookies: Handler = (c) => new Response('', { status: c.url.includes('Policy=') ? 200 : 403 });
    const cookies = new Transport(session({ mode: 'cookies' }));
    stubEdge({ media: denyCookies });
    expect((await cookies.get(`${ORIGIN}/courses/demo/l/a.m4s`)).status).toBe(403);
    expect(cookies.recovered).toBe(0);

    const storage = memoryStorage();
    const calls = stubEdge({ media: denyCookies });
    const auto = new Transport(session({ mode: 'auto', storage }));
    const res = await auto.get(`${ORIGIN}/courses/demo/l/a.m4s`);
    expect(res).toMatchObject({ ok: true, url: `${ORIGIN}/courses/demo/l/a.m4s` });
    expect(auto.session.mode).toBe('signed-query');
    expect(calls.at(-1)).toMatchObject({ url: `${ORIGIN}/courses/demo/l/a.m4s?Policy=p1&Signature=s&Key-Pair-Id=K`, credentials: 'omit' });
    expect(JSON.parse(storage.store.get(KEY) ?? '{}')).toMatchObject({ mode: 'signed-query' });
    expect(auto.recovered).toBe(1);
  });

  it('starts signed in signed-query mode', async () => {
    const calls = stubEdge({});
    await new Transport(session({ mode: 'signed-query' })).get(`${ORIGIN}/courses/demo/l/master.m3u8?Policy=stale`);
    expect(calls.at(-1)).toMatchObject({ url: `${ORIGIN}/courses/demo/l/master.m3u8?Policy=p0&Signature=s&Key-Pair-Id=K`, credentials: 'omit' });
  });

  it('renews a session past its must-renew margin before the next request', async () => {
    const calls = stubEdge({});
    const t = new Transport(session());
    await t.get(`${ORIGIN}/courses/demo/l/a.m4s`);
    clock += 41_000;
    await t.get(`${ORIGIN}/courses/demo/l/b.m4s`);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST', 'GET']);
  });
});
