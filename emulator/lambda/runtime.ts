/**
 * A Lambda execution environment on this machine: one worker thread per function, holding the
 * deployed code (the zip's files, unpacked) and its own `process.env`, as a Lambda sandbox
 * does. The environment is where the local stack differs from AWS on purpose: the SDK clients
 * inside the code find the local stand-ins through the SDK's service-specific endpoint
 * variables (`AWS_ENDPOINT_URL_<SERVICE>`), so the code itself and its baked config.json stay
 * exactly what `pulumi up` deploys.
 *
 * Reserved variables follow "Defined runtime environment variables":
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactSecrets } from '../log-redaction.ts';

export interface LambdaFunctionSpec {
  readonly functionName: string;
  readonly version: string;
  /** Folder with the unpacked deployment package. */
  readonly codeDir: string;
  /** `file.export`, as in the function's `handler` setting. */
  readonly handler: string;
  readonly region: string;
  readonly memoryMb: number;
  /** The function's own timeout; a run past it fails as Lambda's "Task timed out". */
  readonly timeoutSeconds: number;
  /** Extra variables (the endpoints of the local stand-ins, credentials). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * HTTPS origins answered by a local stand-in instead (`https://cognito-idp.<region>.amazonaws.com`
   * -> the local IdP): the sandbox's `fetch` sends such requests to the stand-in's URL, path
   * and query unchanged, as if the service's DNS name and certificate led there.
   */
  readonly routes?: Readonly<Record<string, string>>;
}

export interface LambdaFunctionRuntime {
  readonly spec: LambdaFunctionSpec;
  invoke(event: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export class LambdaInvokeError extends Error {
  override name = 'LambdaInvokeError';
  constructor(message: string, readonly errorType: string, readonly timedOut = false) {
    super(message);
  }
}

/**
 * The worker's bootstrap, plain CommonJS so it runs without a TypeScript loader. Names under
 * `.localhost` resolve to loopback inside the sandbox: KeyValueStore's endpoint rules put the
 * account id in front of the endpoint's host (`<account>.kvs.localhost`), which no resolver
 * answers by itself.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const dns = require('node:dns');
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (/(^|\\.)localhost$/i.test(String(host))) {
    const all = typeof options === 'object' && options !== null && options.all;
    return process.nextTick(() => (all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)));
  }
  return lookup.call(dns, host, options, callback);
};
// Lambda runs the function on its runtime's Node.js (nodejs22.x); this machine may run an older
// one, about which the bundled SDK warns on every cold start. That warning is about this
// machine, not the deployment, so it is left out of the function's log.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  if (String(warning && warning.message || warning).includes('The AWS SDK for JavaScript (v3)')) return;
  return emitWarning.call(process, warning, ...rest);
};
const routes = Object.entries(workerData.routes || {});
if (routes.length > 0) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    for (const [from, to] of routes) {
      if (url === from || url.startsWith(from + '/')) return realFetch(to + url.slice(from.length), init);
    }
    return realFetch(input, init);
  };
}
const serialise = (error) => ({
  errorType: (error && error.name) || 'Error',
  errorMessage: (error && error.message) || String(error),
  stack: error && error.stack,
});
let handler;
const ready = import(workerData.entry).then((module) => {
  handler = module[workerData.exportName];
  if (typeof handler !== 'function') throw new Error('Runtime.HandlerNotFound: ' + workerData.handler + ' is undefined or not exported');
});
parentPort.on('message', async ({ id, event, context }) => {
  try {
    await ready;
    const result = await handler(event, context);
    parentPort.postMessage({ id, result: result === undefined ? null : result });
  } catch (error) {
    parentPort.postMessage({ id, error: serialise(error) });
  }
});
`;

function splitHandler(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) throw new Error(`handler ${JSON.stringify(handler)} must be <file>.<export>`);
  return { file: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/**
 * Starts the function's sandbox (a cold start: the module and its config.json load once) and
 * runs each event in it. Node's `.mjs`/`.js` resolution is the runtime's: `index.handler` loads
 * `index.mjs` when present, else `index.js`.
 */
export async function startLambdaFunction(spec: LambdaFunctionSpec, log: (line: string) => void = () => {}): Promise<LambdaFunctionRuntime> {
  const { file, exportName } = splitHandler(spec.handler);
  const candidates = [`${file}.mjs`, `${file}.js`, `${file}.cjs`].map((f) => join(spec.codeDir, f));
  const entryFile = candidates.find((f) => existsSync(f));
  if (!entryFile) throw new Error(`${spec.functionName}: no ${file}.mjs or ${file}.js in the deployment package`);

  const env: Record<string, string> = {
    // No profile, config or credentials file of the person running this may leak in.
    AWS_CONFIG_FILE: join(spec.codeDir, '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(spec.codeDir, '.no-aws-credentials'),
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: spec.codeDir,
    TZ: ':UTC',
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    ...spec.environment,
  };
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    env,
    stdout: true,
    stderr: true,
    workerData: { entry: pathToFileURL(entryFile).href, exportName, handler: spec.handler, routes: spec.routes ?? {} },
    resourceLimits: { maxOldGenerationSizeMb: Math.max(64, spec.memoryMb) },
  });
  const forward = (stream: NodeJS.ReadableStream) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        // The function's own output may quote a request: a token, a cookie, a signed URL.
        log(redactSecrets(`[${spec.functionName}] ${buffered.slice(0, nl)}`));
        buffered = buffered.slice(nl + 1);
      }
    });
  };
  forward(worker.stdout);
  forward(worker.stderr);

  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let exited: Error | undefined;
  worker.on('message', (message: { id: number; result?: unknown; error?: { errorType: string; errorMessage: string } }) => {
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.error) call.reject(new LambdaInvokeError(message.error.errorMessage, message.error.errorType));
    else call.resolve(message.result);
  });
  const failAll = (error: Error) => {
    exited = error;
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      call.reject(error);
      pending.delete(id);
    }
  };
  worker.on('error', (error) => failAll(new LambdaInvokeError(`Runtime exited with error: ${error.message}`, 'Runtime.ExitError')));
  worker.on('exit', (code) => failAll(new LambdaInvokeError(`Runtime exited with code ${code}`, 'Runtime.ExitError')));

  return {
    spec,
    invoke(event) {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new LambdaInvokeError(`Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`, 'Sandbox.Timedout', true));
        }, spec.timeoutSeconds * 1000);
        timer.unref();
        pending.set(id, { resolve, reject, timer });
        worker.postMessage({ id, event, context: { functionName: spec.functionName, functionVersion: spec.version, memoryLimitInMB: String(spec.memoryMb), awsRequestId: `local-${id}` } });
      });
    },
    async close() {
      exited ??= new LambdaInvokeError('the function was shut down', 'Runtime.ExitError');
      await worker.terminate();
    },
  };
}
