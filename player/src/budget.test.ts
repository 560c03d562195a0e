import { describe, expect, it } from 'vitest';
import { overBudget, PLAYER_BUDGET } from '../budget.ts';

describe('size budget', () => {
  it('names every figure over budget', () => {
    expect(overBudget({ initialGzipBytes: 1, embedGzipBytes: 1, hlsGzipBytes: 1, onUseGzipBytes: 1, totalGzipBytes: 1 })).toEqual([]);
    expect(overBudget({ ...PLAYER_BUDGET, initialGzipBytes: PLAYER_BUDGET.initialGzipBytes + 1 })).toEqual([expect.stringMatching(/^initialGzipBytes: .* > budget/)]);
  });
});
