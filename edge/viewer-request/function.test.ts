/**
 * The BUILT viewer-request function (dist shape, one file) run in the cloudfront-js-2.0
 * sandbox with real CloudFront Functions event shapes and a KeyValueStore in the CloudFront
 * import format.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildViewerRequest } from './build.ts';
import { loadCloudFrontFunction, type CloudFrontFunctionSandbox } from '../../emulator/cloudfront/function-sandbox.ts';
import { kvsFromImportFormat } from '../../emulator/cloudfront/kvs-import-format.ts';
import { type CfEvent, type CfRequest, type CfResponse } from '../cloudfront-functions/event-shape.ts';
import { ERROR_RESPONSES } from '../error-responses.ts';

const LESSON_MAP = '{"data":[{"key":"demo/lesson-1","value":"lesson-2"},{"key":"demo/lesson-1/versions","value":"v0mwq9a000-0000"},{"key":"demo/lesson-2","value":"lesson-3"},{"key":"demo/broken","value":"../x"}]}';

let code: string;
let fn: CloudFrontFunctionSandbox;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lectern-vr-'));
  const file = path.join(dir, 'viewer-request.js');
  await buildViewerRequest(file);
  code = await readFile(file, 'utf8');
  fn = loadCloudFrontFunction(code, { kvs: kvsFromImportFormat(LESSON_MAP) });
});

function viewerRequest(uri: string, request: Partial<CfRequest> = {}): CfEvent {
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: 'EXAMPLEntjQpEXAMPLE_SG5Z-EXAMPLEPmPfEXAMPLEu3EqEXAMPLE==',
    },
    viewer: { ip: '198.51.100.11' },
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: { host: { value: 'video.example.com' }, accept: { value: '*/*' } },
      cookies: {
        'CloudFront-Policy': { value: 'eyJTdGF0ZW1lbnQiOltdfQ__' },
        'CloudFront-Signature': { value: 'sig~nat-ure_' },
        'CloudFront-Key-Pair-Id': { value: 'K2JCJMDEHXQW5F' },
      },
      ...request,
    },
  };
}

const asResponse = (result: CfRequest | CfResponse) => result as CfResponse;
const asRequest = (result: CfRequest | CfResponse) => result as CfRequest;

describe('the built viewer-request function', () => {
  it('redirects next.m3u8 to the next lesson from the KeyValueStore, keeping the signed query', async () => {
    const event = viewerRequest('/courses/demo/lesson-1/next.m3u8', {
      querystring: {
        Policy: { value: 'eyJTdGF0ZW1lbnQiOltdfQ__' },
        Signature: { value: 'AbC~dEf-gh_' },
        'Key-Pair-Id': { value: 'K2JCJMDEHXQW5F' },
        'Hash-Algorithm': { value: 'SHA256' },
      },
    });
    expect(await fn.run(event)).toEqual({
      statusCode: 302,
      statusDescription: 'Found',
      headers: {
        location: {
          value: '/courses/demo/lesson-2/master.m3u8?Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=AbC~dEf-gh_&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256',
        },
        'cache-control': { value: 'private, max-age=60' },
      },
    });
  });

  it('answers 404 ERR_NO_NEXT_LESSON, uncached, after the last lesson (get() rejects on a missing key)', async () => {
    const result = asResponse(await fn.run(viewerRequest('/courses/demo/lesson-3/next.m3u8')));
    expect(result).toEqual({
      statusCode: 404,
      headers: {
        'content-type': { value: 'text/plain; charset=utf-8' },
        'cache-control': { value: 'no-store' },
        'x-lectern-error': { value: 'ERR_NO_NEXT_LESSON' },
      },
      body: { encoding: 'text', data: `${ERROR_RESPONSES.ERR_NO_NEXT_LESSON.message}\n` },
    });
  });

  it('answers 503 with Retry-After when the map holds a value that is not a lesson id', async () => {
    const result = asResponse(await fn.run(viewerRequest('/courses/demo/broken/next.m3u8')));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toEqual({ value: '5' });
    expect(result.headers?.['x-lectern-error']).toEqual({ value: 'ERR_LESSON_MAP_UNAVAILABLE' });
  });

  it('answers a failed KeyValueStore read with 503 ERR_LESSON_MAP_UNAVAILABLE, told from a missing key by exists()', async () => {
    const failing = loadCloudFrontFunction(code, { kvs: async () => { throw new Error('throttled'); } });
    const result = asResponse(await failing.run(viewerRequest('/courses/demo/lesson-1/next.m3u8')));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toEqual({ value: '5' });
    expect(result.headers?.['x-lectern-error']).toEqual({ value: 'ERR_LESSON_MAP_UNAVAILABLE' });
  });

  it('answers the last lesson (no key in the store) with 404 ERR_NO_NEXT_LESSON', async () => {
    const result = asResponse(await fn.run(viewerRequest('/courses/demo/lesson-3/next.m3u8')));
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['x-lectern-error']).toEqual({ value: 'ERR_NO_NEXT_LESSON' });
  });

  it('lets a published media request through untouched: uri, query, headers and cookies', async () => {
    const event = viewerRequest('/courses/demo/lesson-1/v0mwq9a000-0000/720p/seg-00001.m4s', { querystring: { t: { value: '1' } } });
    expect(await fn.run(event)).toEqual(event.request);
  });

  it('refuses anything else under /courses/ with 403 and the shared message', async () => {
    const result = asResponse(await fn.run(viewerRequest('/courses/demo/lesson-1/source.mov')));
    expect(result.statusCode).toBe(ERROR_RESPONSES.ERR_MEDIA_TYPE_REFUSED.status);
    expect(result.statusCode).toBe(403);
    expect(result.body).toEqual({ encoding: 'text', data: `${ERROR_RESPONSES.ERR_MEDIA_TYPE_REFUSED.message}\n` });
    expect(result.headers?.['cache-control']).toEqual({ value: 'no-store' });
  });

  it('sends a browser navigation (Accept with text/html among repeated headers) to /watch/<c>/<l>', async () => {
    const event = viewerRequest('/courses/demo/lesson-1/master.m3u8', {
      headers: {
        host: { value: 'video.example.com' },
        accept: { value: 'application/json', multiValue: [{ value: 'application/json' }, { value: 'text/html' }] },
      },
    });
    expect(await fn.run(event)).toEqual({
      statusCode: 302,
      statusDescription: 'Found',
      headers: { location: { value: '/watch/demo/lesson-1' }, 'cache-control': { value: 'no-store' } },
    });
  });

  it('sends a Sec-Fetch-Mode navigation with a bad lesson id to 404', async () => {
    const event = viewerRequest('/courses/demo/LESSON/master.m3u8', {
      headers: { host: { value: 'video.example.com' }, 'sec-fetch-mode': { value: 'navigate' } },
    });
    expect(asResponse(await fn.run(event)).statusCode).toBe(404);
  });

  it('rewrites /watch/<c>/<l> to the player page and keeps the rest of the request', async () => {
    const event = viewerRequest('/watch/demo/lesson-1', { querystring: { t: { value: '90' } } });
    expect(await fn.run(event)).toEqual({ ...event.request, uri: '/index.html' });
  });

  it('rewrites / to /index.html and passes /player/* and /errors/* as they are', async () => {
    expect(asRequest(await fn.run(viewerRequest('/'))).uri).toBe('/index.html');
    expect(asRequest(await fn.run(viewerRequest('/player/assets/app.js'))).uri).toBe('/player/assets/app.js');
    expect(asRequest(await fn.run(viewerRequest('/errors/403.html'))).uri).toBe('/errors/403.html');
  });

  it('answers 405 to a method the media behavior does not allow', async () => {
    expect(asResponse(await fn.run(viewerRequest('/courses/demo/lesson-1/master.m3u8', { method: 'DELETE' }))).statusCode).toBe(405);
  });

  it('gives every refusal the status of edge/error-responses.ts', async () => {
    const cases: Array<[string, Partial<CfRequest>, keyof typeof ERROR_RESPONSES]> = [
      ['/courses/demo/lesson-1/x.txt', {}, 'ERR_MEDIA_TYPE_REFUSED'],
      ['/courses/demo/lesson-3/next.m3u8', {}, 'ERR_NO_NEXT_LESSON'],
      ['/courses/demo/broken/next.m3u8', {}, 'ERR_LESSON_MAP_UNAVAILABLE'],
      ['/courses/demo/lesson-1/master.m3u8', { method: 'POST' }, 'ERR_METHOD_NOT_ALLOWED'],
    ];
    for (const [uri, request, code] of cases) {
      const result = asResponse(await fn.run(viewerRequest(uri, request)));
      expect(result.statusCode).toBe(ERROR_RESPONSES[code].status);
      expect(result.headers?.['x-lectern-error']).toEqual({ value: code });
    }
  });
});

describe('the built function when something unexpected happens', () => {
  /** The built code with Object.keys broken before it runs, so the handler itself throws. */
  function withBrokenRuntime(): CloudFrontFunctionSandbox {
    const lines = code.split('\n');
    lines.splice(1, 0, "Object.keys = function () { throw new Error('boom'); };");
    return loadCloudFrontFunction(lines.join('\n'), { kvs: kvsFromImportFormat(LESSON_MAP) });
  }

  it('passes a public player request through unchanged', async () => {
    const event = viewerRequest('/player/assets/app.js');
    expect(await withBrokenRuntime().run(event)).toEqual(event.request);
  });

  it('answers 500 ERR_INTERNAL under /courses/ (fail closed)', async () => {
    const result = asResponse(await withBrokenRuntime().run(viewerRequest('/courses/demo/lesson-1/master.m3u8')));
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['x-lectern-error']).toEqual({ value: 'ERR_INTERNAL' });
    expect(result.headers?.['cache-control']).toEqual({ value: 'no-store' });
  });
});
