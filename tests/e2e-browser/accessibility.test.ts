/**
 * Accessibility of the watch page and the embed in Chromium: axe-core (WCAG 2.0/2.1 A and AA
 * rules, into the player's shadow DOM) in every state a student meets — signed out, loading,
 * playing, the captions menu open, the quality and speed menus in use, the transcript open,
 * an error shown — with no violation; the whole player operated with the keyboard alone; and
 * nothing moving by itself when the system asks for reduced motion.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearProgress, cuesOnScreen, inPlayer, launchChromium, newContext, playerState, signedInContext, startPlayerSystem, type PlayerSystem } from './support.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const EN_VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:03.500\nWelcome to the lesson.\n\n00:00:04.000 --> 00:00:06.000\nA second thought.\n\n00:00:07.000 --> 00:00:10.000\nThanks for watching.\n';
const ES_SRT = '1\n00:00:00,500 --> 00:00:03,500\nBienvenidos a la lección.\n\n2\n00:00:04,000 --> 00:00:06,000\nUna segunda idea.\n\n3\n00:00:07,000 --> 00:00:10,000\nGracias por mirar.\n';

let ps: PlayerSystem;
let browser: Browser;
let fixtures = '';
let embedServer: Server;
let embedOrigin = '';
const contexts: BrowserContext[] = [];

function embedPage(token: string, lesson: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course on another site</title><link rel="icon" href="data:,"></head>
<body><main><h1>A course page on another origin</h1>
<lectern-player id="p" course="demo" lesson="${lesson}" label="Embedded lesson" style="width:800px"></lectern-player>
</main>
<script>document.getElementById('p').getToken = async () => ${JSON.stringify(token || null)};</script>
<script src="${ps.system.url}/player/embed.js" async></script>
</body></html>`;
}

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'lectern-a11y-'));
  await writeFile(join(fixtures, 'en.vtt'), EN_VTT);
  await writeFile(join(fixtures, 'es.srt'), ES_SRT);
  embedServer = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://embed');
    if (u.pathname !== '/embed.html') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(embedPage(u.searchParams.get('token') ?? '', u.searchParams.get('lesson') ?? 'lesson-1'));
  });
  await new Promise<void>((r) => embedServer.listen(0, '127.0.0.1', r));
  embedOrigin = `http://localhost:${(embedServer.address() as AddressInfo).port}`;
  [ps, browser] = await Promise.all([
    startPlayerSystem(
      [{ courseId: 'demo', lessonId: 'lesson-1', seconds: 12, title: 'Captioned', captions: [`en=${join(fixtures, 'en.vtt')}`, `es=${join(fixtures, 'es.srt')}`] }],
      { corsAllowedOrigins: [embedOrigin] },
    ),
    launchChromium(),
  ]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await ps?.cleanup();
  await new Promise((r) => (embedServer ? embedServer.close(r) : r(undefined)));
  await rm(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await clearProgress(ps);
});

async function signedIn(email = 'student@example.com', options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await signedInContext(browser, ps, email, options);
  contexts.push(context);
  return context;
}

async function signedOut(): Promise<BrowserContext> {
  const context = await newContext(browser);
  contexts.push(context);
  return context;
}

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`pageerror: ${error.message}`));
  await page.goto(url);
  return page;
}

interface AxeReport {
  readonly violations: string[];
  /** Rules that passed, with how many elements each checked (proof axe saw the player). */
  readonly passes: Record<string, number>;
}

/** axe-core on the whole page (open shadow roots included), WCAG 2.1 A/AA rules. */
async function axe(page: Page): Promise<AxeReport> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<any> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'passes'] });
    return {
      violations: result.violations.flatMap((v: any) =>
        v.nodes.map((n: any) => `${v.id} (${v.impact}): ${v.help}\n    at ${JSON.stringify(n.target)}: ${n.html}\n    ${String(n.failureSummary).replace(/\n/g, '\n    ')}`),
      ),
      passes: Object.fromEntries(result.passes.map((p: any) => [p.id, p.nodes.length])),
    };
  }, WCAG_TAGS);
}

/** No violation in this state; the controls in it were among what axe checked. */
async function expectAccessible(page: Page, state: string, minimumButtons: number): Promise<void> {
  const report = await axe(page);
  expect({ state, violations: report.violations }).toEqual({ state, violations: [] });
  expect(report.passes['button-name'] ?? 0, `${state}: buttons axe named`).toBeGreaterThanOrEqual(minimumButtons);
}

const player = (page: Page) => page.locator('lectern-player');
const shadowFocus = (page: Page) => page.evaluate(() => {
  const el = document.querySelector('lectern-player')?.shadowRoot?.activeElement as HTMLElement | null | undefined;
  return el ? el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName : '';
});

async function playing(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const v = document.querySelector('lectern-player')?.shadowRoot?.querySelector('video');
    return !!v && !v.paused && v.currentTime > 0.3;
  }, undefined, { timeout: 20_000 });
}

async function atTime(page: Page, near: number): Promise<void> {
  await page.waitForFunction((s) => {
    const v = document.querySelector('lectern-player')?.shadowRoot?.querySelector('video');
    return !!v && !v.seeking && Math.abs(v.currentTime - s) < 0.4;
  }, near);
}

/** Every state of one player page: playing, captions menu, quality/speed in use, transcript. */
async function checkPlayerStates(page: Page, where: string): Promise<void> {
  await player(page).getByRole('button', { name: 'Captions', exact: true }).waitFor({ state: 'visible' });
  await player(page).getByRole('button', { name: 'Play' }).first().click();
  await playing(page);
  await expectAccessible(page, `${where}: playing`, 6);

  await player(page).getByRole('button', { name: /^Caption language/ }).click();
  await player(page).getByRole('menu', { name: 'Caption language' }).waitFor({ state: 'visible' });
  await expectAccessible(page, `${where}: captions menu open`, 8);
  await player(page).getByRole('menuitemradio', { name: 'English' }).click();
  await expect.poll(() => inPlayer<string>(page, "[...v.textTracks].find((t) => t.mode === 'showing')?.language")).toBe('en');

  // Quality and speed are native selects: their open list is the browser's own; in use, focused.
  await player(page).getByRole('combobox', { name: 'Playback speed' }).selectOption('1.5');
  await player(page).getByRole('combobox', { name: 'Quality' }).focus();
  await expectAccessible(page, `${where}: quality and speed menus in use, captions on`, 6);

  await player(page).getByRole('button', { name: 'Transcript', exact: true }).click();
  await player(page).getByRole('region', { name: 'Transcript' }).waitFor({ state: 'visible' });
  await expect.poll(() => player(page).locator('.transcript [aria-current="true"]').count()).toBe(1);
  await expectAccessible(page, `${where}: transcript open`, 9);
}

describe('axe-core finds no WCAG 2.1 A/AA violation', () => {
  it('on the watch page: signed out, loading, playing, menus open, transcript open', async () => {
    const out = await open(await signedOut(), `${ps.system.url}/watch/demo/lesson-1`);
    await player(out).getByRole('button', { name: 'Sign in' }).waitFor({ state: 'visible' });
    await expectAccessible(out, 'watch page: signed out', 2);

    const context = await signedIn();
    // Loading: the master playlist held back while axe looks.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await context.route('**/master.m3u8', async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(`${ps.system.url}/watch/demo/lesson-1`);
    await page.waitForFunction(() => !!document.querySelector('lectern-player')?.shadowRoot?.querySelector('.big-play'));
    expect((await playerState(page)).startPosition, 'still loading').toBeUndefined();
    await expectAccessible(page, 'watch page: loading', 2);
    expect((await playerState(page)).startPosition, 'still loading').toBeUndefined();
    release();
    await checkPlayerStates(page, 'watch page');
  }, 120_000);

  it('on the watch page with an error message: not enrolled, and a lesson that does not exist', async () => {
    const context = await signedIn('outsider@example.com');
    const page = await open(context, `${ps.system.url}/watch/demo/lesson-1`);
    await page.waitForFunction(() => document.querySelector('lectern-player')?.hasAttribute('data-error'));
    expect(await player(page).getByRole('alert').textContent()).toMatch(/enrolled/i);
    await expectAccessible(page, 'watch page: not enrolled', 1);

    const missing = await open(await signedIn(), `${ps.system.url}/watch/demo/no-such-lesson`);
    await missing.waitForFunction(() => document.querySelector('lectern-player')?.hasAttribute('data-error'));
    await expectAccessible(missing, 'watch page: missing lesson', 1);
  }, 60_000);

  it('on the embed: signed out, playing, menus open, transcript open, an error message', async () => {
    const out = await open(await signedOut(), `${embedOrigin}/embed.html`);
    await out.waitForFunction(() => document.querySelector('lectern-player')?.getAttribute('data-error') === 'signin-required');
    await expectAccessible(out, 'embed: signed out', 1);

    const refused = await open(await signedOut(), `${embedOrigin}/embed.html?token=${await ps.system.idp.mint({ email: 'outsider@example.com' })}`);
    await refused.waitForFunction(() => document.querySelector('lectern-player')?.hasAttribute('data-error'));
    await expectAccessible(refused, 'embed: not enrolled', 1);

    const page = await open(await signedOut(), `${embedOrigin}/embed.html?token=${await ps.system.idp.mint({ email: 'student@example.com' })}`);
    await checkPlayerStates(page, 'embed');
  }, 120_000);
});

describe('the keyboard alone', () => {
  it('plays and pauses, seeks, sets the volume, picks a caption language, seeks from the transcript and goes full screen', async () => {
    const page = await open(await signedIn(), `${ps.system.url}/watch/demo/lesson-1`);
    await player(page).getByRole('button', { name: 'Captions', exact: true }).waitFor({ state: 'visible' });
    const video = <T,>(expression: string) => inPlayer<T>(page, expression);
    const tabTo = async (label: RegExp, limit = 30) => {
      for (let i = 0; i < limit; i++) {
        if (label.test(await shadowFocus(page))) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${label} (last: ${await shadowFocus(page)})`);
    };

    await page.locator('body').focus();
    await tabTo(/^Play$/);
    await page.keyboard.press('Enter');
    await playing(page);
    await page.keyboard.press('k');
    await expect.poll(() => video<boolean>('v.paused')).toBe(true);
    await page.keyboard.press('k');
    await expect.poll(() => video<boolean>('v.paused')).toBe(false);

    await page.keyboard.press('Home');
    await atTime(page, 0.2);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => video<number>('v.currentTime')).toBeGreaterThanOrEqual(4);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => video<number>('Math.round(v.volume * 100)')).toBe(95);
    await page.keyboard.press('m');
    await expect.poll(() => video<boolean>('v.muted')).toBe(true);
    await page.keyboard.press('m');
    await expect.poll(() => video<boolean>('v.muted')).toBe(false);

    // The language menu: Enter opens it on the checked item, arrows move, Enter picks, focus returns.
    await tabTo(/^Caption language/);
    await page.keyboard.press('Enter');
    await expect.poll(() => shadowFocus(page)).toBe('Off');
    await page.keyboard.press('ArrowDown');
    expect(await shadowFocus(page)).toBe('English');
    await page.keyboard.press('End');
    expect(await shadowFocus(page)).toBe('Español');
    await page.keyboard.press('Escape');
    await expect.poll(() => shadowFocus(page)).toMatch(/^Caption language/);
    expect(await player(page).getByRole('menu').count()).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => shadowFocus(page)).toBe('Off');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => shadowFocus(page)).toBe('Caption language: English');
    await page.keyboard.press('k');
    await page.keyboard.press('1');
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Welcome to the lesson.']);

    // The transcript: T opens it; one tab stop for the cues, arrows move, Enter seeks.
    await page.keyboard.press('t');
    await player(page).getByRole('region', { name: 'Transcript' }).waitFor({ state: 'visible' });
    await tabTo(/Welcome to the lesson/);
    await page.keyboard.press('End');
    expect(await shadowFocus(page)).toMatch(/Thanks for watching/);
    await page.keyboard.press('Enter');
    await atTime(page, 7);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Thanks for watching.']);
    await page.keyboard.press('Shift+Tab');
    expect(await shadowFocus(page)).toBe('Close transcript');
    await page.keyboard.press('Enter');
    await expect.poll(() => shadowFocus(page)).toBe('Transcript');
    expect(await player(page).getByRole('region', { name: 'Transcript' }).count()).toBe(0);

    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName)).toBe('LECTERN-PLAYER');
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
  }, 90_000);
});

describe('reduced motion', () => {
  const motion = (page: Page) =>
    inPlayer<Record<string, string>>(
      page,
      `(() => {
        const css = (sel) => getComputedStyle(root.querySelector(sel));
        return {
          controls: css('.controls').transitionDuration,
          spinner: css('.spinner').animationName + ' ' + css('.spinner').animationDuration,
          transcript: css('.transcript ol').scrollBehavior,
        };
      })()`,
    );

  async function openTranscript(page: Page): Promise<void> {
    await player(page).getByRole('button', { name: 'Transcript', exact: true }).click();
    await player(page).getByRole('region', { name: 'Transcript' }).waitFor({ state: 'visible' });
  }

  it('moves nothing by itself when the system asks for less motion, and animates otherwise', async () => {
    const reduced = await open(await signedIn('student@example.com', { reducedMotion: 'reduce' }), `${ps.system.url}/watch/demo/lesson-1`);
    await openTranscript(reduced);
    expect(await motion(reduced)).toEqual({ controls: '0s', spinner: 'none 0s', transcript: 'auto' });

    const normal = await open(await signedIn('student@example.com', { reducedMotion: 'no-preference' }), `${ps.system.url}/watch/demo/lesson-1`);
    await openTranscript(normal);
    expect(await motion(normal)).toEqual({ controls: '0.2s', spinner: 'spin 0.9s', transcript: 'smooth' });
  }, 60_000);
});
