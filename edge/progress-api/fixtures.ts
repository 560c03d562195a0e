import type { CloudFrontRequestEvent } from 'aws-lambda';

export const DISTRIBUTION_HOST = 'd111111abcdef8.cloudfront.net';

/**
 * A Lambda@Edge viewer-request event as CloudFront sends it to the /api/* behavior (include
 * body on: the body arrives base64-encoded, read-only, flagged when truncated), in the shape
 * of AWS's "Lambda@Edge event structure" page, with the parts a test varies filled in.
 */
export function progressEvent(
  options: {
    method?: string;
    uri?: string;
    /** A bearer token for `Authorization` (or several, to send the header twice). */
    token?: string | readonly string[];
    /** The request body; an object is sent as JSON. */
    body?: string | object;
    truncated?: boolean;
    origin?: string;
    host?: string;
    contentType?: string;
  } = {},
): CloudFrontRequestEvent {
  const headers: Record<string, { key: string; value: string }[]> = {
    host: [{ key: 'Host', value: options.host ?? DISTRIBUTION_HOST }],
    'user-agent': [{ key: 'User-Agent', value: 'Mozilla/5.0' }],
  };
  if (options.token !== undefined) {
    const tokens = typeof options.token === 'string' ? [options.token] : options.token;
    headers['authorization'] = tokens.map((t) => ({ key: 'Authorization', value: `Bearer ${t}` }));
  }
  if (options.origin) headers['origin'] = [{ key: 'Origin', value: options.origin }];
  const text = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  if (text !== undefined) headers['content-type'] = [{ key: 'Content-Type', value: options.contentType ?? 'application/json' }];
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: DISTRIBUTION_HOST, distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==' },
          request: {
            clientIp: '203.0.113.178',
            method: options.method ?? (text === undefined ? 'GET' : 'PUT'),
            uri: options.uri ?? '/api/progress/demo/lesson-1',
            querystring: '',
            headers,
            ...(text !== undefined || options.truncated
              ? { body: { action: 'read-only', encoding: 'base64', data: Buffer.from(text ?? '').toString('base64'), inputTruncated: options.truncated ?? false } }
              : {}),
          },
        },
      },
    ],
  } as CloudFrontRequestEvent;
}
