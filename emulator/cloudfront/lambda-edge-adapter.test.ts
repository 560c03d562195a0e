import { describe, expect, it } from 'vitest';
import { GENERATED_RESPONSE_LIMIT_BYTES, INCLUDE_BODY_LIMIT_BYTES, invokeViewerRequest, toViewerRequestEvent } from './lambda-edge-adapter.ts';

const input = {
  method: 'POST',
  uri: '/auth/session',
  querystring: 'a=1',
  headers: { Host: 'localhost:8787', 'x-multi': ['one', 'two'], skipped: undefined },
  clientIp: '127.0.0.1',
  distributionDomainName: 'localhost:8787',
};

describe('the local Lambda@Edge adapter', () => {
  it('builds the viewer-request event CloudFront sends, with lowercase keys and lists of values', () => {
    const event = toViewerRequestEvent({ ...input, body: Buffer.from('{"courseId":"demo"}') }, true);
    const request = event.Records[0]!.cf.request;
    expect(request.headers['host']).toEqual([{ key: 'Host', value: 'localhost:8787' }]);
    expect(request.headers['x-multi']).toHaveLength(2);
    expect(request.headers['skipped']).toBeUndefined();
    expect(Buffer.from(request.body!.data, 'base64').toString()).toBe('{"courseId":"demo"}');
    expect(request.body!.inputTruncated).toBe(false);
    expect(event.Records[0]!.cf.config.eventType).toBe('viewer-request');
  });

  it('passes at most 40 KB of body and marks it truncated, as include-body does', () => {
    const event = toViewerRequestEvent({ ...input, body: Buffer.alloc(INCLUDE_BODY_LIMIT_BYTES + 10, 'a') }, true);
    const body = event.Records[0]!.cf.request.body!;
    expect(Buffer.from(body.data, 'base64').length).toBe(INCLUDE_BODY_LIMIT_BYTES);
    expect(body.inputTruncated).toBe(true);
    expect(toViewerRequestEvent(input, false).Records[0]!.cf.request.body).toBeUndefined();
  });

  it('answers 503 when the function outlives the viewer timeout', async () => {
    const result = await invokeViewerRequest(() => new Promise(() => {}), toViewerRequestEvent(input, false), 50);
    expect(result).toMatchObject({ failed: 503 });
  });

  it('answers 503 for a throw (a function execution error, like a timeout)', async () => {
    expect(await invokeViewerRequest(async () => { throw new Error('boom'); }, toViewerRequestEvent(input, false))).toMatchObject({ failed: 503 });
  });

  it('answers 502 for a generated response over 40 KB, a disallowed header or a body that is not base64', async () => {
    const event = toViewerRequestEvent(input, false);
    expect(await invokeViewerRequest(async () => ({ status: '200', body: 'a'.repeat(GENERATED_RESPONSE_LIMIT_BYTES + 1) }), event)).toMatchObject({ failed: 502 });
    expect(await invokeViewerRequest(async () => ({ status: '200', body: 'a'.repeat(GENERATED_RESPONSE_LIMIT_BYTES - 200) }), event)).toMatchObject({ status: 200 });
    expect(await invokeViewerRequest(async () => ({ status: '200', headers: { 'x-amz-cf-id': [{ key: 'X-Amz-Cf-Id', value: 'x' }] } }), event)).toMatchObject({ failed: 502 });
    expect(await invokeViewerRequest(async () => ({ status: '200', headers: { connection: [{ key: 'Connection', value: 'close' }] } }), event)).toMatchObject({ failed: 502 });
    expect(await invokeViewerRequest(async () => ({ status: '200', body: 'not base64!', bodyEncoding: 'base64' as const }), event)).toMatchObject({ failed: 502 });
  });

  it('answers 502 for a pass-through without an origin, or a malformed response', async () => {
    const event = toViewerRequestEvent(input, false);
    expect(await invokeViewerRequest(async () => event.Records[0]!.cf.request, event)).toMatchObject({ failed: 502 });
    expect(await invokeViewerRequest(async () => ({ status: 'abc' }), event)).toMatchObject({ failed: 502 });
    expect(await invokeViewerRequest(async () => ({ status: '200', headers: { 'x-a': [{ key: 'X-B', value: 'v' }] } }), event)).toMatchObject({ failed: 502 });
  });

  it('passes a valid generated response through, decoding a base64 body', async () => {
    const result = await invokeViewerRequest(
      async () => ({ status: '200', headers: { 'set-cookie': [{ key: 'Set-Cookie', value: 'a=1' }, { key: 'Set-Cookie', value: 'b=2' }] }, body: Buffer.from('hi').toString('base64'), bodyEncoding: 'base64' }),
      toViewerRequestEvent(input, false),
    );
    expect(result).toMatchObject({ status: 200, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']] });
    expect('body' in result && result.body.toString()).toBe('hi');
  });
});
