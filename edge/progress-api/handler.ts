import type { CloudFrontHeaders, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { authorizationValues } from '../authorization.ts';
import { refusal } from '../error-responses.ts';
import { decide, type ProgressConfigView, type ProgressDecision, type ProgressDeps, type ProgressRequest } from './core.ts';

export type ProgressApiHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontResultResponse>;

/** A response before it takes an adapter's shape (CloudFront's generated response, or Node's). */
export interface PlainResponse {
  readonly status: number;
  /** Header names as sent; one value each. */
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * The Lambda@Edge adapter: CloudFront viewer-request event (include body) in, generated response
 * out; the behavior has no origin, so every request ends here. It only translates: decisions
 * are the core's, statuses come from the one table in error-responses.ts.
 */
export function createHandler(config: ProgressConfigView, deps: ProgressDeps): ProgressApiHandler {
  return async (event) => {
    const request = fromEvent(event);
    return toResponse(await decideLogged(request, config, deps));
  };
}

/** The core, never throwing, with refusals logged (one line each, as CloudWatch receives them). */
export async function decideLogged(request: ProgressRequest, config: ProgressConfigView, deps: ProgressDeps, log: (line: string) => void = console.log): Promise<ProgressDecision> {
  let decision: ProgressDecision;
  try {
    decision = await decide(request, config, deps);
  } catch {
    decision = { kind: 'refused', code: 'ERR_INTERNAL', headers: {} };
  }
  if (decision.kind === 'refused') log(JSON.stringify({ msg: 'request refused', code: decision.code, method: request.method, path: request.path }));
  return decision;
}

export function fromEvent(event: CloudFrontRequestEvent): ProgressRequest {
  const cf = event.Records[0]?.cf.request;
  if (!cf) throw new Error('not a CloudFront request event');
  const body = cf.body;
  let text: string | undefined;
  if (body?.data) text = body.encoding === 'base64' ? Buffer.from(body.data, 'base64').toString('utf8') : body.data;
  const first = (name: string) => cf.headers[name]?.[0]?.value;
  return {
    method: cf.method,
    path: cf.uri,
    host: first('host'),
    origin: first('origin'),
    authorization: authorizationValues(cf.headers),
    body: text,
    bodyTruncated: body?.inputTruncated === true,
  };
}

export function toPlainResponse(decision: ProgressDecision): PlainResponse {
  const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  const json = (status: number, payload: unknown, extra: Record<string, string>): PlainResponse => ({
    status,
    headers: { ...common, 'Content-Type': 'application/json; charset=utf-8', ...extra },
    body: JSON.stringify(payload),
  });
  switch (decision.kind) {
    case 'record':
      return json(200, decision.body, decision.headers);
    case 'stored':
    case 'preflight':
      return { status: 204, headers: { ...common, ...decision.headers } };
    case 'refused': {
      const refused = refusal(decision.code, decision.headers, decision.detail);
      return json(refused.status, refused.body, refused.headers);
    }
  }
}

const REASONS: Record<number, string> = {
  200: 'OK', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Content Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** CloudFront's generated-response shape: headers keyed by lower-case name, lists of {key, value}. */
export function toResponse(decision: ProgressDecision): CloudFrontResultResponse {
  const plain = toPlainResponse(decision);
  const headers: CloudFrontHeaders = {};
  for (const [name, value] of Object.entries(plain.headers)) headers[name.toLowerCase()] = [{ key: name, value }];
  return {
    status: String(plain.status),
    statusDescription: REASONS[plain.status] ?? '',
    headers,
    ...(plain.body !== undefined ? { body: plain.body, bodyEncoding: 'text' as const } : {}),
  };
}
