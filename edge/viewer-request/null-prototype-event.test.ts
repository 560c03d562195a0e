/**
 * CloudFront builds the event's querystring, headers and cookies maps itself, keyed by names
 * the viewer chose. The function only reads them through Object.keys and
 * Object.prototype.hasOwnProperty.call, so it decides the same whether a map has a prototype or
 * not, and whether a name is `__proto__`, `hasOwnProperty` or `constructor`.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CfRequest, CfValue } from '../cloudfront-functions/event-shape.ts';

vi.mock('cloudfront', () => ({
  default: {
    kvs: () => ({
      exists: async (key: string) => key === 'demo/lesson-1' || key === 'demo/lesson-1/versions',
      get: async (key: string) => (key === 'demo/lesson-1' ? 'lesson-2' : 'v0mwq9a000-0000'),
    }),
  },
}));

const { handler } = await import('./function.ts');

/** A map the way a null-prototype builder hands it over: own entries only. */
function bare(entries: Record<string, string>): Record<string, CfValue> {
  const map: Record<string, CfValue> = Object.create(null);
  for (const name of Object.keys(entries)) Object.defineProperty(map, name, { value: { value: entries[name] }, enumerable: true, writable: true, configurable: true });
  return map;
}

function event(uri: string, query: Record<string, string>, headers: Record<string, string>) {
  return {
    version: '1.0' as const,
    context: { eventType: 'viewer-request' as const },
    viewer: { ip: '198.51.100.11' },
    request: { method: 'GET', uri, querystring: bare(query), headers: bare(headers), cookies: bare({ ['__proto__']: 'c', constructor: 'd' }) },
  };
}

// Computed keys: a literal `__proto__:` would set the prototype instead of an entry.
const ODD_HEADERS = { host: 'video.example.com', ['__proto__']: 'x', hasownproperty: 'y', constructor: 'z' };

describe('the viewer-request function given maps without a prototype', () => {
  it('carries a query parameter named __proto__ or constructor onto the next-lesson redirect', async () => {
    const result = await handler(event('/courses/demo/lesson-1/next.m3u8', { ['__proto__']: '1', constructor: '2', Policy: 'p' }, { ...ODD_HEADERS, accept: '*/*' }));
    expect(result).toMatchObject({ statusCode: 302, headers: { location: { value: '/courses/demo/lesson-2/master.m3u8?__proto__=1&constructor=2&Policy=p' } } });
  });

  it('still tells a navigation by its Accept header when odd header names sit beside it', async () => {
    const result = await handler(event('/courses/demo/lesson-1/master.m3u8', { toString: '1' }, { ...ODD_HEADERS, accept: 'text/html' }));
    expect(result).toMatchObject({ statusCode: 302, headers: { location: { value: '/watch/demo/lesson-1' } } });
  });

  it('passes a media request on untouched, its maps still without a prototype', async () => {
    const request = event('/courses/demo/lesson-1/v0mwq9a000-0000/720p/seg-00001.m4s', { ['__proto__']: '1' }, ODD_HEADERS).request;
    const result = (await handler({ ...event('/', {}, {}), request })) as CfRequest;
    expect(result.uri).toBe('/courses/demo/lesson-1/v0mwq9a000-0000/720p/seg-00001.m4s');
    expect(Object.getPrototypeOf(result.querystring)).toBeNull();
    expect(Object.keys(result.querystring)).toEqual(['__proto__']);
  });
});
