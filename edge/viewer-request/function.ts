/**
 * The viewer-request CloudFront Function (runtime cloudfront-js-2.0): a thin adapter from the
 * CloudFront event to `decideViewerRequest` and back. build.ts bundles this file with the core
 * into one file of at most 10 KB; written, like the core, in the syntax that runtime lists.
 *
 * It never throws: anything unexpected passes the request through unchanged where that is
 * safe (the public player paths), and answers 500 under /courses/ (fail closed).
 */
import cf from 'cloudfront';
import { decideViewerRequest, REFUSAL_CACHE_CONTROL } from './core.ts';
import type { ViewerRequestDecision, ViewerRequestErrorCode } from './core.ts';
// The build swaps this for a table holding only the codes the core can refuse with.
import { errorResponse } from '../error-responses.ts';
import type { CfEvent, CfRequest, CfResponse, CfValue } from '../cloudfront-functions/event-shape.ts';

const kvs = cf.kvs();

/**
 * A value of the lesson map in the KeyValueStore: the lesson after `<course>/<lesson>`, or a
 * lesson's served versions. get() rejects both for a missing key and for a failed read;
 * exists() resolves false only for a missing key (the last lesson, a lesson with no served
 * version) and rejects on a failed read, which the core answers with
 * ERR_LESSON_MAP_UNAVAILABLE (503). Helper methods:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html
 */
async function nextLesson(key: string): Promise<string | undefined> {
  if (!(await kvs.exists(key))) return undefined;
  const value = await kvs.get(key, { format: 'string' });
  return typeof value === 'string' ? value : undefined;
}

export async function handler(event: CfEvent): Promise<CfRequest | CfResponse> {
  const request = event && event.request;
  try {
    const decision = await decideViewerRequest(
      {
        method: request.method,
        uri: request.uri,
        querystring: request.querystring || {},
        headers: flattenHeaders(request.headers),
      },
      { nextLesson: nextLesson, servedVersions: nextLesson },
    );
    return toCloudFront(request, decision);
  } catch (e) {
    return fallback(request);
  }
}

function toCloudFront(request: CfRequest, decision: ViewerRequestDecision): CfRequest | CfResponse {
  if (decision.kind === 'pass') {
    request.uri = decision.uri;
    return request;
  }
  if (decision.kind === 'redirect') {
    return {
      statusCode: decision.status,
      statusDescription: 'Found',
      headers: { location: { value: decision.location }, 'cache-control': { value: decision.cacheControl } },
    };
  }
  return refusal(decision.code);
}

function refusal(code: ViewerRequestErrorCode): CfResponse {
  const known = errorResponse(code);
  const status = known ? known.status : 500;
  const headers: Record<string, CfValue> = {
    'content-type': { value: 'text/plain; charset=utf-8' },
    'cache-control': { value: REFUSAL_CACHE_CONTROL },
    'x-lectern-error': { value: known ? code : 'ERR_INTERNAL' },
  };
  if (known && known.retryAfter) headers['retry-after'] = { value: String(known.retryAfter) };
  return {
    statusCode: status,
    headers: headers,
    body: { encoding: 'text', data: (known ? known.message : 'Something went wrong on our side.') + '\n' },
  };
}

/** Only a request whose uri is clearly outside /courses/ may go on unchecked. */
function fallback(request: CfRequest): CfRequest | CfResponse {
  try {
    const uri = request.uri;
    if (typeof uri === 'string' && uri.charAt(0) === '/' && uri.indexOf('/courses') !== 0) return request;
  } catch (e) {
    // fall through to the refusal
  }
  return refusal('ERR_INTERNAL');
}

/** CloudFront's {value, multiValue} headers as plain strings, repeats joined with ", ". */
function flattenHeaders(headers: Record<string, CfValue> | undefined): Record<string, string> {
  // Keyed by the viewer's header names: with no prototype a header named __proto__ is kept as one.
  const flat: Record<string, string> = Object.create(null);
  if (!headers || typeof headers !== 'object') return flat;
  const names = Object.keys(headers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const entry = headers[name];
    if (!entry || typeof entry !== 'object') continue;
    const multi = entry.multiValue;
    if (Array.isArray(multi) && multi.length > 0) {
      const values: string[] = [];
      for (let j = 0; j < multi.length; j++) {
        const item = multi[j];
        if (item && typeof item.value === 'string') values.push(item.value);
      }
      flat[name] = values.join(', ');
    } else if (typeof entry.value === 'string') {
      flat[name] = entry.value;
    }
  }
  return flat;
}
