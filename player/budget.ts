/**
 * The player's JavaScript budget, gzip bytes, enforced by `npm run build` (player/build.ts):
 * a change that crosses it fails the build.
 *
 * - initial: what the watch page runs before the first frame is requested (the page chunk);
 * - embed: the classic script other sites include;
 * - hls: hls.js (player/hls-features.ts), loaded lazily (dynamic import / injected script) only where MSE exists;
 * - on use: a chunk loaded when a feature is first used (the captions UI: a caption track,
 *   the language menu, the transcript), each script (the page's chunk and the embed's classic
 *   copy); not part of what every student downloads to watch;
 * - total: initial + hls, everything a student downloads to watch.
 */
export const PLAYER_BUDGET = {
  initialGzipBytes: 22 * 1024,
  embedGzipBytes: 22 * 1024,
  hlsGzipBytes: 125 * 1024,
  onUseGzipBytes: 12 * 1024,
  totalGzipBytes: 140 * 1024,
} as const;

export type BudgetName = keyof typeof PLAYER_BUDGET;

export interface PlayerSizes {
  readonly initialGzipBytes: number;
  readonly embedGzipBytes: number;
  readonly hlsGzipBytes: number;
  readonly onUseGzipBytes: number;
  readonly totalGzipBytes: number;
}

export function overBudget(sizes: PlayerSizes, budget: Record<BudgetName, number> = PLAYER_BUDGET): string[] {
  return (Object.keys(budget) as BudgetName[])
    .filter((name) => sizes[name] > budget[name])
    .map((name) => `${name}: ${(sizes[name] / 1024).toFixed(1)} KB gzip > budget ${(budget[name] / 1024).toFixed(1)} KB`);
}
