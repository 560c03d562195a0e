import type { CloudFrontHeaders, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { isDisallowedHeader } from './function-validation.ts';

/** Lambda@Edge's viewer-trigger timeout: CloudFront gives up after 5 s. */
export const VIEWER_TIMEOUT_MS = 5000;
/** With "include body", CloudFront passes at most 40 KB of a viewer request body, truncated beyond. */
export const INCLUDE_BODY_LIMIT_BYTES = 40 * 1024;
/**
 * Quotas on Lambda@Edge (cloudfront-limits.html#limits-lambda-at-edge): a response generated
 * by a viewer-request function, headers and body, is at most 40 KB; a larger one is a Lambda
 * validation error.
 */
export const GENERATED_RESPONSE_LIMIT_BYTES = 40 * 1024;

export interface ViewerRequestInput {
  readonly method: string;
  /** Path as CloudFront passes it (`uri`), without the query. */
  readonly uri: string;
  readonly querystring: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly clientIp: string;
  readonly body?: Buffer;
  readonly distributionDomainName: string;
}

/** Builds the exact Records[0].cf.request event shape CloudFront sends a viewer-request trigger. */
export function toViewerRequestEvent(input: ViewerRequestInput, includeBody: boolean): CloudFrontRequestEvent {
  // Keyed by the viewer's header names: no prototype, so no name can stand for Object.prototype.
  const headers: CloudFrontHeaders = Object.create(null);
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name.toLowerCase()] = values.map((v) => ({ key: name, value: v }));
  }
  const body = input.body ?? Buffer.alloc(0);
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: input.distributionDomainName, distributionId: 'ELOCALLECTERN', eventType: 'viewer-request', requestId: `local-${Date.now().toString(36)}` },
          request: {
            clientIp: input.clientIp,
            method: input.method,
            uri: input.uri,
            querystring: input.querystring,
            headers,
            ...(includeBody
              ? {
                  body: {
                    action: 'read-only',
                    encoding: 'base64',
                    data: body.subarray(0, INCLUDE_BODY_LIMIT_BYTES).toString('base64'),
                    inputTruncated: body.length > INCLUDE_BODY_LIMIT_BYTES,
                  },
                }
              : {}),
          },
        },
      },
    ],
  } as CloudFrontRequestEvent;
}

export interface PlainResponse {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Buffer;
}

/**
 * A generated response, checked the way CloudFront checks it: a numeric status, headers as
 * lists of {key, value} and none of the disallowed ones (edge-function-restrictions-all.html),
 * body text or base64, at most 40 KB in all. Anything else is a Lambda validation error, which
 * CloudFront answers with 502 (http-502-bad-gateway.html, "Lambda validation error").
 */
export function fromGeneratedResponse(response: CloudFrontResultResponse): PlainResponse {
  const status = Number(response.status);
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`invalid status ${String(response.status)}`);
  const headers: [string, string][] = [];
  for (const [name, list] of Object.entries(response.headers ?? {})) {
    if (!Array.isArray(list)) throw new Error(`header ${name} is not a list`);
    for (const entry of list) {
      if (typeof entry?.value !== 'string') throw new Error(`header ${name} has no string value`);
      if ((entry.key ?? name).toLowerCase() !== name) throw new Error(`header key ${entry.key} does not match ${name}`);
      if (isDisallowedHeader(name)) throw new Error(`header ${name} may not be set by a Lambda@Edge function`);
      headers.push([entry.key ?? name, entry.value]);
    }
  }
  const text = response.body ?? '';
  if (response.bodyEncoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('body is not valid base64');
  const body = response.bodyEncoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  const size = body.length + headers.reduce((n, [name, value]) => n + name.length + value.length + 4, 0);
  if (size > GENERATED_RESPONSE_LIMIT_BYTES) throw new Error(`generated response of ${size} bytes is over the ${GENERATED_RESPONSE_LIMIT_BYTES}-byte quota`);
  return { status, headers, body };
}

/**
 * Runs a handler under the viewer timeout. A timeout or a throw is a function execution error
 * (503, http-503-service-unavailable.html); a response CloudFront cannot use is a validation
 * error (502).
 */
export async function invokeViewerRequest(
  handler: (event: CloudFrontRequestEvent) => Promise<unknown>,
  event: CloudFrontRequestEvent,
  timeoutMs = VIEWER_TIMEOUT_MS,
): Promise<PlainResponse | { readonly failed: 502 | 503; readonly reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let result: unknown;
  try {
    result = await Promise.race([handler(event), timeout]);
  } catch (error) {
    return { failed: 503, reason: `The Lambda function threw: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  if (result === 'timeout') return { failed: 503, reason: 'The Lambda function associated with the CloudFront distribution timed out.' };
  if (!result || typeof result !== 'object' || !('status' in result)) {
    return { failed: 502, reason: 'The cookie issuer must generate a response; forwarding /auth/* to an origin is not configured.' };
  }
  try {
    return fromGeneratedResponse(result as CloudFrontResultResponse);
  } catch (error) {
    return { failed: 502, reason: `The Lambda function returned an invalid response: ${(error as Error).message}` };
  }
}
