/**
 * The player in a real browser (Debian's chromium via playwright-core) against the local
 * distribution (startLocalSystem, port 0, temp data folder), with two short lessons encoded
 * by the real pipeline. One browser for the whole file; each test gets a fresh context
 * (cookies, storage and HTTP cache of a new device).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subFor } from '../../local/demo-data.ts';
import { dynamoClient } from '../../tables/client.ts';
import { enroll, unenroll } from '../../tables/enrollments.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { registerSource } from '../../pipeline/on-demand.ts';
import { clearProgress, launchChromium, newContext, playerState, setPageVisibility, startPlayerSystem, throttle, withSystemDynamo, type PlayerSystem } from './support.ts';

let ps: PlayerSystem;
let browser: Browser;
let embedServer: Server;
/** The embedding site: same site as the distribution (localhost), another origin (port). */
let embedOrigin = '';
/** The same page on another site (127.0.0.1 is not localhost): its cookies to us are third-party. */
let crossSiteOrigin = '';
let url = '';
const contexts: BrowserContext[] = [];
/** Every request the local distribution answered (`<METHOD> <url> <status> ...`). */
const distributionLog: string[] = [];
/**
 * Browsers send CORS preflights without cookies or a signed query, so CloudFront's key-group
 * check refuses every preflight under /courses/*: the player must never cause one.
 */
const mediaPreflights = () => distributionLog.filter((line) => line.startsWith('OPTIONS /courses/'));

function embedPage(query: URLSearchParams): string {
  const mode = query.get('mode') ?? 'auto';
  const token = query.get('token') ?? '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title><link rel="icon" href="data:,"></head>
<body><h1>A course page on another origin</h1>
<lectern-player id="p" course="demo" lesson="lesson-1" mode="${mode}" label="Embedded lesson" style="width:640px"></lectern-player>
<script>document.getElementById('p').getToken = async () => ${JSON.stringify(token)};</script>
<script src="${url}/player/embed.js" async></script>
</body></html>`;
}

beforeAll(async () => {
  embedServer = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://embed');
    if (u.pathname !== '/embed.html') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(embedPage(u.searchParams));
  });
  await new Promise<void>((r) => embedServer.listen(0, '127.0.0.1', r));
  const embedPort = (embedServer.address() as AddressInfo).port;
  embedOrigin = `http://localhost:${embedPort}`;
  crossSiteOrigin = `http://127.0.0.1:${embedPort}`;
  [ps, browser] = await Promise.all([
    startPlayerSystem(
      [
        { courseId: 'demo', lessonId: 'lesson-1', seconds: 12, title: 'Welcome' },
        { courseId: 'demo', lessonId: 'lesson-2', seconds: 12, title: 'The edge' },
      ],
      { corsAllowedOrigins: [embedOrigin, crossSiteOrigin], stack: { onDemandEncoding: true }, log: (line) => distributionLog.push(line) },
    ),
    launchChromium(),
  ]);
  url = ps.system.url;
  await addCaptions('demo', 'lesson-2');
  // A lesson whose source is registered but not encoded: the edge encodes it on first request.
  await withDynamo((dynamo) =>
    registerSource({ input: ps.lessons.get('demo/lesson-1')!.source, courseId: 'demo', lessonId: 'on-demand', dataDir: ps.dataDir, dynamo, tablePrefix: DEFAULT_TABLE_PREFIX }),
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await ps?.cleanup();
  await new Promise((r) => (embedServer ? embedServer.close(r) : r(undefined)));
});

beforeEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  // Closing a page sends its page-hide beacon: let it land before wiping progress.
  await new Promise((r) => setTimeout(r, 400));
  await clearProgress(ps);
});

/** A captions rendition (WebVTT) added to a published lesson's master playlist. */
async function addCaptions(courseId: string, lessonId: string): Promise<void> {
  const lessonDir = join(ps.system.mediaRoot, 'courses', courseId, lessonId);
  const master = await readFile(join(lessonDir, 'master.m3u8'), 'utf8');
  const version = /^(v[^/\s]+)\//m.exec(master)?.[1] as string;
  await mkdir(join(lessonDir, version, 'subs'), { recursive: true });
  await writeFile(join(lessonDir, version, 'subs', 'en.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:11.000\nWelcome to the edge.\n');
  await writeFile(
    join(lessonDir, version, 'subs', 'en.m3u8'),
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:12\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:12.0,\nen.vtt\n#EXT-X-ENDLIST\n',
  );
  const withSubs = master
    .replace('#EXT-X-INDEPENDENT-SEGMENTS\n', `#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="${version}/subs/en.m3u8"\n`)
    .replace(/(#EXT-X-STREAM-INF:[^\n]*)/g, '$1,SUBTITLES="subs"');
  await writeFile(join(lessonDir, 'master.m3u8'), withSubs);
}

const withDynamo = <T,>(run: (client: ReturnType<typeof dynamoClient>) => Promise<T>) => withSystemDynamo(ps, run);

/** A new "device": fresh context, already signed in (tokens where the watch page keeps them). */
async function device(email = 'student@example.com'): Promise<BrowserContext> {
  const context = await newContext(browser);
  contexts.push(context);
  const token = await ps.system.idp.mint({ email });
  await context.addInitScript(
    ({ token, origin }) => {
      if (location.origin === origin && !localStorage.getItem('lectern:tokens')) {
        localStorage.setItem('lectern:tokens', JSON.stringify({ accessToken: token, expiresAt: Date.now() + 3_600_000 }));
      }
    },
    { token, origin: url },
  );
  return context;
}

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`pageerror: ${error.message}`));
  await page.goto(`${url}${path}`);
  return page;
}

const videoEval = <T,>(page: Page, fn: string): Promise<T> =>
  page.evaluate(`(() => { const v = document.querySelector('lectern-player').shadowRoot.querySelector('video'); return ${fn}; })()`) as Promise<T>;

async function waitTime(page: Page, seconds: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (s) => {
      const v = document.querySelector('lectern-player')?.shadowRoot?.querySelector('video');
      return !!v && v.currentTime >= s && !v.paused;
    },
    seconds,
    { timeout },
  );
}

async function serverProgress(email: string, courseId: string, lessonId: string): Promise<any> {
  const token = await ps.system.idp.mint({ email });
  const res = await fetch(`${url}/api/progress/${courseId}/${lessonId}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const player = (page: Page) => page.locator('lectern-player');

describe('the player in Chromium', () => {
  it('signs in through the IdP (code + PKCE), comes back to the lesson and plays with hls.js over MSE', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const requests: string[] = [];
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${url}/watch/demo/lesson-1`);
    await player(page).getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/oauth2\/authorize\?/);
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${url}/watch/`);
    await page.getByRole('button', { name: 'student@example.com' }).click();
    await page.waitForURL(`${url}/watch/demo/lesson-1`);
    await waitTime(page, 1.5);

    const state = await playerState(page);
    expect(state.error).toBeNull();
    expect(state.path).toBe('hls.js');
    // Chrome answers "maybe" for HLS too; the player still chose MSE.
    expect(await videoEval<string>(page, "v.canPlayType('application/vnd.apple.mpegurl')")).not.toBe('');
    expect(await videoEval<string>(page, 'v.currentSrc')).toMatch(/^blob:/);
    // Sound, not just pictures (the local ladder muxes audio into every rendition).
    expect(await videoEval<number>(page, 'v.webkitAudioDecodedByteCount')).toBeGreaterThan(0);
    // hls.js arrived as a lazily imported chunk, not with the page.
    expect(requests.some((u) => /\/player\/assets\/hls-[\w-]{8}\.js$/.test(u))).toBe(true);
    // The start-up fetches made before hls.js loaded were handed to it, not fetched twice.
    const served = state.servedFromCache as string[];
    expect(served).toContain(`${url}/courses/demo/lesson-1/master.m3u8`);
    expect(served.some((u) => /\/index\.m3u8$/.test(u))).toBe(true);
    expect(served.some((u) => /\/seg-00000\.m4s$/.test(u))).toBe(true);
    expect(requests.filter((u) => u.endsWith('/courses/demo/lesson-1/master.m3u8'))).toHaveLength(1);
    expect(state.levels).toHaveLength(3);
    expect(await page.locator('#account').textContent()).toContain('student@example.com');
  }, 60_000);

  it("asks for the media session from the page's boot script, before the player's script runs, and only once", async () => {
    const context = await device();
    const page = await context.newPage();
    const order: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/auth/session')) order.push('session');
      else if (/\/player\/assets\/hls-[\w-]{8}\.js$/.test(r.url())) order.push('hls.js');
    });
    await page.goto(`${url}/watch/demo/lesson-1`);
    await expect.poll(async () => (await playerState(page)).marks?.['first-buffered'], { timeout: 20_000 }).toBeGreaterThan(0);
    // hls.js is the player script's first request: the session went out before it.
    expect(order).toEqual(['session', 'hls.js']);
    const state = await playerState(page);
    expect(state.sessionRefreshes).toBe(1);
    expect(state.error).toBeNull();
    // The poster waits for the first segment, and then shows.
    await expect.poll(() => videoEval<string>(page, 'v.poster')).toMatch(/\/poster\.jpg/);
  }, 60_000);

  it('plays the prefetched first segment when the click comes before hls.js has arrived, and hls.js takes over the same MediaSource without a gap', async () => {
    const context = await device();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route(/\/player\/assets\/hls-[\w-]{8}\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(`${url}/watch/demo/lesson-1`);
    await expect.poll(async () => (await playerState(page)).marks?.['first-segment'], { timeout: 20_000 }).toBeGreaterThan(0);
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.5);
    let state = await playerState(page);
    expect(state.marks?.['head-start']).toBeGreaterThan(0);
    expect(state.marks?.['hls-loaded']).toBeUndefined();
    expect(await videoEval<string>(page, 'v.currentSrc')).toMatch(/^blob:/);
    // hls.js still held: the head start goes on by itself past the first (2 s) segment, 6 s ahead of the playhead.
    await waitTime(page, 3, 30_000);
    expect((await playerState(page)).marks?.['hls-loaded']).toBeUndefined();
    await expect.poll(() => videoEval<number>(page, 'v.buffered.end(0)'), { timeout: 20_000 }).toBeGreaterThan(7.5);

    release();
    await expect.poll(async () => (await playerState(page)).marks?.['hls-loaded'], { timeout: 20_000 }).toBeGreaterThan(0);
    // hls.js plays on to the end of the lesson (12 s) from the same MediaSource.
    await waitTime(page, 11, 30_000);
    state = await playerState(page);
    expect(state.marks?.['hls-loaded']).toBeGreaterThan(state.marks!['head-start']!);
    expect(state.error).toBeNull();
    expect(state.levels).toHaveLength(3);
    expect(await videoEval<number>(page, 'v.webkitAudioDecodedByteCount')).toBeGreaterThan(0);
    expect(await videoEval<number>(page, 'v.buffered.length')).toBe(1);
  }, 60_000);

  it('starts at a level the measured bandwidth can carry, and switches quality from the menu (manual and back to auto) under a throttled network', async () => {
    const context = await device();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await throttle(cdp, { downBps: 1_200_000, latencyMs: 80 });
    await page.goto(`${url}/watch/demo/lesson-1`);
    // hls.js in place first: a click before it has arrived plays the head start, and by the time
    // hls.js takes over this 12 s lesson is wholly buffered at the start level, leaving no later
    // fragment for a quality switch to land on.
    await expect.poll(async () => ((await playerState(page)).marks as Record<string, number>)['hls-loaded'], { timeout: 30_000 }).toBeGreaterThan(0);
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.5, 30_000);
    let state = await playerState(page);
    const levels = state.levels as { index: number; height: number; bitrate: number }[];
    const started = levels.find((l) => l.index === state.currentLevel)!;
    expect(started.bitrate).toBeLessThanOrEqual(1_200_000 * 0.8);
    expect(started.height).toBeLessThan(540);

    const top = levels.reduce((a, b) => (b.height > a.height ? b : a));
    await player(page).getByRole('combobox', { name: 'Quality' }).selectOption(String(top.index));
    await page.waitForFunction(() => document.querySelector('lectern-player')?.getAttribute('data-level') === '540p', null, { timeout: 30_000 });
    state = await playerState(page);
    expect(state.autoLevel).toBe(false);
    expect(state.currentLevel).toBe(top.index);
    await waitTime(page, (await videoEval<number>(page, 'v.currentTime')) + 0.5, 30_000);

    await player(page).getByRole('combobox', { name: 'Quality' }).selectOption('-1');
    state = await playerState(page);
    expect(state.autoLevel).toBe(true);
    await throttle(cdp, null);
  }, 90_000);

  it('shows the poster the master names, seeks to keyframes (seek bar and keyboard) and previews the sprite thumbnail under the pointer', async () => {
    const context = await device();
    const sprites: number[] = [];
    const posters: number[] = [];
    context.on('response', (r) => /thumbs-\d+\.jpg/.test(r.url()) && sprites.push(r.status()));
    context.on('response', (r) => /\/poster\.jpg/.test(r.url()) && posters.push(r.status()));
    const page = await open(context, '/watch/demo/lesson-1');
    await expect.poll(() => videoEval<string>(page, 'v.poster')).toMatch(/\/courses\/demo\/lesson-1\/v[^/]+\/poster\.jpg/);
    await expect.poll(() => posters).toContain(200);
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.5);

    const seek = player(page).getByRole('slider', { name: 'Seek' });
    const box = (await seek.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    const preview = page.locator('lectern-player .preview');
    await expect.poll(() => preview.isVisible()).toBe(true);
    expect(await preview.evaluate((el) => (el as HTMLElement).style.backgroundImage)).toMatch(/thumbs-000\.jpg/);
    await expect.poll(() => sprites).toContain(200);

    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height / 2);
    await expect.poll(() => videoEval<number>(page, 'v.currentTime'), { timeout: 5000 }).toBeGreaterThan(7);
    const landed = await playerState(page);
    expect(landed.error).toBeNull();
    // Keyboard: focus the player, Home then "l" (+10 s): the target is on the 2 s keyframe grid.
    await player(page).getByRole('region', { name: 'Lesson video' }).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('l');
    const t = await videoEval<number>(page, 'v.currentTime');
    expect(Math.abs(t - 10)).toBeLessThan(0.6);
    await page.keyboard.press('ArrowLeft');
    const back = await videoEval<number>(page, 'v.currentTime');
    expect(back % 2 < 0.6 || back % 2 > 1.4).toBe(true);
    // Playback continues after seeking (a keyframe was at hand).
    await waitTime(page, back + 0.5, 5000);
  }, 60_000);

  it('pauses when the tab is hidden and resumes when it is shown again', async () => {
    const context = await device();
    const page = await open(context, '/watch/demo/lesson-1');
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 1);
    await setPageVisibility(page, 'hidden');
    expect(await videoEval<boolean>(page, 'v.paused')).toBe(true);
    const at = await videoEval<number>(page, 'v.currentTime');
    await page.waitForTimeout(600);
    expect(await videoEval<number>(page, 'v.currentTime')).toBeCloseTo(at, 1);
    // The pause saved progress.
    await expect.poll(async () => (await serverProgress('student@example.com', 'demo', 'lesson-1')).position).toBeGreaterThan(0.5);
    await setPageVisibility(page, 'visible');
    await waitTime(page, at + 0.5, 5000);
  }, 60_000);

  it('saves progress (pause, beacon on page hide) and resumes after a reload and on another device', async () => {
    const context = await device();
    const page = await open(context, '/watch/demo/lesson-1');
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.3);
    await videoEval(page, 'v.currentTime = 6');
    await waitTime(page, 7);
    await player(page).getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await serverProgress('student@example.com', 'demo', 'lesson-1')).position).toBeGreaterThanOrEqual(7);

    // Reload: the page resumes where it left off.
    await page.reload();
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 7.1);
    expect((await playerState(page)).startPosition).toBeGreaterThanOrEqual(6);

    // Page hide sends a beacon with the latest position.
    await waitTime(page, 8.5);
    await page.close({ runBeforeUnload: true });
    await expect.poll(async () => (await serverProgress('student@example.com', 'demo', 'lesson-1')).position).toBeGreaterThanOrEqual(8.5);

    // Another device (no local state at all) resumes from the server.
    const phone = await device();
    const other = await open(phone, '/watch/demo/lesson-1');
    await player(other).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(other, 8.6);
    expect((await playerState(other)).startPosition).toBeGreaterThanOrEqual(8);
  }, 90_000);

  it('marks the lesson complete once, when the server has seen 90 % of it played: a seek to the end is not watching', async () => {
    const context = await device();
    const page = await open(context, '/watch/demo/lesson-1');
    await page.evaluate(`(() => {
      window.completions = 0;
      document.addEventListener('lectern-complete', () => {
        window.completions++;
        const v = document.querySelector('lectern-player').shadowRoot.querySelector('video');
        window.completedAt = { time: v.currentTime, ended: v.ended };
      });
    })()`);
    const completions = () => page.evaluate('window.completions') as Promise<number>;
    const ended = () => page.waitForFunction(() => document.querySelector('lectern-player')?.shadowRoot?.querySelector('video')?.ended === true, null, { timeout: 15_000 });
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.3);

    // The seek alone: from 0.3 s to 9 s of 12, then on past 90 % to the end. The server credits
    // only what was played (about 3 s), so the lesson is not complete, on the server or on screen.
    await videoEval(page, 'v.currentTime = 9');
    await ended();
    await expect.poll(async () => (await serverProgress('student@example.com', 'demo', 'lesson-1')).position).toBeGreaterThan(11.5);
    const skipped = await serverProgress('student@example.com', 'demo', 'lesson-1');
    expect(skipped).toMatchObject({ completed: false, completedAt: null });
    expect(skipped.watched).toBeLessThan(5);
    expect((await playerState(page)).completed).toBe(false);
    expect(await completions()).toBe(0);

    // Played through from the start (at 2x): complete as playback passes 90 % of the lesson's
    // real duration, before the end, because the server says so.
    await videoEval(page, 'v.playbackRate = 2');
    await videoEval(page, 'v.currentTime = 0');
    await videoEval(page, 'v.play()');
    await expect.poll(completions, { timeout: 15_000 }).toBe(1);
    const at = (await page.evaluate('window.completedAt')) as { time: number; ended: boolean };
    expect(at.ended).toBe(false);
    expect(at.time).toBeGreaterThanOrEqual(0.9 * 12 - 0.5);
    const first = await serverProgress('student@example.com', 'demo', 'lesson-1');
    expect(first).toMatchObject({ completed: true, completedAt: expect.any(String) });
    expect(first.watched).toBeGreaterThanOrEqual(0.9 * first.duration);
    expect((await playerState(page)).completed).toBe(true);

    // Play to the end and again: still one completion, completedAt unchanged.
    await ended();
    await videoEval(page, 'v.playbackRate = 1');
    await videoEval(page, 'v.currentTime = 9');
    await videoEval(page, 'v.play()');
    await waitTime(page, 11);
    await player(page).getByRole('button', { name: 'Pause' }).click();
    expect(await completions()).toBe(1);
    await expect.poll(async () => (await serverProgress('student@example.com', 'demo', 'lesson-1')).position).toBeGreaterThan(10.5);
    expect((await serverProgress('student@example.com', 'demo', 'lesson-1')).completedAt).toBe(first.completedAt);
  }, 90_000);

  it('prefetches the next lesson on hover (next.m3u8 and its first segment) and plays it from cache on click', async () => {
    const context = await device();
    const page = await context.newPage();
    const before: string[] = [];
    page.on('request', (r) => before.push(r.url()));
    await page.goto(`${url}/watch/demo/lesson-1`);
    const next = player(page).getByRole('button', { name: 'Next lesson' });
    await next.waitFor({ state: 'visible' });
    const ready = page.evaluate(() => new Promise<{ reason: string }>((r) => document.addEventListener('lectern-next-ready', (e) => r((e as CustomEvent).detail), { once: true })));
    await next.hover();
    expect((await ready).reason).toBe('hover');
    const prefetched = before.filter((u) => u.includes('/courses/demo/lesson-2/'));
    // next.m3u8 (redirected to lesson 2's master) when lesson 1 started; on hover, the start
    // variant's playlist, init and first segment.
    expect(before.some((u) => u.endsWith('/courses/demo/lesson-1/next.m3u8'))).toBe(true);
    for (const pattern of [/\/master\.m3u8$/, /\/index\.m3u8$/, /\/init_\d+\.mp4$/, /\/seg-00000\.m4s$/]) expect(prefetched.filter((u) => pattern.test(u))).toHaveLength(1);

    const after: string[] = [];
    page.on('request', (r) => after.push(r.url()));
    await next.click();
    await page.waitForURL(`${url}/watch/demo/lesson-2`);
    await waitTime(page, 1);
    const state = await playerState(page);
    expect(state.lesson).toEqual({ courseId: 'demo', lessonId: 'lesson-2' });
    // None of it went to the network again: hls.js was served from the prefetch cache.
    expect(after.filter((u) => prefetched.includes(u))).toEqual([]);
    const served = state.servedFromCache as string[];
    for (const u of prefetched) expect(served).toContain(u);
  }, 60_000);

  it('prefetches the next lesson by itself near the end of the current one', async () => {
    const context = await device();
    const page = await open(context, '/watch/demo/lesson-1');
    const ready = page.evaluate(() => new Promise<{ reason: string }>((r) => document.addEventListener('lectern-next-ready', (e) => r((e as CustomEvent).detail), { once: true })));
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    expect((await ready).reason).toBe('near end');
  }, 60_000);

  it('recovers from cookies that vanish mid-playback: one session refresh, no visible stall', async () => {
    const context = await device();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    // Slow enough that segments are still being fetched when the cookies go.
    await throttle(cdp, { downBps: 1_200_000, latencyMs: 40 });
    await page.goto(`${url}/watch/demo/lesson-1`);
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.2, 30_000);
    await page.evaluate(() => {
      const w = window as unknown as { stallMs: number; stallStart: number };
      w.stallMs = 0;
      const v = document.querySelector('lectern-player')!.shadowRoot!.querySelector('video')!;
      v.addEventListener('waiting', () => (w.stallStart = performance.now()));
      v.addEventListener('playing', () => w.stallStart && ((w.stallMs += performance.now() - w.stallStart), (w.stallStart = 0)));
    });
    const before = (await playerState(page)).sessionRefreshes as number;
    await context.clearCookies();
    await waitTime(page, 11, 30_000);
    const state = await playerState(page);
    expect(state.error).toBeNull();
    expect(state.recovered403).toBeGreaterThanOrEqual(1);
    expect(state.sessionRefreshes).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { stallMs: number }).stallMs)).toBeLessThan(250);
  }, 90_000);

  it('tells the person clearly when they are not enrolled, when enrollment is revoked mid-lesson, and when the lesson does not exist', async () => {
    const outsider = await device('other@example.com');
    const page = await open(outsider, '/watch/demo/lesson-1');
    const message = player(page).getByRole('alert');
    await expect.poll(() => message.textContent()).toMatch(/not enrolled in this course/);

    const student = await device();
    const missing = await open(student, '/watch/demo/no-such-lesson');
    await expect.poll(() => player(missing).getByRole('alert').textContent()).toMatch(/does not exist or has not been published/);

    const revoked = await device();
    const watch = await revoked.newPage();
    const cdp = await revoked.newCDPSession(watch);
    await throttle(cdp, { downBps: 1_000_000, latencyMs: 40 });
    await watch.goto(`${url}/watch/demo/lesson-1`);
    await player(watch).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(watch, 0.2, 30_000);
    await withDynamo((c) => unenroll(c, DEFAULT_TABLE_PREFIX, subFor('student@example.com'), 'demo'));
    try {
      await revoked.clearCookies();
      await expect.poll(() => player(watch).getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/enrollment has ended/);
      expect((await playerState(watch)).error.code).toBe('not-enrolled');
    } finally {
      await withDynamo((c) => enroll(c, DEFAULT_TABLE_PREFIX, { userId: subFor('student@example.com'), courseId: 'demo', email: 'student@example.com' }));
    }
  }, 90_000);

  it('says a lesson is being prepared while it encodes on demand, then offers to play it', async () => {
    const context = await device();
    const page = await open(context, '/watch/demo/on-demand');
    await expect.poll(() => player(page).getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/being prepared for streaming/);
    // The player asks again after Retry-After and loads the lesson once it is published.
    await player(page).getByRole('button', { name: 'Play' }).first().waitFor({ state: 'visible', timeout: 90_000 });
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 1);
    expect((await playerState(page)).error).toBeNull();
  }, 120_000);

  it('is usable with the keyboard alone: named controls, shortcuts, speed 0.5x-2x, captions, full screen', async () => {
    const context = await device();
    const page = await open(context, '/watch/demo/lesson-2');
    await player(page).getByRole('button', { name: 'Captions' }).waitFor({ state: 'visible' });
    const unnamed = await page.evaluate(() => {
      const root = document.querySelector('lectern-player')!.shadowRoot!;
      return Array.from(root.querySelectorAll("button, select, input"))
        .filter((el) => !(el as HTMLElement).hidden && !(el as HTMLElement).closest('[hidden]'))
        .filter((el) => !(el.getAttribute('aria-label') || el.textContent?.trim()))
        .map((el) => el.outerHTML.slice(0, 80));
    });
    expect(unnamed).toEqual([]);

    // Tab from the page into the player and start it with the keyboard.
    await page.locator('body').focus();
    const seen: string[] = [];
    for (let i = 0; i < 12 && !seen.includes('Play'); i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.querySelector('lectern-player')?.shadowRoot?.activeElement?.getAttribute('aria-label') ?? ''));
    }
    expect(seen).toContain('Play');
    await page.keyboard.press('Enter');
    await waitTime(page, 0.5);
    await page.keyboard.press('k');
    expect(await videoEval<boolean>(page, 'v.paused')).toBe(true);
    await page.keyboard.press('k');
    await page.keyboard.press('m');
    expect(await videoEval<boolean>(page, 'v.muted')).toBe(true);
    await page.keyboard.press('m');
    await page.keyboard.press('>');
    expect(await videoEval<number>(page, 'v.playbackRate')).toBe(1.25);
    const speed = player(page).getByRole('combobox', { name: 'Playback speed' });
    for (const rate of ['0.5', '2']) {
      await speed.selectOption(rate);
      expect(await videoEval<number>(page, 'v.playbackRate')).toBe(Number(rate));
    }
    await speed.selectOption('1');

    await page.keyboard.press('c');
    await expect.poll(() => player(page).getByRole('button', { name: 'Captions' }).getAttribute('aria-pressed')).toBe('true');
    await expect
      .poll(() => videoEval<string>(page, "[...v.textTracks].filter(t => t.mode === 'showing').map(t => t.cues ? [...t.cues].map(c => c.text).join('|') : '').join('')"))
      .toContain('Welcome to the edge.');

    await player(page).getByRole('button', { name: 'Full screen' }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName)).toBe('LECTERN-PLAYER');
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
    expect(await player(page).getByRole('button', { name: 'Picture in picture' }).count()).toBe(1);
  }, 60_000);

  it('embeds on another origin with credentialed CORS (cookie mode) and saves progress there', async () => {
    // localhost:<other port>: another origin, same site, so the session cookies are first-party.
    const context = await newContext(browser);
    contexts.push(context);
    const token = await ps.system.idp.mint({ email: 'student@example.com' });
    const page = await context.newPage();
    const media: string[] = [];
    page.on('request', (r) => r.url().includes('/courses/') && media.push(r.url()));
    await page.goto(`${embedOrigin}/embed.html?mode=cookies&token=${token}`);
    await page.locator('lectern-player').getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 2);
    const state = await playerState(page);
    expect(state.error).toBeNull();
    expect(state.mode).toBe('cookies');
    expect(media.length).toBeGreaterThan(0);
    expect(media.every((u) => !u.includes('Signature='))).toBe(true);
    await page.locator('lectern-player').getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await serverProgress('student@example.com', 'demo', 'lesson-1')).position).toBeGreaterThan(1.5);
    expect(mediaPreflights()).toEqual([]);
  }, 60_000);

  it('embeds on another site where third-party cookies are blocked, in cookie-less (signed query) mode', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const token = await ps.system.idp.mint({ email: 'student@example.com' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCookieControls', { enableThirdPartyCookieRestriction: true });
    // The headless-shell build npm ships (@sparticuz/chromium) has no third-party cookie
    // settings, so the control above does nothing there. What blocking does to this page is
    // that the session's cookies are never stored: drop them from the issuer's answer.
    // (Sent from here, not with route.fetch(), which would store the cookies in the context.)
    await context.route(`${url}/auth/session`, async (route) => {
      const request = route.request();
      const answer = await fetch(request.url(), { method: request.method(), headers: await request.allHeaders(), body: request.postData() ?? null });
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => name !== 'set-cookie' && (headers[name] = value));
      await route.fulfill({ status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) });
    });
    const media: string[] = [];
    page.on('request', (r) => r.url().includes('/courses/') && media.push(r.url()));
    await page.goto(`${crossSiteOrigin}/embed.html?mode=auto&token=${token}`);
    await page.locator('lectern-player').getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 2);
    const state = await playerState(page);
    expect(state.error).toBeNull();
    expect(state.mode).toBe('signed-query');
    // After the fallback every media request carries the signed policy in its query.
    const signed = media.slice(media.findIndex((u) => u.includes('Signature=')));
    expect(signed.length).toBeGreaterThan(3);
    expect(mediaPreflights()).toEqual([]);
    expect(signed.every((u) => /[?&]Policy=[^&]+&Signature=[^&]+&Key-Pair-Id=/.test(u))).toBe(true);
  }, 60_000);
});
