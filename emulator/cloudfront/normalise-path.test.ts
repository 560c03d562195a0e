import { describe, expect, it } from 'vitest';
import { normalisePath, normalisePercentEncoding, parseRequestTarget, removeDotSegments } from './normalise-path.ts';

describe('normalisePath', () => {
  // RFC 3986 section 5.4: base URI http://a/b/c/d;p?q. Each reference is merged with the base
  // path "/b/c/d;p" (section 5.2.3), giving the path on the left; removing dot segments must
  // give the path of the RFC's expected result on the right.
  const rfc3986Examples: ReadonlyArray<[reference: string, merged: string, expected: string]> = [
    // 5.4.1 normal examples
    ['g', '/b/c/g', '/b/c/g'],
    ['./g', '/b/c/./g', '/b/c/g'],
    ['g/', '/b/c/g/', '/b/c/g/'],
    ['/g', '/g', '/g'],
    ['.', '/b/c/.', '/b/c/'],
    ['./', '/b/c/./', '/b/c/'],
    ['..', '/b/c/..', '/b/'],
    ['../', '/b/c/../', '/b/'],
    ['../g', '/b/c/../g', '/b/g'],
    ['../..', '/b/c/../..', '/'],
    ['../../', '/b/c/../../', '/'],
    ['../../g', '/b/c/../../g', '/g'],
    // 5.4.2 abnormal examples
    ['../../../g', '/b/c/../../../g', '/g'],
    ['../../../../g', '/b/c/../../../../g', '/g'],
    ['/./g', '/./g', '/g'],
    ['/../g', '/../g', '/g'],
    ['g.', '/b/c/g.', '/b/c/g.'],
    ['.g', '/b/c/.g', '/b/c/.g'],
    ['g..', '/b/c/g..', '/b/c/g..'],
    ['..g', '/b/c/..g', '/b/c/..g'],
    ['./../g', '/b/c/./../g', '/b/g'],
    ['./g/.', '/b/c/./g/.', '/b/c/g/'],
    ['g/./h', '/b/c/g/./h', '/b/c/g/h'],
    ['g/../h', '/b/c/g/../h', '/b/c/h'],
    ['g;x=1/./y', '/b/c/g;x=1/./y', '/b/c/g;x=1/y'],
    ['g;x=1/../y', '/b/c/g;x=1/../y', '/b/c/y'],
  ];

  for (const [reference, merged, expected] of rfc3986Examples) {
    it(`resolves the RFC 3986 example "${reference}" (${merged}) to ${expected}`, () => {
      expect(normalisePath(merged)).toBe(expected);
    });
  }

  it('follows the worked example of RFC 3986 section 5.2.4 for relative input', () => {
    expect(removeDotSegments('/a/b/c/./../../g')).toBe('/a/g');
    expect(removeDotSegments('mid/content=5/../6')).toBe('mid/6');
  });

  it('treats %2e%2e exactly like .. once unreserved octets are decoded', () => {
    expect(normalisePath('/courses/123/%2e%2e/456/master.m3u8')).toBe('/courses/456/master.m3u8');
    expect(normalisePath('/courses/%2E%2E/%2e%2E/etc/passwd')).toBe('/etc/passwd');
    expect(normalisePath('/courses/123/%2e/x.m4s')).toBe('/courses/123/x.m4s');
  });

  it('escapes the course prefix with dot segments, which is why behaviors match the normalised path', () => {
    expect(normalisePath('/courses/../watch/1/2')).toBe('/watch/1/2');
    expect(normalisePath('/watch/../courses/1/master.m3u8')).toBe('/courses/1/master.m3u8');
  });

  it('uppercases percent-encoding hex digits and decodes unreserved characters only', () => {
    expect(normalisePercentEncoding('/a%2fb%3a%7e%41%5F%2D%30')).toBe('/a%2Fb%3A~A_-0');
    expect(normalisePath('/A%62c/%e2%82%ac')).toBe('/Abc/%E2%82%AC');
  });

  it('keeps %2F encoded, so it never becomes a separator or part of a dot segment', () => {
    expect(normalisePath('/courses/123%2F..%2F456/x')).toBe('/courses/123%2F..%2F456/x');
    expect(normalisePath('/courses/..%2F..%2Fetc/passwd')).toBe('/courses/..%2F..%2Fetc/passwd');
    expect(normalisePath('/courses/..%2f/x')).toBe('/courses/..%2F/x');
  });

  it('does not decode twice: %252e stays an encoded percent sign followed by 2e', () => {
    expect(normalisePath('/courses/%252e%252e/x')).toBe('/courses/%252e%252e/x');
  });

  it('leaves a stray percent sign alone instead of throwing', () => {
    expect(normalisePath('/a/%zz/%')).toBe('/a/%zz/%');
  });

  it('keeps empty segments, which are not dot segments', () => {
    expect(normalisePath('/a//b/../c')).toBe('/a//c');
  });
});

describe('parseRequestTarget', () => {
  it('splits path and query and normalises the path for behavior matching', () => {
    expect(parseRequestTarget('/courses/1/%2e%2e/2/master.m3u8?Expires=1&x=%2F')).toEqual({
      ok: true,
      rawPath: '/courses/1/%2e%2e/2/master.m3u8',
      query: 'Expires=1&x=%2F',
      path: '/courses/2/master.m3u8',
    });
  });

  it('tells an absent query from an empty one', () => {
    expect(parseRequestTarget('/a')).toMatchObject({ ok: true, query: undefined });
    expect(parseRequestTarget('/a?')).toMatchObject({ ok: true, query: '' });
  });

  it('splits on the first question mark only', () => {
    expect(parseRequestTarget('/a?b?c')).toMatchObject({ ok: true, rawPath: '/a', query: 'b?c' });
  });

  it.each([
    ['', 'empty'],
    ['courses/1', 'no leading slash'],
    ['http://evil.example/courses/1', 'absolute-form'],
    ['*', 'asterisk-form'],
    ['/a#frag', 'a fragment'],
    ['/a b', 'a space'],
    ['/a\u0000b', 'a NUL'],
    ['/a\tb', 'a tab'],
    ['/caf\u00e9', 'raw non-ASCII'],
    ['/a/%zz', 'malformed percent-encoding'],
    ['/a/%2', 'a truncated percent escape'],
    [`/${'a'.repeat(9000)}`, 'more than 8192 characters'],
  ])('refuses %j (%s)', (target) => {
    expect(parseRequestTarget(target).ok).toBe(false);
  });

  it('refuses non-string input without throwing', () => {
    expect(parseRequestTarget(undefined as unknown as string).ok).toBe(false);
  });
});
