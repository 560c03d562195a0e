/**
 * The watch page's boot script, run as the page runs it (the page's globals are parameters here),
 * and the Session adopting what it sent. `fetch` is stubbed; nothing touches the network.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOKENS_KEY } from './auth.ts';
import { BOOT_SCRIPT, sessionStorageKey, takeBootSession, WATCH_ROUTE } from './boot-session.ts';
import { Session } from './session.ts';

const ORIGIN = 'https://d111.cloudfront.net';
const NOW = Date.parse('2026-12-03T10:00:00Z');

interface Sent {
  readonly url: string;
  readonly init: RequestInit;
}

/** Runs BOOT_SCRIPT in a page at `path` with these stores; returns what it sent and left behind. */
function runBoot(options: { path?: string; search?: string; tokens?: unknown; session?: boolean }) {
  const sent: Sent[] = [];
  const local = new Map<string, string>(options.tokens === undefined ? [] : [[TOKENS_KEY, JSON.stringify(options.tokens)]]);
  const stored = new Map<string, string>(options.session ? [[sessionStorageKey(ORIGIN, 'intro-to-rust'), '{}']] : []);
  const window: Record<string, unknown> = {};
  const page = {
    window,
    location: { pathname: options.path ?? '/watch/intro-to-rust/lesson-1', search: options.search ?? '', origin: ORIGIN },
    localStorage: { getItem: (k: string) => local.get(k) ?? null },
    sessionStorage: { getItem: (k: string) => stored.get(k) ?? null },
    Date: { now: () => NOW },
    fetch: (url: string, init: RequestInit) => (sent.push({ url, init }), Promise.resolve(new Response('{}'))),
  };
  new Function(...Object.keys(page), BOOT_SCRIPT)(...Object.values(page));
  return { sent, boot: window['__lecternBoot'] as { origin: string; courseId: string; token: string } | undefined };
}

const fresh = { accessToken: 'tok-1', expiresAt: NOW + 3_600_000 };

afterEach(() => {
  vi.unstubAllGlobals();
  delete (globalThis as Record<string, unknown>)['__lecternBoot'];
});

describe('the boot script', () => {
  it('asks for the course session with the stored token as soon as the page is parsed', () => {
    const { sent, boot } = runBoot({ tokens: fresh });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('/auth/session');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.credentials).toBe('include');
    expect((sent[0]!.init.headers as Record<string, string>)['authorization']).toBe('Bearer tok-1');
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({ courseId: 'intro-to-rust' });
    expect(boot).toMatchObject({ origin: ORIGIN, courseId: 'intro-to-rust', token: 'tok-1' });
  });

  it.each([
    ['no stored token', { tokens: undefined }],
    ['a token with under a minute left (the token provider would refresh it)', { tokens: { accessToken: 'tok-1', expiresAt: NOW + 59_000 } }],
    ['a garbled token record', { tokens: { accessToken: 7, expiresAt: NOW + 3_600_000 } }],
    ['a page that is not a lesson', { tokens: fresh, path: '/watch/' }],
    ['a course id the route refuses', { tokens: fresh, path: '/watch/Intro_Rust/lesson-1' }],
    ['the return from sign-in (the page exchanges the code first)', { tokens: fresh, search: '?code=abc&state=x' }],
    ['a session already stored for the course', { tokens: fresh, session: true }],
  ])('sends nothing for %s', (_name, options) => {
    const { sent, boot } = runBoot(options);
    expect(sent).toHaveLength(0);
    expect(boot).toBeUndefined();
  });

  it('uses the route the watch page serves', () => {
    expect(BOOT_SCRIPT).toContain(JSON.stringify(WATCH_ROUTE.source));
  });
});

describe('the Session adopting the boot request', () => {
  function leaveBoot(response: Promise<Response>, over: Partial<{ origin: string; courseId: string; token: string }> = {}) {
    (globalThis as Record<string, unknown>)['__lecternBoot'] = { origin: ORIGIN, courseId: 'intro-to-rust', token: 'tok-1', response, ...over };
  }
  const body = () => Response.json({ expiresAt: Math.floor(NOW / 1000) + 50, expiresIn: 50, query: 'Policy=p&Signature=s&Key-Pair-Id=K' });
  const newSession = () => new Session({ origin: ORIGIN, courseId: 'intro-to-rust', getToken: async () => 'tok-1', mode: 'cookies', now: () => NOW });

  it('takes the boot response for its first request instead of sending another', async () => {
    const fetched = vi.fn(async () => body());
    vi.stubGlobal('fetch', fetched);
    leaveBoot(Promise.resolve(body()));
    const info = await newSession().ensure();
    expect(info.lifetimeSeconds).toBe(50);
    expect(fetched).not.toHaveBeenCalled();
    // Once only: the next request is the Session's own.
    expect(takeBootSession(ORIGIN, 'intro-to-rust', 'tok-1')).toBeUndefined();
  });

  it.each([
    ['another distribution', { origin: 'https://other.example' }],
    ['another course', { courseId: 'databases' }],
    ['another token', { token: 'tok-0' }],
  ])('ignores a boot request for %s', async (_name, over) => {
    const fetched = vi.fn(async () => body());
    vi.stubGlobal('fetch', fetched);
    leaveBoot(Promise.resolve(body()), over);
    await newSession().ensure();
    expect(fetched).toHaveBeenCalledTimes(1);
  });

  it('sends its own request when the boot request failed on the network', async () => {
    const fetched = vi.fn(async () => body());
    vi.stubGlobal('fetch', fetched);
    const failed = Promise.reject(new TypeError('Failed to fetch'));
    failed.catch(() => undefined);
    leaveBoot(failed);
    const info = await newSession().ensure();
    expect(info.query).toContain('Policy=p');
    expect(fetched).toHaveBeenCalledTimes(1);
  });
});
