/**
 * Watches each main segment fetch against the buffer (the rule: abandon.ts) and, when the link
 * can no longer deliver it in time, does what hls.js's own emergency switch does: a fresh
 * bandwidth estimate, the next level forced, the request aborted. hls.js then fetches the same
 * position at that level. Loaded with hls.js (the loader's lazy chunk), not before.
 */
import type HlsType from 'hls.js';
import type { Fragment, Level } from 'hls.js';
import { abandonTo, recentRate } from './abandon.ts';
import type { Controller } from './listeners.ts';

/** How often an in-flight fetch is judged (ms). */
const CHECK_MS = 200;

/** Seconds buffered ahead of the playhead, in the range that holds it. */
export function bufferAhead(buffered: TimeRanges, time: number): number {
  for (let i = 0; i < buffered.length; i++) if (buffered.start(i) <= time + 0.1 && time < buffered.end(i)) return buffered.end(i) - time;
  return 0;
}

export class FetchWatch implements Controller {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly hls: HlsType,
    private readonly video: HTMLVideoElement,
  ) {}

  watch(frag: Fragment): void {
    this.destroy();
    if (frag.type !== 'main') return;
    const samples: [number, number][] = [];
    this.#timer = setInterval(() => this.#check(frag, samples), CHECK_MS);
  }

  #check(frag: Fragment, samples: [number, number][]): void {
    const { hls, video } = this;
    const stats = frag.stats;
    if (stats.loading.end > 0 || stats.aborted || hls.levels.length < 2) return this.destroy();
    // A manual quality choice is the student's; a paused video is not draining its buffer.
    if (!hls.autoLevelEnabled || video.paused) return;
    const now = performance.now();
    samples.push([now, stats.loaded]);
    if (samples.length > 20) samples.shift();
    const bps = recentRate(samples, now);
    const level = abandonTo(
      {
        level: frag.level,
        duration: frag.duration,
        elapsedMs: now - stats.loading.start,
        loadedBytes: stats.loaded,
        totalBytes: stats.total,
        ttfbMs: (stats.loading.first || now) - stats.loading.start,
        recentBps: bps,
        bufferAheadSeconds: bufferAhead(video.buffered, video.currentTime),
      },
      hls.levels.map((l: Level) => ({ bitrate: l.maxBitrate })),
    );
    if (level === null) return;
    this.destroy();
    if (bps) hls.bandwidthEstimate = Math.max(bps, 1);
    hls.nextLoadLevel = hls.nextAutoLevel = level;
    frag.abortRequests();
  }

  destroy(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
