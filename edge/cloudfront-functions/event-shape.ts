/**
 * The CloudFront Functions event and result shapes (cloudfront-js-2.0), as "Event structure"
 * documents them: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * The viewer-request function is written against these; the local sandbox checks results
 * against the same shapes.
 */
// ---------------------------------------------------------------------------------------------
// Event, request and response types (functions-event-structure.html)

/** A query parameter, header or request cookie: `multiValue` only when the name repeats. */
export interface CfValue {
  value: string;
  multiValue?: { value: string }[];
}

/** A response cookie (`Set-Cookie`), with its attributes kept apart from the value. */
export interface CfResponseCookie {
  value: string;
  attributes?: string;
  multiValue?: { value: string; attributes?: string }[];
}

export interface CfRequest {
  /** Read-only: a function that returns the request may not change it. */
  method: string;
  uri: string;
  querystring: Record<string, CfValue>;
  /** Lowercase names; `Cookie` headers are in `cookies` instead. */
  headers: Record<string, CfValue>;
  cookies: Record<string, CfValue>;
}

export type CfBody = string | { data: string; encoding: 'text' | 'base64' };

export interface CfResponse {
  /** An integer, not a string. */
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, CfValue>;
  cookies?: Record<string, CfResponseCookie>;
  body?: CfBody;
}

export interface CfContext {
  distributionDomainName?: string;
  distributionId?: string;
  eventType: 'viewer-request' | 'viewer-response';
  requestId?: string;
}

export interface CfEvent {
  version: '1.0';
  context: CfContext;
  viewer: { ip: string };
  request: CfRequest;
  response?: CfResponse;
}

export function isCfResponse(value: CfRequest | CfResponse): value is CfResponse {
  return typeof (value as CfResponse).statusCode === 'number';
}

