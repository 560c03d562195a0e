import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../tests/support/local-system.ts';
import { parseUpdate, ProgressInputError } from './progress-store.ts';

let system: TestSystem & { cleanup(): Promise<void> };
const ALLOWED = 'https://school.example';

beforeAll(async () => {
  system = await startTestSystem({ corsAllowedOrigins: [ALLOWED] });
});
afterAll(async () => system?.cleanup());

async function put(token: string, body: unknown, path = '/api/progress/demo/lesson-1'): Promise<Response> {
  return system.fetch(path, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('progress API (local distribution)', () => {
  it('answers a lesson never watched with position 0', async () => {
    const token = await system.token('student@example.com');
    const res = await system.fetch('/api/progress/demo/lesson-2', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ courseId: 'demo', lessonId: 'lesson-2', position: 0, duration: 0, completed: false, completedAt: null, updatedAt: null });
  });

  it('stores the position per user, and completion once', async () => {
    const token = await system.token('student@example.com');
    const first = await put(token, { position: 30, duration: 100 });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ position: 30, duration: 100, completed: false, completedNow: false });
    const done = (await (await put(token, { position: 91, duration: 100, completed: true })).json()) as { completedAt: string; completedNow: boolean };
    expect(done.completedNow).toBe(true);
    const again = (await (await put(token, { position: 95, duration: 100, completed: true })).json()) as { completedAt: string; completedNow: boolean; completed: boolean };
    expect(again).toMatchObject({ completed: true, completedNow: false, completedAt: done.completedAt });
    // Rewatching from the start keeps the completion.
    expect(await (await put(token, { position: 2, duration: 100 })).json()).toMatchObject({ position: 2, completed: true });
    // Another user sees their own record.
    const other = await system.token('other@example.com');
    expect(await (await system.fetch('/api/progress/demo/lesson-1', { headers: { authorization: `Bearer ${other}` } })).json()).toMatchObject({ position: 0 });
  });

  it('takes a page-hide beacon (token in a text/plain body) and answers 204', async () => {
    const token = await system.token('student@example.com');
    const res = await system.fetch('/api/progress/demo/lesson-3', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ token, position: 12.5, duration: 60 }) });
    expect(res.status).toBe(204);
    const read = await system.fetch('/api/progress/demo/lesson-3', { headers: { authorization: `Bearer ${token}` } });
    expect(await read.json()).toMatchObject({ position: 12.5 });
  });

  it('refuses without writing: no or bad token, not enrolled, bad ids, bad body', async () => {
    const token = await system.token('student@example.com');
    expect((await system.fetch('/api/progress/demo/lesson-1')).status).toBe(401);
    expect((await put('not.a.jwt', { position: 1, duration: 2 })).status).toBe(401);
    expect((await put(await system.token('student@example.com', { ttlSeconds: -120 }), { position: 1, duration: 2 })).status).toBe(401);
    const outsider = await system.token('outsider@example.com');
    const refused = await put(outsider, { position: 1, duration: 2 });
    expect(refused.status).toBe(409);
    expect(await (await system.fetch('/api/progress/demo/lesson-1', { headers: { authorization: `Bearer ${outsider}` } })).json()).toMatchObject({ position: 0, updatedAt: null });
    expect((await put(token, { position: 1, duration: 2 }, '/api/progress/Demo/lesson-1')).status).toBe(404);
    expect((await put(token, { position: 1, duration: 2 }, '/api/progress/demo')).status).toBe(404);
    expect((await put(token, { position: -1, duration: 2 })).status).toBe(400);
    expect((await put(token, { position: 1 })).status).toBe(400);
    expect((await system.fetch('/api/progress/demo/lesson-1', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
  });

  it('answers CORS preflights for allowlisted origins only', async () => {
    const ok = await system.fetch('/api/progress/demo/lesson-1', { method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const evil = await system.fetch('/api/progress/demo/lesson-1', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(400);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('progress updates', () => {
  it('are validated', () => {
    expect(parseUpdate({ position: 5, duration: 10, completed: true })).toEqual({ position: 5, duration: 10, completed: true });
    expect(parseUpdate({ position: 10.5, duration: 10 })).toEqual({ position: 10, duration: 10 });
    for (const bad of [null, [], { position: 1 }, { position: 'a', duration: 1 }, { position: 1, duration: 0 }, { position: 1, duration: 1e9 }, { position: 1, duration: 2, completed: 'yes' }]) {
      expect(() => parseUpdate(bad)).toThrow(ProgressInputError);
    }
  });
});
