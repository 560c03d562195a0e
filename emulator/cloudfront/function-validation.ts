/**
 * Validation of the event a CloudFront Function is given and of what it returns, against the
 * event structure and CloudFront's header / query / URI rules (502 on a bad result).
 */
import { Buffer } from 'node:buffer';
import type { CfEvent, CfRequest, CfResponse, CfValue } from '../../edge/cloudfront-functions/event-shape.ts';
import { CloudFrontFunctionError, describe } from './function-error.ts';

/** Not exposed to functions, and a function may not add them (502 otherwise). */
const DISALLOWED_HEADERS = new Set([
  'connection', 'expect', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'trailer',
  'upgrade', 'x-accel-buffering', 'x-accel-charset', 'x-accel-limit-rate', 'x-accel-redirect', 'x-amzn-auth',
  'x-amzn-cf-billing', 'x-amzn-cf-id', 'x-amzn-cf-xff', 'x-amzn-errortype', 'x-amzn-fle-profile', 'x-amzn-header-count',
  'x-amzn-header-order', 'x-amzn-lambda-integration-tag', 'x-amzn-requestid', 'x-cache', 'x-forwarded-proto', 'x-real-ip',
]);
const DISALLOWED_PREFIXES = ['x-amz-cf-', 'x-edge-'];
/** Read-only in viewer-request events. */
const READ_ONLY_REQUEST_HEADERS = ['cdn-loop', 'content-length', 'host', 'transfer-encoding', 'via'];
const MAX_URI_WITH_QUERY = 8192;

export function isDisallowedHeader(name: string): boolean {
  return DISALLOWED_HEADERS.has(name) || DISALLOWED_PREFIXES.some((p) => name.startsWith(p));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkEvent(event: CfEvent): void {
  const fail = (why: string) => {
    throw new TypeError(`not a CloudFront Functions viewer-request event: ${why}`);
  };
  if (!isPlainObject(event) || event.version !== '1.0') fail('version must be "1.0"');
  if (!isPlainObject(event.context) || (event.context.eventType !== 'viewer-request' && event.context.eventType !== 'viewer-response')) {
    fail('context.eventType must be viewer-request or viewer-response');
  }
  if (!isPlainObject(event.viewer) || typeof event.viewer.ip !== 'string') fail('viewer.ip must be a string');
  const problems: string[] = [];
  checkRequestShape(event.request, problems, 'request');
  if (isPlainObject(event.request?.headers)) {
    for (const [name, entry] of Object.entries(event.request.headers)) {
      if (isDisallowedHeader(name)) problems.push(`request.headers.${name} is never exposed to functions`);
      if (isPlainObject(entry) && typeof entry.value === 'string' && entryValues(entry).some((v) => HEADER_VALUE_BAD.test(v))) {
        problems.push(`request.headers.${name} holds CR, LF or NUL, which no HTTP request can carry`);
      }
    }
  }
  if (problems.length > 0) fail(problems.join('; '));
}

function checkValueMap(map: unknown, where: string, problems: string[], opts: { lowercase?: boolean; attributes?: boolean } = {}): void {
  if (!isPlainObject(map)) {
    problems.push(`${where} must be an object`);
    return;
  }
  for (const name of Object.keys(map)) {
    const entry = map[name];
    const at = `${where}[${JSON.stringify(name)}]`;
    if (opts.lowercase && name !== name.toLowerCase()) problems.push(`${at}: header names must be lowercase`);
    if (!isPlainObject(entry) || typeof entry.value !== 'string') {
      problems.push(`${at} must be {value: string}`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'value' && key !== 'multiValue' && !(opts.attributes && key === 'attributes')) problems.push(`${at} has an unknown field "${key}"`);
    }
    if (opts.attributes && entry.attributes !== undefined && typeof entry.attributes !== 'string') problems.push(`${at}.attributes must be a string`);
    if (entry.multiValue !== undefined) {
      if (!Array.isArray(entry.multiValue) || !entry.multiValue.every((v) => isPlainObject(v) && typeof v.value === 'string')) {
        problems.push(`${at}.multiValue must be an array of {value: string}`);
      }
    }
  }
}

function checkRequestShape(request: unknown, problems: string[], where: string): void {
  if (!isPlainObject(request)) {
    problems.push(`${where} must be an object`);
    return;
  }
  for (const key of Object.keys(request)) {
    if (!['method', 'uri', 'querystring', 'headers', 'cookies'].includes(key)) problems.push(`${where} has an unknown field "${key}"`);
  }
  if (typeof request.method !== 'string') problems.push(`${where}.method must be a string`);
  if (typeof request.uri !== 'string' || !request.uri.startsWith('/')) problems.push(`${where}.uri must be a string starting with "/"`);
  checkValueMap(request.querystring, `${where}.querystring`, problems);
  checkValueMap(request.headers, `${where}.headers`, problems, { lowercase: true });
  checkValueMap(request.cookies, `${where}.cookies`, problems);
}

const HEADER_VALUE_BAD = /[\r\n\0]/;
const QUERY_BAD = /[\s\x00-\x1f\x7f#]/;

function entryValues(entry: CfValue): string[] {
  return entry.multiValue && entry.multiValue.length > 0 ? entry.multiValue.map((v) => v.value) : [entry.value];
}

/**
 * Checks what a viewer-request function returned against the event structure and CloudFront's
 * rules, and returns a plain copy. Throws CloudFrontFunctionError (502) otherwise.
 */
export function validateCloudFrontFunctionResult(event: CfEvent, result: unknown): CfRequest | CfResponse {
  const problems: string[] = [];
  let copy: CfRequest | CfResponse;
  try {
    copy = JSON.parse(JSON.stringify(result ?? null)) as CfRequest | CfResponse;
  } catch (e) {
    throw new CloudFrontFunctionError('validation', `the function returned something that is not plain data: ${describe(e)}`);
  }
  if (!isPlainObject(copy)) {
    throw new CloudFrontFunctionError('validation', `the function must return the request or a response object, not ${JSON.stringify(copy)}`);
  }
  if ('statusCode' in copy) validateResponse(copy as CfResponse, problems);
  else validateRequest(event.request, copy as CfRequest, problems);
  if (problems.length > 0) {
    throw new CloudFrontFunctionError('validation', `CloudFront would refuse what the function returned (502):\n  ${problems.join('\n  ')}`);
  }
  return copy;
}

function validateHeaders(headers: Record<string, CfValue>, problems: string[], where: string): void {
  for (const name of Object.keys(headers)) {
    if (isDisallowedHeader(name)) problems.push(`${where}.${name} may not be set by a function`);
    const entry = headers[name];
    if (entry && typeof entry.value === 'string' && entryValues(entry).some((v) => HEADER_VALUE_BAD.test(v))) {
      problems.push(`${where}.${name} has CR, LF or NUL in its value`);
    }
  }
}

function validateRequest(original: CfRequest, request: CfRequest, problems: string[]): void {
  checkRequestShape(request, problems, 'request');
  if (problems.length > 0) return;
  if (request.method !== original.method) problems.push(`request.method is read-only (was ${original.method}, now ${request.method})`);
  validateHeaders(request.headers, problems, 'request.headers');
  for (const name of READ_ONLY_REQUEST_HEADERS) {
    if (JSON.stringify(request.headers[name]) !== JSON.stringify(original.headers[name])) problems.push(`request.headers.${name} is read-only`);
  }
  let queryLength = 0;
  for (const name of Object.keys(request.querystring)) {
    const entry = request.querystring[name] as CfValue;
    const values = entryValues(entry);
    for (const v of values) queryLength += name.length + v.length + 2;
    const before = original.querystring[name];
    if (JSON.stringify(before) !== JSON.stringify(entry) && (QUERY_BAD.test(name) || values.some((v) => QUERY_BAD.test(v)))) {
      problems.push(`request.querystring.${name}: a query string set by a function can't hold spaces, control characters or #`);
    }
  }
  if (request.uri.length + queryLength >= MAX_URI_WITH_QUERY && request.uri !== original.uri) {
    problems.push(`the URI with its query string must be under ${MAX_URI_WITH_QUERY} characters`);
  }
}

/**
 * The largest body a CloudFront Function may generate. AWS documents no number for it (the
 * quotas page lists none for CloudFront Functions; Lambda@Edge viewer triggers may generate
 * 40 KB), so the emulator takes the documented Lambda@Edge figure and refuses anything larger
 * with the validation error (502): code that passes here stays within the one figure AWS gives.
 */
export const MAX_GENERATED_BODY_BYTES = 40 * 1024;

function validateResponse(response: CfResponse, problems: string[]): void {
  for (const key of Object.keys(response)) {
    if (!['statusCode', 'statusDescription', 'headers', 'cookies', 'body'].includes(key)) problems.push(`response has an unknown field "${key}"`);
  }
  if (!Number.isInteger(response.statusCode) || response.statusCode < 100 || response.statusCode > 599) {
    problems.push(`response.statusCode must be an integer HTTP status, not ${JSON.stringify(response.statusCode)}`);
  }
  if (response.statusDescription !== undefined && typeof response.statusDescription !== 'string') {
    problems.push('response.statusDescription must be a string');
  }
  if (response.headers !== undefined) {
    const before = problems.length;
    checkValueMap(response.headers, 'response.headers', problems, { lowercase: true });
    if (problems.length === before) validateHeaders(response.headers, problems, 'response.headers');
  }
  if (response.cookies !== undefined) checkValueMap(response.cookies, 'response.cookies', problems, { attributes: true });
  const body = response.body;
  if (body !== undefined && typeof body !== 'string') {
    if (!isPlainObject(body) || typeof body.data !== 'string' || (body.encoding !== 'text' && body.encoding !== 'base64')) {
      problems.push('response.body must be a string or {data: string, encoding: "text" | "base64"}');
    } else if (body.encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(body.data)) {
      problems.push('response.body.data is not valid base64');
    }
  }
  const bytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8')
    : isPlainObject(body) && typeof body.data === 'string' ? (body.encoding === 'base64' ? Buffer.from(body.data, 'base64').length : Buffer.byteLength(body.data, 'utf8'))
    : 0;
  if (bytes > MAX_GENERATED_BODY_BYTES) problems.push(`response.body is ${bytes} bytes; a generated body may be at most ${MAX_GENERATED_BODY_BYTES}`);
}
