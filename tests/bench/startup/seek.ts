/**
 * Seek to an unbuffered position: a 60 s lesson plays from the start; once it is a couple of
 * seconds in, seek to 50 % or 90 % and time seek start → first frame presented within 0.5 s of
 * the target. lectern seeks through its own seek bar (a real pointer click at that fraction);
 * the baselines set currentTime. A run whose target was already buffered is invalid, not counted.
 */
import type { Page } from 'playwright-core';
import type { NetworkProfile } from '../../e2e-browser/support.ts';
import { CAP_MS, type Player } from './config.ts';
import { openPlayer, playButton, type Ctx } from './page.ts';

export const SEEK_LESSON = 'lesson-seek';
export const SEEK_SECONDS = 60;
export const SEEK_FRACTIONS = [0.5, 0.9] as const;
/** Playback that must have happened before the seek, so the player is in steady state. */
const PLAYED_S = 1.5;
const START_CAP_MS = 25_000;

export interface SeekRun {
  /** Infinity past the cap; NaN when invalid (target already buffered). */
  readonly ms: number;
  readonly target: number;
  readonly buffered: boolean;
  readonly ranges: readonly (readonly [number, number])[];
}

async function seekLectern(page: Page, fraction: number): Promise<void> {
  const video = page.locator('lectern-player video');
  const vbox = await video.boundingBox();
  // The controls hide when idle; a pointer over the player brings them back.
  if (vbox) await page.mouse.move(vbox.x + vbox.width / 2, vbox.y + vbox.height / 2);
  const seek = page.locator('lectern-player .seek');
  await seek.waitFor({ state: 'visible', timeout: 5_000 });
  const box = (await seek.boundingBox())!;
  await page.mouse.move(box.x + fraction * box.width, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.up();
}

export async function measureSeek(ctx: Ctx, player: Player, profile: NetworkProfile, fraction: number): Promise<SeekRun> {
  const { context, page } = await openPlayer(ctx, player, profile, SEEK_LESSON);
  try {
    await page.evaluate(`window.__bench.arm(${JSON.stringify(SEEK_LESSON)})`);
    await page.click(playButton(player));
    // Starting is not what this measures: a baseline gets longer than the start cap to begin
    // (the MP4 and 8 s copy segments take over 8 s at 1.6 Mbps), so its seek still gets measured.
    await page.waitForFunction('window.__bench.result', null, { timeout: START_CAP_MS, polling: 100 }).catch(() => {
      throw new Error(`did not start within ${START_CAP_MS / 1000} s`);
    });
    await page.waitForFunction(`window.__bench.video().currentTime >= ${PLAYED_S}`, null, { timeout: START_CAP_MS, polling: 50 });
    await page.evaluate('window.__bench.armSeek()');
    if (player === 'lectern') await seekLectern(page, fraction);
    else await page.evaluate(`(() => { const v = window.__bench.video(); v.currentTime = ${fraction} * v.duration; })()`);
    try {
      const handle = await page.waitForFunction('window.__bench.seek', null, { timeout: CAP_MS + 2_000, polling: 50 });
      const r = (await handle.jsonValue()) as { ms: number; target: number; buffered: boolean; ranges: [number, number][] };
      const ms = r.buffered ? NaN : r.ms > CAP_MS ? Infinity : r.ms;
      return { ms, target: r.target, buffered: r.buffered, ranges: r.ranges };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return { ms: Infinity, target: fraction * SEEK_SECONDS, buffered: false, ranges: [] };
      throw error;
    }
  } finally {
    await context.close();
  }
}
