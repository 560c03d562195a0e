import { describe, expect, it } from 'vitest';
import { sessionAccess } from './session-access.ts';

describe('what a session lifetime implies', () => {
  it('bounds revocation by the lifetime and prices the renewals that keep playback going', () => {
    const access = sessionAccess(50);
    expect(access.revocationBoundSeconds).toBe(50);
    expect(access.renewalsPerStudentHour).toBe(120);
    // 120 × ($0.60/M requests + 0.125 GB × 0.05 s × $0.00005001 + 1 RRU × $0.125/M).
    expect(access.renewalCostPerStudentHour).toBeCloseTo(120 * (0.6e-6 + 0.125 * 0.05 * 0.00005001 + 0.125e-6), 12);
    expect(access.renewalCostPerStudentHour).toBeLessThan(0.001);
  });

  it('renews less often, and revokes later, with a longer lifetime', () => {
    expect(sessionAccess(600)).toMatchObject({ revocationBoundSeconds: 600, renewalsPerStudentHour: 10 });
  });
});
