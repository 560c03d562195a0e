import { describe, expect, it } from 'vitest';
import { chooseStartVariant, DEFAULT_BPS, estimateBandwidth, pageLoadBandwidth, rememberBandwidth } from './abr.ts';
import type { Variant } from './m3u8.ts';

const v = (height: number, kbps: number): Variant => ({ url: `https://x/${height}.m3u8`, bandwidth: kbps * 1000, height, width: Math.round((height * 16) / 9) });
const ladder = [v(480, 900), v(1080, 2600), v(720, 1600), v(360, 500)];

function memory(): Storage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, val) => void m.set(k, val), removeItem: (k) => void m.delete(k), clear: () => m.clear(), key: () => null, length: 0 };
}

describe('start level', () => {
  it('prefers a recent measurement, then the Network Information estimate, then a default', () => {
    const s = memory();
    expect(estimateBandwidth(s, undefined)).toEqual({ bps: DEFAULT_BPS, source: 'default' });
    expect(estimateBandwidth(s, { downlink: 5 })).toEqual({ bps: 5_000_000, source: 'network-information' });
    expect(estimateBandwidth(s, { downlink: 5, saveData: true }).bps).toBe(1_000_000);
    rememberBandwidth(s, 8_000_000, 1000);
    expect(estimateBandwidth(s, { downlink: 5 }, 2000)).toEqual({ bps: 8_000_000, source: 'measured' });
    rememberBandwidth(s, 4_000_000, 3000);
    expect(estimateBandwidth(s, undefined, 4000).bps).toBe(Math.round(8_000_000 * 0.3 + 4_000_000 * 0.7));
    // Six hours later the measurement is about another network.
    expect(estimateBandwidth(s, undefined, 3000 + 7 * 3600_000).source).toBe('default');
  });

  it('picks the highest variant whose first segment downloads within the start budget and whose peak fits 80 % of the estimate', () => {
    // The pipeline's 2 s segments, 0.15 s budget: peak at most 7.5 % of the estimate.
    expect(chooseStartVariant(ladder, { bps: 10_000_000, source: 'measured' }).variant.height).toBe(360);
    expect(chooseStartVariant(ladder, { bps: 12_000_000, source: 'measured' }).variant.height).toBe(480);
    expect(chooseStartVariant(ladder, { bps: 11_999_000, source: 'measured' }).variant.height).toBe(360);
    expect(chooseStartVariant(ladder, { bps: 22_000_000, source: 'measured' }).variant.height).toBe(720);
    expect(chooseStartVariant(ladder, { bps: 35_000_000, source: 'measured' }).variant.height).toBe(1080);
    // Segments twice as long take twice the link for the same start.
    expect(chooseStartVariant(ladder, { bps: 24_000_000, source: 'measured' }, Infinity, { segmentSeconds: 4 }).variant.height).toBe(480);
    expect(chooseStartVariant(ladder, { bps: 23_999_000, source: 'measured' }, Infinity, { segmentSeconds: 4 }).variant.height).toBe(360);
    // A longer budget starts higher on the same link.
    expect(chooseStartVariant(ladder, { bps: 10_000_000, source: 'measured' }, Infinity, { budgetSeconds: 0.4 }).variant.height).toBe(720);
    // Without the start budget only sustainability counts.
    expect(chooseStartVariant(ladder, { bps: 1_600_000, source: 'measured' }, Infinity, { budgetSeconds: Infinity }).variant.height).toBe(480);
    expect(chooseStartVariant(ladder, { bps: 2_100_000, source: 'measured' }, Infinity, { budgetSeconds: Infinity }).variant.height).toBe(720);
  });

  it('falls back to the lowest variant when nothing fits', () => {
    expect(chooseStartVariant(ladder, { bps: 100_000, source: 'default' }).variant.height).toBe(360);
  });

  it('does not start above what the player shows', () => {
    expect(chooseStartVariant(ladder, { bps: 50_000_000, source: 'measured' }, 500).variant.height).toBe(720);
    expect(chooseStartVariant(ladder, { bps: 50_000_000, source: 'measured' }, 360).variant.height).toBe(360);
    expect(chooseStartVariant(ladder, { bps: 50_000_000, source: 'measured' }, 1).variant.height).toBe(360);
  });
});

describe('page-load throughput', () => {
  it('uses body bytes over body time of sizeable same-origin responses', () => {
    expect(pageLoadBandwidth([{ transferSize: 56_300, encodedBodySize: 56_000, responseStart: 100, responseEnd: 380 }])).toBe(1_600_000);
    expect(pageLoadBandwidth([{ transferSize: 900, encodedBodySize: 600, responseStart: 1, responseEnd: 2 }])).toBeUndefined();
    // A burst: 20 KB in 2 ms is not 80 Mbit/s of evidence.
    expect(pageLoadBandwidth([{ transferSize: 20_000, encodedBodySize: 20_000, responseStart: 10, responseEnd: 12 }])).toBe(3_200_000);
    expect(estimateBandwidth(undefined, { downlink: 10 }, 0, 1_600_000)).toEqual({ bps: 1_600_000, source: 'page-load' });
  });
});
