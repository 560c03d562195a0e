/** Rebuffering through a bandwidth drop (5 → 1 Mbps after a few seconds of playback). */
import { STALL, type Player } from './config.ts';
import { firstFrame, openPlayer, playButton, type Ctx } from './page.ts';

export interface StallResult {
  readonly startupMs: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly reached: number;
  readonly wallMs: number;
}

export async function measureStalls(ctx: Ctx, player: Player): Promise<StallResult> {
  const { context, page } = await openPlayer(ctx, player, STALL.startProfile);
  try {
    await page.evaluate("window.__bench.arm('lesson-1')");
    await page.click(playButton(player));
    const startupMs = (await firstFrame(page)).ms;
    await page.evaluate('window.__bench.stalls()');
    const started = Date.now();
    let dropped = false;
    let state = { count: 0, ms: 0, t: 0 };
    while (Date.now() - started < STALL.wallMs) {
      state = (await page.evaluate('window.__bench.stallState()')) as typeof state;
      if (!dropped && state.t >= STALL.dropAt) {
        ctx.shaper.profile = STALL.dropProfile;
        dropped = true;
      }
      if (state.t >= STALL.watchTo) break;
      await page.waitForTimeout(200);
    }
    return { startupMs, stalls: state.count, stallMs: state.ms, reached: state.t, wallMs: Date.now() - started };
  } finally {
    await context.close();
  }
}
