import { describe, expect, it } from 'vitest';
import { compareKeys, listPage } from './listing.ts';

const items = ['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd', 'é', 'z'].sort(compareKeys).map((key) => ({ key }));
const keysOf = (page: ReturnType<typeof listPage<{ key: string }>>) => [...page.contents.map((c) => c.key), ...page.commonPrefixes];

describe('ListObjectsV2 paging', () => {
  it('orders keys by their UTF-8 bytes, as S3 does', () => {
    expect(['é', 'z', 'Z'].sort(compareKeys)).toEqual(['Z', 'z', 'é']);
  });

  it('rolls keys up to the delimiter into common prefixes that count as one entry each', () => {
    const page = listPage(items, { prefix: '', delimiter: '/', maxKeys: 1000 });
    expect(page.commonPrefixes).toEqual(['a/', 'c/']);
    expect(page.contents.map((c) => c.key)).toEqual(['b', 'd', 'z', 'é']);
    expect(page.isTruncated).toBe(false);
  });

  it('goes on from the continuation token without repeating a common prefix', () => {
    const first = listPage(items, { prefix: '', delimiter: '/', maxKeys: 1 });
    expect([keysOf(first), first.isTruncated]).toEqual([['a/'], true]);
    const second = listPage(items, { prefix: '', delimiter: '/', maxKeys: 2, continuationToken: first.nextContinuationToken as string });
    expect(keysOf(second)).toEqual(['b', 'c/']);
    const third = listPage(items, { prefix: '', delimiter: '/', maxKeys: 10, continuationToken: second.nextContinuationToken as string });
    expect([keysOf(third), third.isTruncated, third.nextContinuationToken]).toEqual([['d', 'z', 'é'], false, undefined]);
  });

  it('honours prefix and start-after, and refuses a token it did not issue', () => {
    expect(keysOf(listPage(items, { prefix: 'c/', maxKeys: 1000 }))).toEqual(['c/x/1', 'c/y']);
    expect(keysOf(listPage(items, { prefix: '', maxKeys: 2, startAfter: 'b' }))).toEqual(['c/x/1', 'c/y']);
    expect(() => listPage(items, { prefix: '', maxKeys: 2, continuationToken: 'not-a-token' })).toThrow(/continuation token/);
  });
});
