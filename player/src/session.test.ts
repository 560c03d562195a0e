import { describe, expect, it } from 'vitest';
import { canonicalUrl, withQuery } from './session.ts';
import { resumePosition } from './progress.ts';
import { overBudget, PLAYER_BUDGET } from '../budget.ts';

describe('signed URLs', () => {
  it('strips CloudFront signing parameters for cache keys and keeps the rest', () => {
    expect(canonicalUrl('https://cdn/courses/c/l/a.m4s?Policy=x&Signature=y&Key-Pair-Id=K&v=2')).toBe('https://cdn/courses/c/l/a.m4s?v=2');
    expect(canonicalUrl('https://cdn/courses/c/l/a.m4s')).toBe('https://cdn/courses/c/l/a.m4s');
  });

  it('appends the session query once, whatever the URL carried', () => {
    expect(withQuery('https://cdn/a.m3u8', 'Policy=p&Signature=s&Key-Pair-Id=K')).toBe('https://cdn/a.m3u8?Policy=p&Signature=s&Key-Pair-Id=K');
    expect(withQuery('https://cdn/a.m3u8?Policy=old&Signature=old', 'Policy=p&Signature=s')).toBe('https://cdn/a.m3u8?Policy=p&Signature=s');
    expect(withQuery('https://cdn/a.m3u8?v=1', 'Policy=p')).toBe('https://cdn/a.m3u8?v=1&Policy=p');
  });
});

describe('resume position', () => {
  const record = (position: number, updatedAt: string | null, duration = 600) => ({ courseId: 'c', lessonId: 'l', position, duration, watched: 0, completed: false, completedAt: null, updatedAt });
  it('takes the newer of server and local', () => {
    expect(resumePosition(record(100, '2030-01-01T00:00:10Z'), { position: 50, at: Date.parse('2030-01-01T00:00:00Z') })).toBe(100);
    expect(resumePosition(record(100, '2030-01-01T00:00:10Z'), { position: 50, at: Date.parse('2030-01-01T00:00:20Z') })).toBe(50);
    expect(resumePosition(null, { position: 42, at: 1 }, 600)).toBe(42);
  });
  it('starts over when barely started or at the very end', () => {
    expect(resumePosition(record(1, null), null)).toBe(0);
    expect(resumePosition(record(599, null), null)).toBe(0);
    expect(resumePosition(record(8.5, null, 12), null)).toBe(8.5);
    expect(resumePosition(record(11.5, null, 12), null)).toBe(0);
  });
});

describe('size budget', () => {
  it('names every figure over budget', () => {
    expect(overBudget({ initialGzipBytes: 1, embedGzipBytes: 1, hlsGzipBytes: 1, totalGzipBytes: 1 })).toEqual([]);
    expect(overBudget({ ...PLAYER_BUDGET, initialGzipBytes: PLAYER_BUDGET.initialGzipBytes + 1 })).toEqual([expect.stringMatching(/^initialGzipBytes: .* > budget/)]);
  });
});
