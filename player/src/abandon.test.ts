import { describe, expect, it } from 'vitest';
import { abandonTo, recentRate, type InFlight } from './abandon.ts';
import { bufferAhead } from './fetch-watch.ts';

// The bench ladder's peaks (bit/s): 240p, 360p, 480p, 720p.
const LADDER = [213_000, 385_000, 754_000, 2_891_000].map((bitrate) => ({ bitrate }));
const MBPS = 1_000_000;

/** A 4 s 720p segment (1.4 MB) two seconds in, 600 KB loaded. */
const fetch = (over: Partial<InFlight> = {}): InFlight => ({
  level: 3,
  duration: 4,
  elapsedMs: 2_000,
  loadedBytes: 600_000,
  totalBytes: 1_400_000,
  ttfbMs: 150,
  recentBps: 5 * MBPS,
  bufferAheadSeconds: 4,
  ...over,
});

describe('abandoning a segment fetch the link can no longer finish in time', () => {
  it('lets a fetch run while it lands before the buffer runs dry', () => {
    // 800 KB at 5 Mbit/s: 1.3 s, with 4 s buffered.
    expect(abandonTo(fetch(), LADDER)).toBeNull();
  });

  it('switches down as soon as the last second says the rest would outlast the buffer', () => {
    // 800 KB at 1 Mbit/s: 6.4 s, with 4 s buffered; 360p's 193 KB arrives in 1.7 s, 480p's in 3.2.
    expect(abandonTo(fetch({ recentBps: 1 * MBPS }), LADDER)).toBe(1);
  });

  it('picks the best lower rung that arrives within half the buffer left', () => {
    // 720p's last 1 MB at 3 Mbit/s: 2.7 s, over 3 s of buffer less the margin. 480p's 377 KB
    // takes 1.15 s, within (3 - 0.5) / 2; at 2 Mbit/s it would not be, and 360p is the pick.
    expect(abandonTo(fetch({ recentBps: 3 * MBPS, loadedBytes: 400_000, bufferAheadSeconds: 3 }), LADDER)).toBe(2);
    expect(abandonTo(fetch({ recentBps: 2 * MBPS, loadedBytes: 400_000, bufferAheadSeconds: 3 }), LADDER)).toBe(1);
  });

  it('goes to the lowest rung when none fits', () => {
    expect(abandonTo(fetch({ recentBps: 0.5 * MBPS, bufferAheadSeconds: 1 }), LADDER)).toBe(0);
  });

  it('keeps a fetch whose rest arrives sooner than the lowest rung would', () => {
    // 20 KB left at 1 Mbit/s: 0.16 s; 240p's 107 KB takes 1 s. A stall either way, the shorter one.
    expect(abandonTo(fetch({ recentBps: 1 * MBPS, loadedBytes: 1_380_000, bufferAheadSeconds: 0.1 }), LADDER)).toBeNull();
  });

  it('never judges the lowest rung, a fetch under half a second old, or one without a full window of samples', () => {
    expect(abandonTo(fetch({ level: 0, recentBps: 0.1 * MBPS }), LADDER)).toBeNull();
    expect(abandonTo(fetch({ elapsedMs: 400, recentBps: 0.1 * MBPS }), LADDER)).toBeNull();
    expect(abandonTo(fetch({ recentBps: undefined }), LADDER)).toBeNull();
  });

  it('estimates the size from the bit rate when the length is unknown', () => {
    // 2.891 Mbit/s x 4 s = 1.45 MB; with 1.44 MB loaded the rest is quick even at 1 Mbit/s.
    expect(abandonTo(fetch({ totalBytes: 0, loadedBytes: 1_440_000, recentBps: 1 * MBPS, bufferAheadSeconds: 0.5 }), LADDER)).toBeNull();
    expect(abandonTo(fetch({ totalBytes: 0, recentBps: 1 * MBPS }), LADDER)).toBe(1);
  });
});

describe('the rate of the last second', () => {
  it('is the bytes between the newest sample and the last one older than the window', () => {
    const samples: [number, number][] = [[0, 0], [500, 300_000], [1_000, 600_000], [1_500, 662_500], [2_000, 725_000]];
    // From t=500, the last sample over a second old at t=2000: 425 KB in 1.5 s.
    expect(recentRate(samples, 2_000)).toBeCloseTo((425_000 * 8000) / 1_500);
  });

  it('is unknown until a sample older than the window exists', () => {
    expect(recentRate([[0, 0], [600, 100_000]], 900)).toBeUndefined();
    expect(recentRate([], 900)).toBeUndefined();
  });
});

describe('the buffer ahead of the playhead', () => {
  const ranges = (...r: [number, number][]) => ({ length: r.length, start: (i: number) => r[i]![0], end: (i: number) => r[i]![1] }) as TimeRanges;

  it('is the rest of the range that holds the playhead, not a later one', () => {
    expect(bufferAhead(ranges([0, 8], [12, 20]), 5)).toBe(3);
    expect(bufferAhead(ranges([0, 8], [12, 20]), 9)).toBe(0);
  });

  it('counts a range starting a hair after the playhead (a start gap)', () => {
    expect(bufferAhead(ranges([0.05, 4]), 0)).toBeCloseTo(4);
  });
});
