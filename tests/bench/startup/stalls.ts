/**
 * Rebuffering: through a bandwidth drop (5 → 1 Mbps after a few seconds of playback), and a
 * whole lesson on a steady 3 Mbps link.
 */
import type { Page } from 'playwright-core';
import { STALL, STEADY, VERBOSE, type Player, type StallTest } from './config.ts';
import { firstFrame, openPlayer, playButton, type Ctx } from './page.ts';

export interface StallResult {
  readonly startupMs: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly reached: number;
  readonly wallMs: number;
}

export async function measureStalls(ctx: Ctx, player: Player, test: StallTest = 'drop'): Promise<StallResult> {
  const steady = test === 'steady';
  const { context, page } = await openPlayer(ctx, player, steady ? STEADY.profile : STALL.startProfile);
  try {
    await page.evaluate("window.__bench.arm('lesson-1')");
    await page.click(playButton(player));
    const startupMs = (await firstFrame(page)).ms;
    await page.evaluate('window.__bench.stalls()');
    const started = Date.now();
    let dropped = false;
    let state = { count: 0, ms: 0, t: 0, ended: false };
    while (Date.now() - started < (steady ? STEADY.wallMs : STALL.wallMs)) {
      state = (await page.evaluate('window.__bench.stallState()')) as typeof state;
      if (!steady && !dropped && state.t >= STALL.dropAt) {
        ctx.shaper.profile = STALL.dropProfile;
        dropped = true;
      }
      if (steady ? state.ended : state.t >= STALL.watchTo) break;
      await page.waitForTimeout(200);
    }
    if (VERBOSE) await printTimeline(page, player);
    return { startupMs, stalls: state.count, stallMs: state.ms, reached: state.t, wallMs: Date.now() - started };
  } finally {
    await context.close();
  }
}

/** BENCH_VERBOSE=1: each stall and every media fetch on one clock, to see what a stall waited for. */
async function printTimeline(page: Page, player: Player): Promise<void> {
  const rows = (await page.evaluate(`[
    ...window.__bench.stallLog().map((e) => ({ at: e.at, line: e.what + ' at ' + e.t.toFixed(2) + ' s, buffered ' + e.buffered })),
    ...performance.getEntriesByType('resource').filter((r) => /\\.(m4s|mp4|ts|m3u8)(\\?|$)/.test(r.name)).map((r) => ({
      at: r.startTime, line: 'fetch ' + new URL(r.name).pathname.split('/').slice(-2).join('/') + ' ' + Math.round(r.encodedBodySize / 1024) + ' KB in ' + Math.round(r.responseEnd - r.startTime) + ' ms',
    })),
  ].sort((a, b) => a.at - b.at)`)) as { at: number; line: string }[];
  console.log(`  ${player} timeline:`);
  for (const r of rows) console.log(`    ${(r.at / 1000).toFixed(2).padStart(7)} s  ${r.line}`);
}
