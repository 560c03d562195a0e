/**
 * Runs a BUILT CloudFront Function (runtime cloudfront-js-2.0) on this machine, offering only
 * what that runtime documents, so code that would fail on CloudFront fails here too.
 *
 * Sources (AWS CloudFront Developer Guide):
 * - Runtime features: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 * - KeyValueStore helpers: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html
 * - Event structure: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * - Header / query / URI restrictions: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
 *
 * How it stays honest:
 * - The source must pass `checkCloudFrontJs2Syntax` (the syntax the runtime page lists) before
 *   it runs: a class, a generator, destructuring or `?.` is refused at load, even though V8
 *   would run it.
 * - It runs in a fresh node:vm realm with string code generation off (`eval` and
 *   `new Function` throw, as the "Restricted features" section says), the global object cut
 *   down to the documented globals, and the built-in objects cut down to the documented
 *   methods (`Array.prototype.at`, `Object.fromEntries`, `Map`, `Reflect`… are gone).
 *   There is no `process`, `setTimeout`, `fetch`, `URL`, `Buffer` global or file system.
 * - `require` exists because the page documents it, for 'crypto', 'querystring' and
 *   'buffer' only. `crypto` has createHash/createHmac with md5, sha1, sha256 only.
 * - `Date` returns the function's start time for the whole run; `console.log` takes exactly
 *   one argument ("CloudFront Functions doesn't support comma syntax").
 * - What the function returns is checked against the event structure and the header rules;
 *   CloudFront answers 502 to a request or response that fails its validation, and 503 when
 *   the function throws: `CloudFrontFunctionError.status` says which.
 *
 * Why not miniflare: it runs workerd, a Workers runtime built around the Web platform —
 * `fetch`, `URL`, `crypto.subtle`, `TextEncoder`, timers, `structuredClone`, full ES2022+
 * syntax. CloudFront Functions have none of that beyond what the runtime page lists, so code
 * that would fail on CloudFront would pass there. A vm realm we can cut down is closer.
 *
 * Limits of the model: host objects we hand over (Buffer, buffers from `hash.digest()`) come
 * from Node's realm, with Node's extra methods; memory and compute-time quotas are not
 * measured; `InternalError` is a plain Error subclass. The sandbox is a fidelity tool, not a
 * security boundary.
 */
import vm from 'node:vm';
import * as acorn from 'acorn';
import { createHash, createHmac } from 'node:crypto';
import querystring from 'node:querystring';
import { Buffer } from 'node:buffer';
import { checkCloudFrontJs2Syntax, type AnyNode } from '../../edge/cloudfront-functions/syntax.ts';
import { CLOUDFRONT_FUNCTION_MAX_BYTES as MAX_FUNCTION_BYTES } from '../../edge/cloudfront-functions/quota.ts';
import type { CfEvent, CfRequest, CfResponse } from '../../edge/cloudfront-functions/event-shape.ts';
import { CloudFrontFunctionError, describe } from './function-error.ts';
import { BUILTIN_ALLOWLIST, GLOBALS, TYPED_ARRAY_PROTO } from './runtime-allowlist.ts';
import { PRELUDE } from './runtime-prelude.ts';
import { checkEvent, validateCloudFrontFunctionResult } from './function-validation.ts';

export interface SandboxOptions {
  /**
   * The associated KeyValueStore: `get` of a key resolves its value, or `undefined` when the
   * key does not exist (the function then sees get() reject); a rejection simulates a read
   * failure. Leave it out to run with no store associated (`cf.kvs()` throws).
   */
  readonly kvs?: (key: string) => Promise<string | undefined> | string | undefined;
  /** `keyCount` etc. for `meta()`. */
  readonly kvsMeta?: { creationDateTime: string; lastUpdatedDateTime: string; keyCount: number };
  /** Receives each `console.log` line (default: kept in `logs`). */
  readonly log?: (line: string) => void;
  /** Synchronous CPU time allowed per run, and the wait for the returned promise (ms). */
  readonly timeoutMs?: number;
}

export interface CloudFrontFunctionSandbox {
  /** Runs the handler on `event`; resolves the validated request or response (plain copies). */
  run(event: CfEvent): Promise<CfRequest | CfResponse>;
  readonly logs: string[];
}

/** Loads the built function `code` into a fresh cloudfront-js-2.0-like realm. */
export function loadCloudFrontFunction(code: string, options: SandboxOptions = {}): CloudFrontFunctionSandbox {
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_FUNCTION_BYTES) {
    throw new CloudFrontFunctionError('load', `the function is ${bytes} bytes; CloudFront Functions accept at most ${MAX_FUNCTION_BYTES} (10 KB)`);
  }
  const problems = checkCloudFrontJs2Syntax(code);
  if (problems.length > 0) {
    throw new CloudFrontFunctionError('load', `CloudFront Functions (cloudfront-js-2.0) would reject this code:\n  ${problems.join('\n  ')}`);
  }
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  const hasHandler = ast.body.some((n: AnyNode) => n.type === 'FunctionDeclaration' && n.id?.name === 'handler');
  if (!hasHandler) throw new CloudFrontFunctionError('load', 'the code must declare a top-level `function handler(event)`');

  // The one allowed import becomes a parameter of a strict wrapper function (same positions).
  let body = code;
  let cfName = '__lecternNoImport';
  for (const node of ast.body as AnyNode[]) {
    if (node.type !== 'ImportDeclaration') continue;
    cfName = node.specifiers[0].local.name;
    body = body.slice(0, node.start) + ' '.repeat(node.end - node.start) + body.slice(node.end);
  }

  const logs: string[] = [];
  const timeoutMs = options.timeoutMs ?? 1000;
  const kvs = options.kvs;
  const hooks = {
    hasKvs: kvs !== undefined,
    log: (line: string) => (options.log ? options.log(line) : logs.push(line)),
    atob: (s: string) => atob(s),
    btoa: (s: string) => btoa(s),
    utf8Encode: (s: string) => Array.from(Buffer.from(s, 'utf8')),
    utf8Decode: (bytes: string | number[], fatal: boolean, ignoreBOM: boolean) =>
      new TextDecoder('utf-8', { fatal, ignoreBOM }).decode(Uint8Array.from(bytes as number[])),
    createHash: (algorithm: string) => createHash(algorithm),
    createHmac: (algorithm: string, key: string | number[]) => createHmac(algorithm, typeof key === 'string' ? key : Buffer.from(key)),
    qsParse: (s: string, sep?: string, eq?: string, maxKeys?: number) =>
      JSON.stringify(querystring.parse(s, sep, eq, maxKeys === undefined ? undefined : { maxKeys })),
    qsStringify: (json: string, sep?: string, eq?: string) => querystring.stringify(JSON.parse(json), sep, eq),
    qsEscape: (s: string) => querystring.escape(s),
    qsUnescape: (s: string) => querystring.unescape(s),
    Buffer,
    kvsGet: (key: string, resolve: (v: string | undefined) => void, reject: (message: string) => void) => {
      if (!kvs) return reject('no key value store');
      Promise.resolve()
        .then(() => kvs(key))
        .then(
          (v) => resolve(typeof v === 'string' ? v : undefined),
          (e: unknown) => reject(e instanceof Error ? e.message : String(e)),
        );
    },
    kvsMeta: () =>
      JSON.stringify(options.kvsMeta ?? { creationDateTime: '1970-01-01T00:00:00.000Z', lastUpdatedDateTime: '1970-01-01T00:00:00.000Z', keyCount: 0 }),
  };

  const context = vm.createContext({}, { name: 'cloudfront-js-2.0', codeGeneration: { strings: false, wasm: false } });
  const prelude = new vm.Script(PRELUDE, { filename: 'cloudfront-js-2.0-prelude.js' }).runInContext(context) as (...args: unknown[]) => void;
  prelude(hooks, GLOBALS, BUILTIN_ALLOWLIST, TYPED_ARRAY_PROTO);

  const wrapped = `(function (${cfName}, require) {'use strict';${body}\n;return handler;})(__lecternSandbox.cf, __lecternSandbox.require)`;
  let handler: unknown;
  try {
    handler = new vm.Script(wrapped, { filename: 'cloudfront-function.js' }).runInContext(context, { timeout: timeoutMs });
  } catch (e) {
    throw new CloudFrontFunctionError('load', `the function failed while loading: ${describe(e)}`, { cause: e });
  }
  if (typeof handler !== 'function') throw new CloudFrontFunctionError('load', '`handler` is not a function');
  const sandbox = vm.runInContext('__lecternSandbox', context) as { handler: unknown; input: unknown };
  sandbox.handler = handler;
  const callScript = new vm.Script('__lecternSandbox.call()', { filename: 'cloudfront-run.js' });

  return {
    logs,
    async run(event: CfEvent): Promise<CfRequest | CfResponse> {
      checkEvent(event);
      sandbox.input = JSON.stringify(event);
      let pending: unknown;
      try {
        pending = callScript.runInContext(context, { timeout: timeoutMs });
      } catch (e) {
        throw new CloudFrontFunctionError('execution', `the function threw: ${describe(e)}`, { cause: e });
      }
      let timer: NodeJS.Timeout | undefined;
      let result: unknown;
      try {
        result = await Promise.race([
          pending,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new CloudFrontFunctionError('execution', `the function did not finish within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (e) {
        if (e instanceof CloudFrontFunctionError) throw e;
        throw new CloudFrontFunctionError('execution', `the function threw: ${describe(e)}`, { cause: e });
      } finally {
        clearTimeout(timer);
      }
      return validateCloudFrontFunctionResult(event, result);
    },
  };
}
