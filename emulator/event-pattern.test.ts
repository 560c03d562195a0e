import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from './event-pattern.ts';

describe('matchesEventPattern', () => {
  const pattern = { source: ['aws.mediaconvert'], detail: { status: ['COMPLETE', 'ERROR'] } };

  it('matches when every named field holds one of the listed values', () => {
    expect(matchesEventPattern(pattern, { source: 'aws.mediaconvert', detail: { status: 'ERROR', jobId: 'x' } })).toBe(true);
  });

  it('refuses a value that is not listed, a missing field, and a non-object', () => {
    expect(matchesEventPattern(pattern, { source: 'aws.mediaconvert', detail: { status: 'CANCELED' } })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.mediaconvert' })).toBe(false);
    expect(matchesEventPattern(pattern, 'COMPLETE')).toBe(false);
  });

  it('matches an event array when any of its elements is listed', () => {
    expect(matchesEventPattern({ resources: ['a'] }, { resources: ['b', 'a'] })).toBe(true);
  });

  it('refuses content filters it does not implement instead of guessing', () => {
    expect(() => matchesEventPattern({ source: [{ prefix: 'aws.' }] }, { source: 'aws.s3' })).toThrow(/not supported/);
  });
});
