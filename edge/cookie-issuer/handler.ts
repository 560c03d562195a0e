import type { CloudFrontHeaders, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { authorizationValues, DUPLICATE_AUTHORIZATION } from '../authorization.ts';
import { refusal } from '../error-responses.ts';
import type { ErrorCode } from '../errors.ts';
import type { IssuerConfigView, IssuerDecision, IssuerDeps, IssuerRequest } from './core.ts';
import { decide } from './core.ts';

export type CookieIssuerHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontResultResponse>;

/** What this adapter answers: the core's decision, or its own refusal with a detail for the person. */
export type HandlerAnswer = IssuerDecision | { readonly kind: 'refused'; readonly code: ErrorCode; readonly headers: Record<string, string>; readonly detail: string };

/**
 * The Lambda@Edge adapter: CloudFront viewer-request event in, generated response out.
 * It only translates; every decision is the core's. Error codes become statuses here, through
 * the one table in error-responses.ts.
 */
export function createHandler(config: IssuerConfigView, deps: IssuerDeps): CookieIssuerHandler {
  return async (event) => {
    const request = fromEvent(event);
    let decision: HandlerAnswer;
    if (authorizationValues(event.Records[0]!.cf.request.headers).length > 1) {
      // Refused before the core runs: it would verify one token while the client may have meant
      // the other, and nothing is signed on doubt. The progress API answers the same.
      decision = { kind: 'refused', ...DUPLICATE_AUTHORIZATION, headers: {} };
    } else {
      try {
        decision = await decide(request, config, deps);
      } catch {
        decision = { kind: 'refused', code: 'ERR_INTERNAL', headers: {} };
      }
    }
    if (decision.kind === 'refused') {
      console.log(JSON.stringify({ msg: 'request refused', code: decision.code, method: request.method, path: request.path }));
    }
    return toResponse(decision);
  };
}

function header(headers: CloudFrontHeaders, name: string): string | undefined {
  return headers[name]?.[0]?.value;
}

export function fromEvent(event: CloudFrontRequestEvent): IssuerRequest {
  const cf = event.Records[0]?.cf.request;
  if (!cf) throw new Error('not a CloudFront request event');
  const body = cf.body;
  let text: string | undefined;
  if (body?.data) text = body.encoding === 'base64' ? Buffer.from(body.data, 'base64').toString('utf8') : body.data;
  const authorization = authorizationValues(cf.headers);
  return {
    method: cf.method,
    path: cf.uri,
    query: cf.querystring,
    host: header(cf.headers, 'host'),
    origin: header(cf.headers, 'origin'),
    // Only a lone header: two never resolve first-wins, even for a caller that skips the handler.
    authorization: authorization.length === 1 ? authorization[0] : undefined,
    body: text,
    bodyTruncated: body?.inputTruncated === true,
  };
}

const REASONS: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

function toHeaders(plain: Record<string, string>, cookies: string[] = []): CloudFrontHeaders {
  const headers: CloudFrontHeaders = {};
  for (const [name, value] of Object.entries(plain)) headers[name.toLowerCase()] = [{ key: name, value }];
  if (cookies.length > 0) headers['set-cookie'] = cookies.map((value) => ({ key: 'Set-Cookie', value }));
  return headers;
}

export function toResponse(decision: HandlerAnswer): CloudFrontResultResponse {
  const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  const json = (status: number, payload: unknown, extra: Record<string, string>, cookies?: string[]): CloudFrontResultResponse => ({
    status: String(status),
    statusDescription: REASONS[status] ?? '',
    headers: toHeaders({ ...common, 'Content-Type': 'application/json; charset=utf-8', ...extra }, cookies),
    body: JSON.stringify(payload),
    bodyEncoding: 'text',
  });

  switch (decision.kind) {
    case 'session':
      return json(200, decision.body, decision.headers, decision.cookies);
    case 'cleared':
      return json(200, { cleared: true }, decision.headers, decision.cookies);
    case 'lesson':
      return json(200, decision.body, decision.headers);
    case 'accepted':
      return json(202, decision.body, { ...decision.headers, 'Retry-After': String(decision.retryAfterSeconds) });
    case 'preflight':
      return { status: '204', statusDescription: REASONS[204], headers: toHeaders({ ...common, ...decision.headers }) };
    case 'refused': {
      const refused = refusal(decision.code, decision.headers, 'detail' in decision ? decision.detail : undefined);
      return json(refused.status, refused.body, refused.headers);
    }
  }
}
