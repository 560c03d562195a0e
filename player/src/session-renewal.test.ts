import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionPool } from './engine-sessions.ts';
import { Session } from './session.ts';
import { mustRenewMarginSeconds, renewAtMs, renewalsPerHour } from './session-renewal.ts';

describe('when a short media session is renewed', () => {
  it('renews at 60 % of its life and only blocks requests in the last 20 %', () => {
    const received = 1_000_000;
    expect(renewAtMs({ expiresAt: received + 50, lifetimeSeconds: 50 })).toBe((received + 30) * 1000);
    expect(mustRenewMarginSeconds(50)).toBe(10);
    expect(mustRenewMarginSeconds(5)).toBe(2);
    expect(mustRenewMarginSeconds(7200)).toBe(30);
  });

  it('costs 120 issuer calls per student-hour at the default 50 s', () => {
    expect(renewalsPerHour(50)).toBe(120);
  });
});

describe('a Session counts the edge expiry on its own clock', () => {
  afterEach(() => vi.unstubAllGlobals());

  function edge(expiresIn: number, serverSkewSeconds: number) {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      const serverNow = Math.floor(clock / 1000) + serverSkewSeconds;
      return new Response(JSON.stringify({ expiresAt: serverNow + expiresIn, expiresIn, query: `Policy=p${calls.length}` }), { status: 200 });
    });
    return calls;
  }
  let clock = Date.parse('2026-12-03T10:00:00Z');

  it('keeps a 50 s session for 40 s, then fetches a new one, however wrong the edge clock is from ours', async () => {
    const calls = edge(50, 3_600);
    const session = new Session({ origin: 'https://cdn.example', courseId: 'demo', getToken: async () => 't', mode: 'cookies', now: () => clock });
    const first = await session.ensure();
    expect(first.lifetimeSeconds).toBe(50);
    expect(first.expiresAt).toBe(clock / 1000 + 50);
    clock += 39_000;
    expect(await session.ensure()).toBe(first);
    expect(calls).toHaveLength(1);
    clock += 2_000;
    const second = await session.ensure();
    expect(calls).toHaveLength(2);
    expect(second.query).toBe('Policy=p2');
  });

  it('does not restore a stored session from before lifetimes were recorded', () => {
    const store = new Map<string, string>([['lectern:session:https://cdn.example:demo', JSON.stringify({ expiresAt: clock / 1000 + 7000, query: 'Policy=old', mode: 'cookies' })]]);
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    const session = new Session({ origin: 'https://cdn.example', courseId: 'demo', getToken: async () => 't', mode: 'cookies', storage, now: () => clock });
    expect(session.current).toBeNull();
  });
});

describe('the engine renews the attached course\'s session on schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function pool(options: { idle?: () => boolean; attachedCourse?: () => string | undefined } = {}) {
    const posts: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      posts.push(JSON.parse(String(init.body)).courseId);
      return Response.json({ expiresAt: Math.floor(Date.now() / 1000) + 50, expiresIn: 50, query: 'Policy=p' });
    });
    const errors: string[] = [];
    const sessions = new SessionPool({
      origin: 'https://cdn.example',
      getToken: async () => 't',
      mode: 'cookies',
      attachedCourse: options.attachedCourse ?? (() => undefined),
      idle: options.idle ?? (() => false),
      onError: (error) => errors.push(error.code),
    });
    return { sessions, posts, errors };
  }

  it('renews at 60 % of a 50 s session, again and again, until destroyed', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-03T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { sessions, posts } = pool();
    await sessions.transport('demo').session.ensure();
    expect(posts).toEqual(['demo']);
    await vi.advanceTimersByTimeAsync(29_900);
    expect(posts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(posts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(posts).toHaveLength(3);
    sessions.destroy();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(posts).toHaveLength(3);
  });

  it('lets the session lapse in a hidden tab with paused media, and renews only the attached course', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-03T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let idle = true;
    const { sessions, posts } = pool({ idle: () => idle, attachedCourse: () => 'demo' });
    await sessions.transport('other').session.ensure();
    await sessions.transport('demo').session.ensure();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(posts).toEqual(['other', 'demo']);
    idle = false;
    await sessions.transport('demo').session.refresh('visible');
    await vi.advanceTimersByTimeAsync(30_100);
    expect(posts).toEqual(['other', 'demo', 'demo', 'demo']);
  });
});
