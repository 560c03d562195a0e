/** Opening a player page in a fresh context, and reading the in-page measurement. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { clearProgress, type PlayerSystem } from '../../e2e-browser/support.ts';
import type { Shaper } from '../shaper.ts';
import { CAP_MS, type Player } from './config.ts';
import type { FetchEntry } from './floor.ts';
import { MEASURE } from './measure-script.ts';

export interface Ctx {
  readonly browser: Browser;
  readonly ps: PlayerSystem;
  readonly token: string;
  readonly shaper: Shaper;
}

export async function openPlayer(ctx: Ctx, player: Player, profile: { downBps: number; latencyMs: number }, lesson = 'lesson-1'): Promise<{ context: BrowserContext; page: Page }> {
  // A saved position would make lectern resume instead of starting at 0.
  if (player === 'lectern') await clearProgress(ctx.ps);
  const context = await ctx.browser.newContext({ viewport: { width: 960, height: 640 } });
  await context.addInitScript(MEASURE);
  if (player === 'lectern') {
    await context.addInitScript(`localStorage.setItem('lectern:tokens', ${JSON.stringify(JSON.stringify({ accessToken: ctx.token, expiresAt: Date.now() + 3_600_000 }))});`);
  }
  const page = await context.newPage();
  ctx.shaper.profile = profile;
  const path = player === 'lectern' ? `/watch/bench/${lesson}` : `/bench/${player === 'mp4' ? 'mp4' : 'hlsjs'}.html#token=${ctx.token}&lesson=${lesson}`;
  await page.goto(`${ctx.shaper.url}${path}`, { waitUntil: 'domcontentloaded' });
  if (player === 'lectern') await page.locator('lectern-player .big-play').waitFor({ state: 'visible', timeout: 30_000 });
  else await page.waitForFunction('window.benchReady === true', null, { timeout: 30_000 });
  return { context, page };
}

export const playButton = (player: Player) => (player === 'lectern' ? 'lectern-player .big-play' : '#play');
export const nextButton = (player: Player) => (player === 'lectern' ? 'lectern-player .next' : '#next');

export interface FirstFrame {
  readonly ms: number;
  /** The click, on the same clock as the entries (ms since navigation). */
  readonly clickAt: number;
  readonly resources: readonly FetchEntry[];
  /** lectern's own marks (engine.ts: prepare, master, variant, first-segment, hls-loaded, play...), same clock. */
  readonly marks?: Readonly<Record<string, number>>;
}

export async function firstFrame(page: Page, timeout = CAP_MS + 2_000): Promise<FirstFrame> {
  try {
    const handle = await page.waitForFunction('window.__bench.result', null, { timeout, polling: 50 });
    const r = (await handle.jsonValue()) as FirstFrame;
    return { ms: r.ms > CAP_MS ? Infinity : r.ms, clickAt: r.clickAt, resources: r.resources ?? [], marks: r.marks ?? {} };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { ms: Infinity, clickAt: 0, resources: [] };
    throw error;
  }
}
