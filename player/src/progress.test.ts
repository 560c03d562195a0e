import { describe, expect, it } from 'vitest';
import { resumePosition } from './progress.ts';

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
