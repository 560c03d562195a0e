/**
 * Issue 13's done-when, in Chromium: a lesson encoded with `--captions en=<WebVTT>
 * --captions es=<SRT>` (the pipeline's own parser and segmenter, cut on 2 s segments) plays
 * with both tracks in the captions menu, the right cue on screen at the right time (the
 * showing track's active cues: what the browser draws), en -> es switching the text, a cue
 * that spans a segment boundary shown once, the student's language remembered for the next
 * lesson, and the transcript seeking on click.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subFor } from '../../local/demo-data.ts';
import { clearProgress, cuesOnScreen, inPlayer, launchChromium, seekExactly, signedInContext, startPlayerSystem, type PlayerSystem } from './support.ts';

const EN_VTT = `WEBVTT

00:00:00.500 --> 00:00:03.500
Welcome to the lesson.

00:00:03.800 --> 00:00:06.500
This line crosses a segment boundary.

00:00:07.000 --> 00:00:10.000
Thanks for watching.
`;

/** Many short cues: more than the transcript shows at once. */
const MANY_VTT = `WEBVTT\n\n${Array.from({ length: 24 }, (_, i) => `00:00:${(i / 2).toFixed(3).padStart(6, '0')} --> 00:00:${((i + 1) / 2).toFixed(3).padStart(6, '0')}\nLine ${i + 1}.\n`).join('\n')}`;

const ES_SRT = `1
00:00:00,500 --> 00:00:03,500
Bienvenidos a la lección.

2
00:00:03,800 --> 00:00:06,500
Esta línea cruza un límite de segmento.

3
00:00:07,000 --> 00:00:10,000
Gracias por mirar.
`;

let ps: PlayerSystem;
let browser: Browser;
let fixtures = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'lectern-captions-'));
  await writeFile(join(fixtures, 'talk.en.vtt'), EN_VTT);
  await writeFile(join(fixtures, 'talk.es.srt'), ES_SRT);
  await writeFile(join(fixtures, 'many.en.vtt'), MANY_VTT);
  const captions = [`en=${join(fixtures, 'talk.en.vtt')}`, `es=${join(fixtures, 'talk.es.srt')}`];
  [ps, browser] = await Promise.all([
    startPlayerSystem([
      { courseId: 'demo', lessonId: 'lesson-1', seconds: 12, title: 'Captioned', captions },
      { courseId: 'demo', lessonId: 'lesson-2', seconds: 12, title: 'Captioned too', captions },
      { courseId: 'demo', lessonId: 'lesson-3', seconds: 12, title: 'Many lines', captions: [`en=${join(fixtures, 'many.en.vtt')}`] },
    ]),
    launchChromium(),
  ]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await ps?.cleanup();
  await rm(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await clearProgress(ps);
});

async function open(path: string): Promise<Page> {
  const context = await signedInContext(browser, ps);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`pageerror: ${error.message}`));
  await page.goto(`${ps.system.url}${path}`);
  return page;
}

const player = (page: Page) => page.locator('lectern-player');

const seekTo = (page: Page, seconds: number) => seekExactly(page, seconds);

describe('captions in Chromium', () => {
  it('lists both tracks, shows the cue of the moment, switches en -> es and shows a cue cut across segments once', async () => {
    const page = await open('/watch/demo/lesson-1');
    const menuButton = player(page).getByRole('button', { name: /^Caption language/ });
    await menuButton.waitFor({ state: 'visible' });
    await menuButton.click();
    const menu = player(page).getByRole('menu', { name: 'Caption language' });
    await menu.waitFor({ state: 'visible' });
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    expect(await menu.getByRole('menuitemradio').allTextContents()).toEqual(['Off', 'English', 'Español']);
    expect(await menu.getByRole('menuitemradio', { name: 'Off' }).getAttribute('aria-checked')).toBe('true');
    await menu.getByRole('menuitemradio', { name: 'English' }).click();
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => player(page).getByRole('button', { name: 'Captions', exact: true }).getAttribute('aria-pressed')).toBe('true');

    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await seekTo(page, 1.5);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Welcome to the lesson.']);
    // 4.0 s is a segment boundary: the cue is in both WebVTT segments, on screen once.
    await seekTo(page, 4.5);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['This line crosses a segment boundary.']);
    await seekTo(page, 6.7);
    await expect.poll(() => cuesOnScreen(page)).toEqual([]);

    await menuButton.click();
    await menu.getByRole('menuitemradio', { name: 'Español' }).click();
    await seekTo(page, 8);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Gracias por mirar.']);
    expect(await inPlayer<string[]>(page, "[...v.textTracks].filter((t) => t.mode === 'showing').map((t) => t.language)")).toEqual(['es']);
    expect(await menuButton.getAttribute('aria-label')).toBe('Caption language: Español');
  }, 90_000);

  it("remembers the student's language: the next lesson starts with Spanish captions on, without a click", async () => {
    const page = await open('/watch/demo/lesson-1');
    await player(page).getByRole('button', { name: 'Captions', exact: true }).waitFor({ state: 'visible' });
    await player(page).getByRole('button', { name: /^Caption language/ }).click();
    await player(page).getByRole('menuitemradio', { name: 'Español' }).click();
    const key = `lectern:captions:${subFor('student@example.com')}`;
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), key)).toBe('es');

    await page.goto(`${ps.system.url}/watch/demo/lesson-2`);
    const toggle = player(page).getByRole('button', { name: 'Captions', exact: true });
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await seekTo(page, 2);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Bienvenidos a la lección.']);

    // Off is a choice too: the next visit starts without captions.
    await page.keyboard.press('c');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), key)).toBe('off');
    await page.reload();
    await toggle.waitFor({ state: 'visible' });
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await seekTo(page, 2);
    expect(await cuesOnScreen(page)).toEqual([]);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await inPlayer<number>(page, 'v.textTracks.length')).toBe(0);
  }, 90_000);

  it('opens a transcript of the track, marks the cue being spoken and seeks to a cue on click', async () => {
    const page = await open('/watch/demo/lesson-1');
    const button = player(page).getByRole('button', { name: 'Transcript', exact: true });
    await button.waitFor({ state: 'visible' });
    await button.click();
    const transcript = player(page).getByRole('region', { name: 'Transcript' });
    await transcript.waitFor({ state: 'visible' });
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    const cues = transcript.getByRole('listitem');
    expect(await cues.allTextContents()).toEqual(['0:00 Welcome to the lesson.', '0:03 This line crosses a segment boundary.', '0:07 Thanks for watching.']);
    await transcript.getByRole('button', { name: /Thanks for watching/ }).click();
    await page.waitForFunction(() => {
      const v = document.querySelector('lectern-player')?.shadowRoot?.querySelector('video');
      return !!v && !v.seeking && Math.abs(v.currentTime - 7) < 0.3;
    });
    await expect.poll(() => transcript.locator('[aria-current="true"]').textContent()).toContain('Thanks for watching.');

    // Captions on beside the open transcript: drawn in the part of the picture it leaves free.
    const cueBoxes = () => inPlayer<string[]>(page, "[...v.textTracks].filter((t) => t.mode === 'showing').flatMap((t) => [...t.cues].map((c) => `${c.size}@${c.position}`))");
    await page.keyboard.press('c');
    await expect.poll(cueBoxes).toEqual(['56@29', '56@29', '56@29']);
    await transcript.getByRole('button', { name: 'Close transcript' }).click();
    await expect.poll(cueBoxes).toEqual(['100@auto', '100@auto', '100@auto']);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
  }, 90_000);

  it('keeps the cue being spoken in view in a transcript longer than its panel', async () => {
    const page = await open('/watch/demo/lesson-3');
    const button = player(page).getByRole('button', { name: 'Transcript', exact: true });
    await button.waitFor({ state: 'visible' });
    await button.click();
    const transcript = player(page).getByRole('region', { name: 'Transcript' });
    await transcript.waitFor({ state: 'visible' });
    expect(await transcript.getByRole('listitem').count()).toBe(24);
    const inView = () =>
      inPlayer<{ text: string; visible: boolean } | null>(
        page,
        `(() => {
          const list = root.querySelector('.transcript ol');
          const current = list.querySelector('[aria-current="true"]');
          if (!current) return null;
          const a = list.getBoundingClientRect(), b = current.getBoundingClientRect();
          return { text: current.textContent, visible: b.top >= a.top - 1 && b.bottom <= a.bottom + 1 };
        })()`,
      );
    expect(await inPlayer<boolean>(page, "(() => { const l = root.querySelector('.transcript ol'); return l.scrollHeight > l.clientHeight; })()")).toBe(true);
    await page.mouse.move(0, 0);
    await seekTo(page, 11.2);
    await expect.poll(inView).toEqual({ text: '0:11 Line 23.', visible: true });
    await seekTo(page, 0.2);
    await expect.poll(inView).toEqual({ text: '0:00 Line 1.', visible: true });
  }, 90_000);
});
