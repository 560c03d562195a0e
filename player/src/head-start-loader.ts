/**
 * How the head-start chunk (head-start.ts) arrives: the watch page sets a dynamic import and
 * starts it at once (it is small and lands long before the first segment); the embed sets
 * none and starts through hls.js alone.
 */
export type HeadStartModule = typeof import('./head-start.ts');

/** The chunk if it has arrived; a cold start never waits for it. */
export let headStartModule: HeadStartModule | null = null;

export function setHeadStartLoader(load: () => Promise<HeadStartModule>): void {
  load().then(
    (module) => (headStartModule = module),
    () => undefined,
  );
}
