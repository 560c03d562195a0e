/**
 * Access that ends when it should, in a real browser: with short sessions (10 s here, 50 s by
 * default) the player renews silently while a lesson plays, and a revoked enrollment stops
 * playback with the not-enrolled message within the session lifetime, the edge refusing the
 * page's own cookies by then. The bound is printed, for the README's security section.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subFor } from '../../local/demo-data.ts';
import { LADDER } from '../../pipeline/ladder.ts';
import { dynamoClient } from '../../tables/client.ts';
import { enroll, unenroll } from '../../tables/enrollments.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { launchChromium, newContext, playerState, startPlayerSystem, throttle, withSystemDynamo, type PlayerSystem } from './support.ts';

const LIFETIME = 10;
let ps: PlayerSystem;
let browser: Browser;
let url = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [ps, browser] = await Promise.all([
    startPlayerSystem([{ courseId: 'demo', lessonId: 'lesson-1', seconds: 40, size: '640x360' }], {
      stack: { cookieTtlSeconds: LIFETIME },
      ladder: { ...LADDER, rungs: LADDER.rungs.filter((r) => ['360p', '240p'].includes(r.name)).map((r) => ({ ...r, optional: false })) },
    }),
    launchChromium(),
  ]);
  url = ps.system.url;
}, 180_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await ps?.cleanup();
});

async function watching(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const token = await ps.system.idp.mint({ email: 'student@example.com' });
  await context.addInitScript(
    ({ token, origin }) => {
      if (location.origin === origin) localStorage.setItem('lectern:tokens', JSON.stringify({ accessToken: token, expiresAt: Date.now() + 3_600_000 }));
    },
    { token, origin: url },
  );
  const page = await context.newPage();
  // Slow enough that segments keep being fetched for the whole test, not buffered at once.
  await throttle(await context.newCDPSession(page), { downBps: 700_000, latencyMs: 40 });
  await page.goto(`${url}/watch/demo/lesson-1`);
  await page.locator('lectern-player').getByRole('button', { name: 'Play' }).first().click();
  await page.waitForFunction(() => {
    const v = document.querySelector('lectern-player')?.shadowRoot?.querySelector('video');
    return !!v && v.currentTime > 0.2 && !v.paused;
  }, undefined, { timeout: 30_000 });
  await page.evaluate(`(() => {
    window.stallMs = 0;
    const v = document.querySelector('lectern-player').shadowRoot.querySelector('video');
    v.addEventListener('waiting', () => (window.stallStart = performance.now()));
    v.addEventListener('playing', () => window.stallStart && ((window.stallMs += performance.now() - window.stallStart), (window.stallStart = 0)));
  })()`);
  return page;
}

const withDynamo = <T,>(run: (client: ReturnType<typeof dynamoClient>) => Promise<T>) => withSystemDynamo(ps, run);

/**
 * A media GET with the page's own cookies, sent from here rather than from the throttled page
 * (where it would queue behind the player's own downloads): what the edge says about them now.
 */
async function segmentStatus(page: Page, url: string): Promise<number> {
  const cookies = await page.context().cookies(url);
  const response = await fetch(url, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
  await response.body?.cancel();
  return response.status;
}

describe('short sessions in Chromium', () => {
  it('renews mid-play without a stall and without ever meeting a 403', async () => {
    const page = await watching();
    const before = (await playerState(page)).sessionRefreshes as number;
    await page.waitForTimeout((LIFETIME * 2.5) * 1000);
    const state = await playerState(page);
    expect(state.error).toBeNull();
    expect(state.sessionRefreshes - before).toBeGreaterThanOrEqual(3);
    expect(state.recovered403).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { stallMs: number }).stallMs)).toBeLessThan(250);
    expect(await page.evaluate(`document.querySelector('lectern-player').shadowRoot.querySelector('video').paused`)).toBe(false);
  }, 120_000);

  it('stops playback with the not-enrolled message within the session lifetime of a revocation, the edge refusing its cookies', async () => {
    const page = await watching();
    const segment = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.m4s') && n.includes('/courses/demo/'))!);
    expect(await segmentStatus(page, segment)).toBe(200);
    await withDynamo((c) => unenroll(c, DEFAULT_TABLE_PREFIX, subFor('student@example.com'), 'demo'));
    const revokedAt = Date.now();
    try {
      const alert = page.locator('lectern-player').getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: (LIFETIME + 5) * 1000, interval: 200 }).toMatch(/enrollment has ended/);
      const playerSeconds = (Date.now() - revokedAt) / 1000;
      expect((await playerState(page)).error.code).toBe('not-enrolled');
      expect(await page.evaluate(`document.querySelector('lectern-player').shadowRoot.querySelector('video').paused`)).toBe(true);
      await expect.poll(() => segmentStatus(page, segment), { timeout: (LIFETIME + 5) * 1000, interval: 200 }).toBe(403);
      const edgeSeconds = (Date.now() - revokedAt) / 1000;
      console.log(`revocation with ${LIFETIME} s sessions: player stopped after ${playerSeconds.toFixed(1)} s, edge refused after ${edgeSeconds.toFixed(1)} s`);
      expect(playerSeconds).toBeLessThanOrEqual(LIFETIME);
      // DateLessThan is whole seconds: the lifetime plus the second the policy was cut in.
      expect(edgeSeconds).toBeLessThanOrEqual(LIFETIME + 1.5);
    } finally {
      await withDynamo((c) => enroll(c, DEFAULT_TABLE_PREFIX, { userId: subFor('student@example.com'), courseId: 'demo', email: 'student@example.com' }));
    }
  }, 120_000);

  it('signs out at the edge: the cookies are cleared at once, a copy taken before stops within the lifetime', async () => {
    const page = await watching();
    const segment = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.m4s') && n.includes('/courses/demo/'))!);
    const copied = (await page.context().cookies(segment)).map((c) => `${c.name}=${c.value}`).join('; ');
    expect(copied).toContain('CloudFront-Policy=');
    await page.getByRole('button', { name: 'Sign out' }).click();
    const signedOutAt = Date.now();
    // The IdP's /logout sends the page back to /watch/ (the registered logout URI).
    await page.waitForURL((u) => u.pathname === '/watch/', { timeout: 10_000, waitUntil: 'load' });
    await expect.poll(async () => (await page.context().cookies(segment)).filter((c) => c.name.startsWith('CloudFront-')).length, { timeout: 5_000 }).toBe(0);
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('lectern:session:')))).toEqual([]);
    await expect
      .poll(async () => {
        const response = await fetch(segment, { headers: { cookie: copied } });
        await response.body?.cancel();
        return response.status;
      }, { timeout: (LIFETIME + 5) * 1000, interval: 200 })
      .toBe(403);
    expect((Date.now() - signedOutAt) / 1000).toBeLessThanOrEqual(LIFETIME + 1.5);
  }, 120_000);
});
