/**
 * The CloudFront Functions event the local distribution builds: names the viewer chose
 * (query parameters, cookies, headers) are entries of their maps, whatever they are called.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toFunctionEvent } from './function-event.ts';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'then'];
const before = Object.getOwnPropertyNames(Object.prototype).sort();

afterEach(() => {
  // Whatever a test did, the next must start from a clean Object.prototype.
  for (const name of Object.getOwnPropertyNames(Object.prototype)) if (!before.includes(name)) delete (Object.prototype as Record<string, unknown>)[name];
});

function eventFor(name: string) {
  return toFunctionEvent({
    method: 'GET',
    uri: '/watch/demo/lesson-1',
    query: `${name}=1&${name}=2`,
    headers: { host: 'localhost:8787', [name.toLowerCase()]: 'h', cookie: `${name}=c` },
    viewerIp: '127.0.0.1',
    host: 'localhost:8787',
  });
}

describe('the viewer-request event of the local distribution', () => {
  it.each(PROTOTYPE_NAMES)('keeps a query parameter, header and cookie named %s as plain entries, and Object.prototype untouched', (name) => {
    const { request } = eventFor(name);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(Object.getOwnPropertyDescriptor(request.querystring, name)?.value).toEqual({ value: '1', multiValue: [{ value: '1' }, { value: '2' }] });
    expect(Object.getOwnPropertyDescriptor(request.headers, name.toLowerCase())?.value).toEqual({ value: 'h' });
    expect(Object.getOwnPropertyDescriptor(request.cookies, name)?.value).toEqual({ value: 'c' });
  });

  it('hands the maps over as JSON would carry them: every name, none inherited', () => {
    const { request } = eventFor('__proto__');
    expect(JSON.parse(JSON.stringify(request.querystring))).toEqual(JSON.parse('{"__proto__":{"value":"1","multiValue":[{"value":"1"},{"value":"2"}]}}'));
    expect(Object.keys(request.cookies)).toEqual(['__proto__']);
    expect('toString' in request.querystring).toBe(false);
  });
});
