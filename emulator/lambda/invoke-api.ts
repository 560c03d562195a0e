/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`), as the SDK's
 * LambdaClient sends it, over the functions of the local stack: RequestResponse answers the
 * function's result (a function error is a 200 with `X-Amz-Function-Error`), Event queues the
 * event and answers 202 at once, DryRun answers 204. API reference:
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 *
 * Asynchronous invocations are retried twice on a function error, as "Error handling and
 * automatic retries" documents (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html);
 * AWS waits about one and then two minutes between tries, which no local run waits for: the
 * delays here are `retryDelaysMs`, seconds by default.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback-server.ts';
import type { LambdaFunctionRuntime } from './runtime.ts';
import { LambdaInvokeError } from './runtime.ts';

export interface LambdaService {
  readonly endpoint: string;
  /** Runs the function as an event source would (S3 notifications, EventBridge): asynchronously. */
  invokeAsync(functionNameOrArn: string, event: unknown): void;
  invoke(functionNameOrArn: string, event: unknown): Promise<unknown>;
  /** Resolves when no asynchronous invocation is queued or running. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface LambdaServiceOptions {
  readonly functions: readonly LambdaFunctionRuntime[];
  readonly account: string;
  readonly retryDelaysMs?: readonly number[];
  readonly log?: (line: string) => void;
}

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024; // synchronous payload quota (Lambda quotas page)
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024; // asynchronous payload quota: 1 MB since 2025

export async function startLambdaService(options: LambdaServiceOptions): Promise<LambdaService> {
  const log = options.log ?? (() => {});
  const retryDelays = options.retryDelaysMs ?? [1000, 2000];
  const find = (nameOrArn: string): LambdaFunctionRuntime | undefined => {
    // A name, a full ARN or a partial ARN, optionally with a version qualifier.
    const parts = decodeURIComponent(nameOrArn).split(':');
    const functionIndex = parts.indexOf('function');
    const name = functionIndex >= 0 ? parts[functionIndex + 1] : parts.length === 2 ? parts[0] : parts[0];
    const qualifier = functionIndex >= 0 ? parts[functionIndex + 2] : parts.length === 2 ? parts[1] : undefined;
    return options.functions.find((f) => f.spec.functionName === name && (qualifier === undefined || qualifier === '$LATEST' || qualifier === f.spec.version));
  };

  let running = 0;
  let idleWaiters: (() => void)[] = [];
  const settle = () => {
    if (running === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };
  const invokeAsync = (nameOrArn: string, event: unknown): void => {
    const fn = find(nameOrArn);
    if (!fn) {
      log(`lambda: async event for unknown function ${nameOrArn} dropped`);
      return;
    }
    running++;
    void (async () => {
      for (let attempt = 0; attempt <= retryDelays.length; attempt++) {
        try {
          await fn.invoke(event);
          return;
        } catch (error) {
          const delay = retryDelays[attempt];
          log(`lambda: ${fn.spec.functionName} failed (${(error as Error).message})${delay === undefined ? '; no retries left, event dropped' : `; retrying in ${delay} ms`}`);
          if (delay === undefined) return;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    })().finally(() => {
      running--;
      settle();
    });
  };

  const error = (res: ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ Type: 'User', message }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lambda.localhost');
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return error(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${url.pathname}`);
    if (!req.headers.authorization) return error(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk as Buffer);
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const qualifier = url.searchParams.get('Qualifier');
    const name = decodeURIComponent(match[1] as string) + (qualifier ? `:${qualifier}` : '');
    const fn = find(name);
    if (!fn) return error(res, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:${options.account}:function:${name}`);
    if (size > (type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES)) return error(res, 413, 'RequestTooLargeException', 'Request must be smaller than the payload quota for this invocation type.');
    let event: unknown;
    try {
      event = size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return error(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const version = fn.spec.version;
    if (type === 'DryRun') {
      res.writeHead(204, { 'x-amz-executed-version': version });
      return void res.end();
    }
    if (type === 'Event') {
      invokeAsync(name, event);
      res.writeHead(202, { 'x-amz-executed-version': version });
      return void res.end();
    }
    if (type !== 'RequestResponse') return error(res, 400, 'InvalidParameterValueException', `Invalid invocation type ${type}`);
    try {
      const result = await fn.invoke(event);
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': version });
      res.end(JSON.stringify(result ?? null));
    } catch (e) {
      const failure = e instanceof LambdaInvokeError ? e : new LambdaInvokeError(String(e), 'Error');
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': version, 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: failure.errorType, errorMessage: failure.message, trace: [] }));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => error(res, 500, 'ServiceException', (e as Error).message));
  });
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    invokeAsync,
    invoke: (nameOrArn, event) => {
      const fn = find(nameOrArn);
      if (!fn) return Promise.reject(new Error(`no function ${nameOrArn}`));
      return fn.invoke(event);
    },
    whenIdle: () => (running === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    close: listening.close,
  };
}
