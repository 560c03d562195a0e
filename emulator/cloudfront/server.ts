import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { invokeViewerRequest, toViewerRequestEvent, type PlainResponse } from './lambda-edge-adapter.ts';
import { parseRequestTarget } from './normalise-path.ts';
import { objectKeyFromPath, readObject, readObjectAtPath } from './origin.ts';
import { verifySignedRequest } from './signed-request.ts';
import { fromFunctionResult, toFunctionEvent, type FunctionRunner } from './function-event.ts';
import { CloudFrontFunctionError } from './function-error.ts';
import { behaviorFor, type DeployedBehavior, type DeployedDistribution } from './deployed-distribution.ts';
import { foreignHostResponse } from './domain-names.ts';
import { isOneOfHosts, loopbackHosts } from '../loopback-host.ts';
import { redactSecrets } from '../log-redaction.ts';

export type LambdaEdgeHandler = (event: CloudFrontRequestEvent) => Promise<unknown>;

export interface LocalDistributionOptions {
  /** The distribution as deployed (deployed-distribution.ts). */
  readonly distribution: DeployedDistribution;
  /** The folder standing in for an S3 bucket behind Origin Access Control. */
  readonly bucketRoot: (bucket: string) => string | undefined;
  /**
   * The Content-Type and Cache-Control an object was stored with (PutObject), which S3 returns
   * and CloudFront passes on; without them the type follows the extension.
   */
  readonly objectMetadata?: (bucket: string, key: string) => Promise<{ readonly contentType?: string; readonly cacheControl?: string } | undefined>;
  /** CloudFront Functions by ARN, each loaded in the cloudfront-js-2.0 sandbox. */
  readonly cloudFrontFunctions: ReadonlyMap<string, FunctionRunner>;
  /** Lambda@Edge functions by qualified ARN (CloudFront runs numbered versions only). */
  readonly lambdaEdge: ReadonlyMap<string, LambdaEdgeHandler>;
  /** The scheme viewers use (CloudFront terminates TLS; locally plain http). */
  readonly scheme: 'http' | 'https';
  /**
   * The Host values (`name:port`) this distribution answers, as its domain name and alternate
   * domain names; any other Host gets CloudFront's 403 (domain-names.ts). Default: the
   * listener's own loopback names, `localhost:<port>` and `127.0.0.1:<port>`.
   */
  readonly domainNames?: readonly string[];
  readonly now?: () => Date;
  /** Receives one line per request; signing parameters, tokens and cookies come redacted. */
  readonly log?: (line: string) => void;
}

/** Largest request body read for /auth/* (CloudFront passes only 40 KB of it to the function). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The local CloudFront distribution. Each request goes through the steps CloudFront takes, in
 * the same order (DESIGN.md, "Request path"), once the Host has named this distribution (one of
 * its domain names, else CloudFront's 403: domain-names.ts):
 *   1. match a cache behavior on the RFC 3986-normalised path;
 *   2. if the behavior trusts a key group, validate the signed URL (if any signing parameter is
 *      in the query) or the CloudFront-* cookies; failure is a 403 answered with the custom
 *      error page. Third-party reports say CloudFront checks signatures before viewer-request
 *      code runs; AWS does not document it. This emulator follows that order;
 *   3. run the behavior's viewer-request code: the built CloudFront Function in its sandbox, or
 *      the built Lambda@Edge handler on /auth/*;
 *   4. fetch from the origin folder, the key mapped literally;
 *   5. apply the response headers policy (CORS from the allowlist, security headers). We apply
 *      it to every response of the behavior, error pages included, so a cross-origin player can
 *      read a 403 and refresh its session.
 * Custom error responses apply to errors CloudFront itself produces (the key-group check) and
 * to origin errors, not to responses an edge function generates.
 */
export function createDistributionHandler(options: LocalDistributionOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = options.now ?? (() => new Date());
  const sink = options.log;
  const log = (line: string): void => sink?.(redactSecrets(line));
  const { distribution } = options;
  const originRoot = (behavior: DeployedBehavior): string | undefined =>
    behavior.originBucket === undefined ? undefined : options.bucketRoot(behavior.originBucket);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const host = req.headers.host ?? '';
    const viewerIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    let note = '';
    const send = (response: PlainResponse | StreamResponse, behavior: DeployedBehavior | undefined): void => {
      const headers = new Map<string, [string, string][]>();
      for (const [name, value] of response.headers) {
        const key = name.toLowerCase();
        headers.set(key, [...(headers.get(key) ?? []), [name, value]]);
      }
      if (behavior) applyResponseHeadersPolicy(headers, behavior, req.headers.origin, method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined);
      const flat: string[] = [];
      for (const list of headers.values()) for (const [name, value] of list) flat.push(name, value);
      res.writeHead(response.status, flat);
      log(`${method} ${req.url} ${response.status}${note ? ` (${note})` : ''} ${Date.now() - started}ms`);
      if (method === 'HEAD') {
        res.end();
        if ('stream' in response && response.stream) response.stream.destroy();
      } else if ('stream' in response && response.stream) {
        // pipeline() closes the file when the viewer hangs up mid-body (a seek, a cancelled prefetch).
        pipeline(response.stream, res, () => {});
      } else {
        res.end((response as PlainResponse).body);
      }
    };

    if (!isOneOfHosts(req.headers.host, options.domainNames ?? loopbackHosts(req.socket.localPort ?? 0))) {
      note = `Host ${JSON.stringify(req.headers.host ?? '')} is none of the distribution's domain names`;
      return send(foreignHostResponse(), undefined);
    }

    const target = parseRequestTarget(req.url ?? '/');
    if (!target.ok) return send(cloudFrontError(400, 'Bad Request', target.reason), undefined);
    const behavior = behaviorFor(distribution, target.path);
    if (!behavior.allowedMethods.includes(method)) return send(cloudFrontError(403, 'MethodNotAllowed', 'This distribution is not configured to allow the HTTP request method that was used for this request.'), behavior);

    if (behavior.trustedKeys !== null) {
      const verdict = verifySignedRequest({
        url: `${options.scheme}://${host}${req.url ?? '/'}`,
        cookies: parseCookies(req.headers.cookie),
        viewerIp,
        now: now(),
        trustedKeys: behavior.trustedKeys,
      });
      if (!verdict.ok) {
        note = `key group: ${verdict.detail}`;
        return send(await customErrorOr(403, cloudFrontError(403, verdict.cloudFrontCode, verdict.reason)), behavior);
      }
      note = `signed ${verdict.via}`;
    }

    // Every value of a repeated header, as CloudFront hands them to edge code (req.headers
    // would keep only the first Authorization, and the issuer could never refuse a duplicate).
    const headers = req.headersDistinct as Record<string, string | string[] | undefined>;
    const edge = behavior.viewerRequest;
    let uri = target.rawPath;
    if (edge?.kind === 'lambda-edge') {
      const lambda = options.lambdaEdge.get(edge.arn);
      // A behavior naming a function version that does not exist cannot be deployed; locally
      // the stack would not have started, so this is the emulator's own fault.
      if (!lambda) throw new Error(`no Lambda@Edge function ${edge.arn} is running`);
      const body = await readBody(req);
      const event = toViewerRequestEvent(
        { method, uri, querystring: target.query ?? '', headers, clientIp: viewerIp, body, distributionDomainName: host },
        edge.includeBody,
      );
      const result = await invokeViewerRequest(lambda, event);
      if ('failed' in result) return send(await customErrorOr(result.failed, cloudFrontError(result.failed, 'LambdaError', result.reason)), behavior);
      return send(await customErrorOr(result.status, result), behavior);
    }

    let ran: Awaited<ReturnType<FunctionRunner['run']>> | undefined;
    if (edge?.kind === 'cloudfront-function') {
      const fn = options.cloudFrontFunctions.get(edge.arn);
      if (!fn) throw new Error(`no CloudFront Function ${edge.arn} is loaded`);
      try {
        ran = await fn.run(toFunctionEvent({ method, uri, query: target.query, headers, viewerIp, host }));
      } catch (error) {
        // A function that throws, runs too long or returns what CloudFront cannot use: CloudFront
        // answers 503 (execution error) or 502 (validation error), never runs the origin.
        if (!(error instanceof CloudFrontFunctionError)) throw error;
        note = `function ${error.kind} error: ${error.message}`;
        return send(await customErrorOr(error.status, cloudFrontError(error.status, error.kind === 'validation' ? 'FunctionValidationError' : 'FunctionExecutionError', 'The CloudFront function associated with the CloudFront distribution failed.')), behavior);
      }
    }
    if (ran !== undefined) {
      const outcome = fromFunctionResult(ran);
      if (outcome.kind === 'response') return send(await customErrorOr(outcome.response.status, outcome.response), behavior);
      uri = outcome.uri;
    }

    const root = originRoot(behavior);
    if (root === undefined) return send(await customErrorOr(502, cloudFrontError(502, 'OriginError', `The origin ${behavior.originId} is not an S3 bucket of this stack.`)), behavior);
    const object = await readObjectAtPath(root, uri === '/' && distribution.defaultRootObject ? `/${distribution.defaultRootObject}` : uri, {
      method: method === 'HEAD' ? 'HEAD' : 'GET',
      ...(typeof req.headers.range === 'string' ? { range: req.headers.range } : {}),
      ...(typeof req.headers['if-none-match'] === 'string' ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
      ...(typeof req.headers['if-modified-since'] === 'string' ? { ifModifiedSince: req.headers['if-modified-since'] } : {}),
    });
    const key = objectKeyFromPath(uri === '/' && distribution.defaultRootObject ? `/${distribution.defaultRootObject}` : uri);
    const stored = object.status < 400 && key !== undefined && behavior.originBucket !== undefined ? await options.objectMetadata?.(behavior.originBucket, key) : undefined;
    const storedHeaders: Record<string, string> = { ...object.headers };
    if (stored?.contentType && object.status !== 304) storedHeaders['content-type'] = stored.contentType;
    if (stored?.cacheControl) storedHeaders['cache-control'] = stored.cacheControl;
    const response = originResponse({ ...object, headers: storedHeaders });
    return send(await customErrorOr(object.status, response), behavior);
  }

  /**
   * Custom error responses apply to every error with a configured status, including those
   * viewer-request code generates: AWS documents no exception for them, so the emulator takes
   * the reading that breaks code relying on its error body (see edge/error-responses.ts).
   */
  async function customErrorOr(status: number, fallback: PlainResponse | StreamResponse): Promise<PlainResponse | StreamResponse> {
    const custom = distribution.customErrorResponses.find((e) => e.errorCode === status);
    if (!custom) return fallback;
    // CloudFront fetches the error page from the behavior matching its path, without running
    // viewer-request functions; if the page is missing the viewer gets the original error.
    const pageRoot = originRoot(behaviorFor(distribution, custom.responsePagePath));
    if (pageRoot === undefined) return fallback;
    const page = await readObject(pageRoot, custom.responsePagePath.slice(1), { method: 'GET' });
    if (page.status !== 200) return fallback;
    const response = originResponse(page);
    return { ...response, status: custom.responseCode, headers: [...response.headers.filter(([n]) => !/^(etag|last-modified|cache-control)$/i.test(n)), ['Cache-Control', `max-age=${custom.errorCachingMinTtl}`]] };
  }

  /**
   * The CORS part of a response headers policy: for an allowlisted origin, Allow-Origin and
   * Allow-Credentials, Expose-Headers, and on a preflight also Allow-Methods, Allow-Headers and
   * Max-Age (ResponseHeadersPolicyCorsConfig in the CloudFront API reference). A preflight
   * under /courses/* carries no cookies, so the key group refuses it before this runs to any
   * use: the player must send only requests that need none.
   */
  function applyResponseHeadersPolicy(headers: Map<string, [string, string][]>, behavior: DeployedBehavior, origin: string | string[] | undefined, preflight: boolean): void {
    const policy = behavior.responseHeaders;
    for (const [name, value] of Object.entries(policy.headers)) headers.set(name, [[name, value]]);
    const { cors } = policy;
    if (!cors) return;
    if (typeof origin === 'string' && cors.allowedOrigins.includes(origin)) {
      headers.set('access-control-allow-origin', [['Access-Control-Allow-Origin', origin]]);
      if (cors.allowCredentials) headers.set('access-control-allow-credentials', [['Access-Control-Allow-Credentials', 'true']]);
      if (cors.exposeHeaders.length > 0) headers.set('access-control-expose-headers', [['Access-Control-Expose-Headers', cors.exposeHeaders.join(', ')]]);
      if (preflight) {
        headers.set('access-control-allow-methods', [['Access-Control-Allow-Methods', cors.allowedMethods.join(', ')]]);
        headers.set('access-control-allow-headers', [['Access-Control-Allow-Headers', cors.allowedHeaders.join(', ')]]);
        if (cors.maxAgeSeconds !== undefined) headers.set('access-control-max-age', [['Access-Control-Max-Age', String(cors.maxAgeSeconds)]]);
      }
    }
    headers.set('vary', [['Vary', 'Origin']]);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url} 500 emulator error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error in the local distribution.');
    });
  };
}

interface StreamResponse {
  readonly status: number;
  readonly headers: [string, string][];
  readonly stream?: Readable;
  readonly body?: Buffer;
}

function originResponse(object: Awaited<ReturnType<typeof readObject>>): StreamResponse {
  const headers = Object.entries(object.headers).map(([n, v]) => [n, String(v)] as [string, string]);
  const body = object.body;
  if (body instanceof Readable) return { status: object.status, headers, stream: body };
  return { status: object.status, headers, body: body ? Buffer.from(body) : Buffer.alloc(0) };
}


/** CloudFront's own XML error body. */
function cloudFrontError(status: number, code: string, message: string): PlainResponse {
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);
  return { status, headers: [['Content-Type', 'text/xml'], ['Cache-Control', 'no-store']], body };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  // Keyed by the viewer's cookie names: no prototype, so `constructor=x` is a cookie like any other.
  const cookies: Record<string, string> = Object.create(null);
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // First one wins, as with browsers' most specific path first.
    if (!(name in cookies)) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
