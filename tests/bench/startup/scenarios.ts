/** Click-to-first-frame in the three start scenarios (cold, prefetch, next). */
import type { NetworkProfile } from '../../e2e-browser/support.ts';
import { IDLE_CAP_MS, type Player, type Scenario } from './config.ts';
import type { FetchEntry } from './floor.ts';
import { firstFrame, nextButton, openPlayer, playButton, type Ctx } from './page.ts';

export interface StartRun {
  readonly ms: number;
  /**
   * What the first frame still waited for. Cold: everything since navigation (the page starts
   * its session as it loads). Prefetch and next: only what started after the click, since what was
   * preloaded before it was allowed to be.
   */
  readonly fetched: readonly FetchEntry[];
  /** BENCH_VERBOSE: the click and lectern's marks, ms since navigation. */
  readonly clickAt?: number;
  readonly marks?: Readonly<Record<string, number>>;
}

export async function measureStart(ctx: Ctx, player: Player, profile: NetworkProfile, scenario: Scenario): Promise<StartRun> {
  const { context, page } = await openPlayer(ctx, player, profile);
  try {
    if (scenario === 'prefetch') {
      await page.waitForFunction('window.__bench.idle', null, { timeout: IDLE_CAP_MS }).catch(() => undefined);
    }
    if (scenario === 'next') {
      // Lesson 1 loaded (what each player preloads), the pointer goes to "Next", then the click.
      await page.waitForFunction('window.__bench.idle', null, { timeout: IDLE_CAP_MS }).catch(() => undefined);
      await page.locator(nextButton(player)).waitFor({ state: 'visible', timeout: 20_000 });
      await page.hover(nextButton(player));
      if (player === 'lectern') await page.waitForFunction('window.__bench.nextReady', null, { timeout: IDLE_CAP_MS }).catch(() => undefined);
      else await page.waitForTimeout(1000);
      await page.evaluate("window.__bench.arm('lesson-2')");
      await page.click(nextButton(player));
    } else {
      await page.evaluate("window.__bench.arm('lesson-1')");
      await page.click(playButton(player));
    }
    const r = await firstFrame(page);
    const fetched = scenario === 'cold' ? r.resources : r.resources.filter((e) => e.startTime >= r.clickAt);
    return { ms: r.ms, fetched, clickAt: r.clickAt, marks: r.marks };
  } finally {
    await context.close();
  }
}
