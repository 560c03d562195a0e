import { isDisallowedHeader } from './function-validation.ts';
import type { PlainResponse } from './lambda-edge-adapter.ts';

/** Anything that runs a CloudFront Function: the sandbox running the built file. */
export interface FunctionRunner {
  run(event: FunctionEvent): Promise<unknown>;
}

type ValueMap = Record<string, { value: string; multiValue?: { value: string }[] }>;

export interface FunctionEvent {
  readonly version: '1.0';
  readonly context: { readonly distributionDomainName: string; readonly distributionId: string; readonly eventType: 'viewer-request'; readonly requestId: string };
  readonly viewer: { readonly ip: string };
  readonly request: { method: string; uri: string; querystring: ValueMap; headers: ValueMap; cookies: ValueMap };
}

/**
 * Keyed by names the viewer chose: with no prototype, `__proto__` or `constructor` is just
 * another entry, never Object.prototype itself (a `{}` here once let `?__proto__=1` write
 * `multiValue` onto every object in the process).
 */
function valueMap(): ValueMap {
  return Object.create(null) as ValueMap;
}

function addValue(map: ValueMap, name: string, value: string): void {
  const existing = map[name];
  if (!existing) {
    map[name] = { value };
  } else {
    existing.multiValue ??= [{ value: existing.value }];
    existing.multiValue.push({ value });
  }
}

/**
 * The CloudFront Functions viewer-request event: lowercase header names, cookies split out of
 * the Cookie header, query parameters as sent (still percent-encoded).
 */
export function toFunctionEvent(input: {
  method: string;
  uri: string;
  query: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  viewerIp: string;
  host: string;
}): FunctionEvent {
  const headers = valueMap();
  const cookies = valueMap();
  for (const [name, raw] of Object.entries(input.headers)) {
    if (raw === undefined) continue;
    const lower = name.toLowerCase();
    // CloudFront never shows functions its hop-by-hop and internal headers.
    if (isDisallowedHeader(lower)) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (lower === 'cookie') {
        for (const part of value.split(';')) {
          const eq = part.indexOf('=');
          if (eq > 0) addValue(cookies, part.slice(0, eq).trim(), part.slice(eq + 1).trim());
        }
      } else {
        addValue(headers, lower, value);
      }
    }
  }
  const querystring = valueMap();
  for (const pair of (input.query ?? '').split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    addValue(querystring, eq === -1 ? pair : pair.slice(0, eq), eq === -1 ? '' : pair.slice(eq + 1));
  }
  return {
    version: '1.0',
    context: { distributionDomainName: input.host, distributionId: 'ELOCALLECTERN', eventType: 'viewer-request', requestId: `local-${Date.now().toString(36)}` },
    viewer: { ip: input.viewerIp },
    request: { method: input.method, uri: input.uri, querystring, headers, cookies },
  };
}

/** A function returns the request (maybe with a new uri) to continue, or a response to answer. */
export function fromFunctionResult(result: unknown): { kind: 'continue'; uri: string } | { kind: 'response'; response: PlainResponse } {
  const r = result as Record<string, unknown> | null;
  if (r && typeof r === 'object' && 'statusCode' in r) {
    const headers: [string, string][] = [];
    for (const [name, entry] of Object.entries((r['headers'] ?? {}) as ValueMap)) {
      headers.push([name, entry.value]);
      for (const extra of entry.multiValue?.slice(1) ?? []) headers.push([name, extra.value]);
    }
    for (const [name, entry] of Object.entries((r['cookies'] ?? {}) as Record<string, { value: string; attributes?: string }>)) {
      headers.push(['set-cookie', `${name}=${entry.value}${entry.attributes ? `; ${entry.attributes}` : ''}`]);
    }
    const body = r['body'] as string | { encoding: 'text' | 'base64'; data: string } | undefined;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body ? Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8') : Buffer.alloc(0);
    return { kind: 'response', response: { status: Number(r['statusCode']), headers, body: bytes } };
  }
  if (r && typeof r === 'object' && typeof r['uri'] === 'string') return { kind: 'continue', uri: r['uri'] };
  throw new Error('the viewer-request function returned neither a request nor a response');
}
