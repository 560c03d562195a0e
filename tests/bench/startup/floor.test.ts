import { describe, expect, it } from 'vitest';
import { asBuiltFloor, criticalRoundTrips, firstMediaBytes, physicsFloor, type FetchEntry } from './floor.ts';

const e = (name: string, startTime: number, responseEnd: number, bytes: number): FetchEntry => ({ name, startTime, responseEnd, bytes });

describe('floor', () => {
  // session → master → variant → (init ‖ segment): 4 dependent round trips.
  const chain = [
    e('http://h/auth/session', 0, 100, 500),
    e('http://h/courses/c/l/master.m3u8', 110, 200, 1_000),
    e('http://h/courses/c/l/720p/index.m3u8', 210, 300, 1_500),
    e('http://h/courses/c/l/720p/init.mp4', 310, 400, 1_000),
    e('http://h/courses/c/l/720p/seg0.m4s', 315, 900, 196_000),
    e('http://h/player/lectern.js', 0, 50, 90_000),
    e('http://h/player/config', 0, 60, 300),
  ];

  it('counts parallel requests as one round trip', () => {
    expect(criticalRoundTrips(chain.slice(0, 5))).toBe(4);
  });

  it('excludes the player JS and config, sums the rest', () => {
    const f = asBuiltFloor(chain, { downBps: 1_600_000, latencyMs: 150 });
    expect(f.roundTrips).toBe(4);
    expect(f.bytes).toBe(200_000);
    // 4 × 150 + 200 000 × 8 / 1.6 Mbit/s = 600 + 1000
    expect(f.ms).toBe(1_600);
  });

  it('physics is two round trips and the first media bytes', () => {
    expect(physicsFloor(197_000, { downBps: 5_000_000, latencyMs: 40 }).ms).toBeCloseTo(80 + 315.2, 6);
  });
});

describe('firstMediaBytes', () => {
  it('takes the init and the earliest segment only', () => {
    const entries = [
      e('http://h/a/720p/seg1.m4s', 500, 600, 9_999),
      e('http://h/a/720p/init.mp4', 100, 200, 1_000),
      e('http://h/a/720p/seg0.m4s', 110, 400, 50_000),
      e('http://h/a/master.m3u8', 0, 50, 700),
    ];
    expect(firstMediaBytes(entries)).toBe(51_000);
  });
});
