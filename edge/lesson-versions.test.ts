import { describe, expect, it } from 'vitest';
import { formatVersions, isServedVersion, versionsKey } from './lesson-versions.ts';

const NEW = 'v0mwq9a002-beef';
const OLD = 'v0mwq9a001-beef';
const ANCIENT = 'v0mwq9a000-beef';

describe('the served-versions entry of a lesson', () => {
  const value = formatVersions([{ version: NEW }, { version: OLD, until: 1_000 }]);

  it('is written as the published version, then the replaced one with its deadline', () => {
    expect(value).toBe(`${NEW} ${OLD}@1000`);
    expect(versionsKey('demo', 'lesson-1')).toBe('demo/lesson-1/versions');
  });

  it('serves the published version always and the replaced one only until its deadline', () => {
    expect(isServedVersion(value, NEW, 5_000)).toBe(true);
    expect(isServedVersion(value, OLD, 999)).toBe(true);
    expect(isServedVersion(value, OLD, 1_000)).toBe(false);
  });

  it('serves no other version, and nothing when the entry is missing or malformed', () => {
    expect(isServedVersion(value, ANCIENT, 0)).toBe(false);
    expect(isServedVersion(undefined, NEW, 0)).toBe(false);
    expect(isServedVersion(`${OLD}@soon`, OLD, 0)).toBe(false);
    expect(isServedVersion(value, 'v0mwq9a002-bee', 0)).toBe(false);
    expect(isServedVersion(NEW, NEW.toUpperCase(), 0)).toBe(false);
  });
});
