import type { CloudFrontRequestEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';

/**
 * A real Lambda@Edge viewer-request event (the shape from AWS's "Lambda@Edge event structure"
 * page, with include-body on), with the parts a test varies filled in.
 */
export function sessionEvent(overrides: { method?: string; token?: string | null; body?: string | null; origin?: string; truncated?: boolean; uri?: string; query?: string } = {}): CloudFrontRequestEvent {
  const event = JSON.parse(readFileSync(new URL('./fixtures/post-session.json', import.meta.url), 'utf8')) as CloudFrontRequestEvent;
  // The event types are read-only views of what CloudFront sends; a fixture builder may edit.
  const request = event.Records[0]!.cf.request as { -readonly [K in keyof typeof event.Records[0]['cf']['request']]: (typeof event.Records[0]['cf']['request'])[K] };
  if (overrides.method) request.method = overrides.method;
  if (overrides.uri) request.uri = overrides.uri;
  if (overrides.query !== undefined) request.querystring = overrides.query;
  if (overrides.token === null) delete request.headers['authorization'];
  else if (overrides.token !== undefined) request.headers['authorization'] = [{ key: 'Authorization', value: `Bearer ${overrides.token}` }];
  if (overrides.origin) request.headers['origin'] = [{ key: 'Origin', value: overrides.origin }];
  if (overrides.body === null) delete request.body;
  else if (overrides.body !== undefined) request.body = { action: 'read-only', encoding: 'base64', data: Buffer.from(overrides.body).toString('base64'), inputTruncated: overrides.truncated ?? false };
  else if (overrides.truncated) request.body = { ...request.body!, inputTruncated: true };
  return event;
}
