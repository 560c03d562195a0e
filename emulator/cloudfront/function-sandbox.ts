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
import type { CfEvent, CfRequest, CfResponse, CfValue } from '../../edge/cloudfront-functions/event-shape.ts';
import { isCfResponse } from '../../edge/cloudfront-functions/event-shape.ts';

/** What CloudFront would do with the viewer when the function fails. */
export class CloudFrontFunctionError extends Error {
  /** `load`: CloudFront would not accept the code; `execution`: it threw or never finished. */
  readonly kind: 'load' | 'execution' | 'validation';
  /** 503 for an execution error, 502 for a result that fails validation. */
  readonly status: number;
  constructor(kind: 'load' | 'execution' | 'validation', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudFrontFunctionError';
    this.kind = kind;
    this.status = kind === 'validation' ? 502 : 503;
  }
}


const GLOBALS = [
  'globalThis', 'NaN', 'Infinity', 'undefined', 'eval',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Date', 'RegExp', 'Math', 'JSON', 'Promise',
  'ArrayBuffer', 'DataView', 'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array',
  'Uint8ClampedArray', 'Uint16Array', 'Uint32Array',
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
];

/** Own string-keyed properties kept on each built-in; everything else is deleted. */
const BUILTIN_ALLOWLIST: Record<string, { statics: string[]; proto: string[] }> = {
  Object: {
    statics: ['create', 'defineProperties', 'defineProperty', 'freeze', 'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors',
      'getOwnPropertyNames', 'getPrototypeOf', 'isExtensible', 'isFrozen', 'isSealed', 'keys', 'preventExtensions', 'seal',
      'assign', 'entries', 'values', 'is', 'setPrototypeOf'],
    proto: ['hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', 'toLocaleString'],
  },
  // The runtime "is compliant with ECMAScript 5.1" (functions-javascript-runtime-features.html):
  // every ES 5.1 built-in is there even where the 2.0 page's lists (the ES 6+ additions) do not
  // name it, such as charCodeAt, localeCompare, toLocale*Case and toLocaleString.
  String: {
    statics: ['fromCharCode', 'fromCodePoint'],
    proto: ['charAt', 'charCodeAt', 'localeCompare', 'toLocaleLowerCase', 'toLocaleUpperCase', 'concat', 'indexOf', 'lastIndexOf', 'match', 'replace', 'search', 'slice', 'split', 'substr', 'substring',
      'toLowerCase', 'trim', 'toUpperCase', 'codePointAt', 'endsWith', 'includes', 'repeat', 'startsWith', 'padStart', 'padEnd',
      'trimStart', 'trimEnd', 'replaceAll', 'toString', 'valueOf'],
  },
  Number: {
    statics: ['EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER', 'MAX_VALUE', 'MIN_VALUE', 'NaN', 'NEGATIVE_INFINITY',
      'POSITIVE_INFINITY', 'isFinite', 'isInteger', 'isNaN', 'isSafeInteger', 'parseInt', 'parseFloat'],
    proto: ['toExponential', 'toFixed', 'toPrecision', 'toString', 'toLocaleString', 'valueOf'],
  },
  Function: { statics: [], proto: ['apply', 'bind', 'call', 'toString', 'arguments', 'caller'] },
  RegExp: {
    statics: [],
    proto: ['global', 'ignoreCase', 'multiline', 'source', 'sticky', 'flags', 'exec', 'test', 'toString', 'lastIndex'],
  },
  Array: {
    statics: ['isArray', 'of'],
    proto: ['concat', 'every', 'filter', 'forEach', 'indexOf', 'join', 'lastIndexOf', 'map', 'pop', 'push', 'reduce',
      'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice', 'unshift', 'copyWithin', 'fill', 'find',
      'findIndex', 'includes', 'toString', 'toLocaleString'],
  },
  ArrayBuffer: { statics: ['isView'], proto: ['slice', 'byteLength'] },
  Promise: {
    statics: ['all', 'allSettled', 'any', 'reject', 'resolve', 'race'],
    proto: ['catch', 'finally', 'then'],
  },
  DataView: {
    statics: [],
    proto: ['buffer', 'byteLength', 'byteOffset', 'getFloat32', 'getFloat64', 'getInt16', 'getInt32', 'getInt8', 'getUint16',
      'getUint32', 'getUint8', 'setFloat32', 'setFloat64', 'setInt16', 'setInt32', 'setInt8', 'setUint16', 'setUint32', 'setUint8'],
  },
  Symbol: { statics: ['for', 'keyFor'], proto: ['toString', 'valueOf', 'description'] },
  JSON: { statics: ['parse', 'stringify'], proto: [] },
  Math: {
    statics: ['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2', 'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan',
      'atan2', 'atanh', 'cbrt', 'ceil', 'clz32', 'cos', 'cosh', 'exp', 'expm1', 'floor', 'fround', 'hypot', 'imul', 'log',
      'log1p', 'log2', 'log10', 'max', 'min', 'pow', 'random', 'round', 'sign', 'sinh', 'sin', 'sqrt', 'tan', 'tanh', 'trunc'],
    proto: [],
  },
  Error: { statics: [], proto: ['message', 'name', 'toString'] },
};

const TYPED_ARRAY_PROTO = ['copyWithin', 'every', 'fill', 'filter', 'find', 'findIndex', 'forEach', 'includes', 'indexOf', 'join',
  'lastIndexOf', 'map', 'reduce', 'reduceRight', 'reverse', 'some', 'set', 'slice', 'sort', 'subarray', 'toString',
  'buffer', 'byteLength', 'byteOffset', 'length'];

/**
 * Runs once inside the new realm: cuts the realm down, then builds the modules and helpers
 * from host hooks kept in closures, so the function never touches a host object except the
 * documented Buffer.
 */
const PRELUDE = String.raw`(function (hooks, GLOBALS, ALLOW, TYPED_PROTO) {
  'use strict';
  const g = globalThis;
  const keep = ['constructor', 'length', 'name', 'prototype', 'BYTES_PER_ELEMENT'];
  const getNames = Object.getOwnPropertyNames;
  const defineProperty = Object.defineProperty;
  const getDescriptor = Object.getOwnPropertyDescriptor;
  // Non-configurable properties (well-known symbols such as Symbol.iterator) cannot go.
  const prune = (obj, allowed) => {
    for (const name of getNames(obj)) {
      if (keep.indexOf(name) < 0 && allowed.indexOf(name) < 0 && getDescriptor(obj, name).configurable) delete obj[name];
    }
  };
  const RealDate = Date;
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const RealTypeError = TypeError;
  const RealError = Error;
  const RealUint8Array = Uint8Array;
  const RealPromise = Promise;
  const RealJSON = JSON;

  // Globals
  for (const name of getNames(g)) if (GLOBALS.indexOf(name) < 0 && getDescriptor(g, name).configurable) delete g[name];
  for (const name of Object.keys(ALLOW)) {
    const ctor = g[name];
    prune(ctor, ALLOW[name].statics);
    if (ctor.prototype) prune(ctor.prototype, ALLOW[name].proto);
  }
  prune(TypedArray, ['from', 'of']);
  prune(TypedArray.prototype, TYPED_PROTO);
  for (const name of ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array']) {
    prune(g[name], []);
    prune(g[name].prototype, []);
  }
  prune(Boolean.prototype, ['toString', 'valueOf']);

  const define = (name, value) => defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });

  // Date: the function's start time for the whole run ("Date and timestamps").
  let now = RealDate.now();
  const CfDate = function Date(...args) {
    if (!new.target) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new RealDate(...args);
  };
  CfDate.prototype = RealDate.prototype;
  defineProperty(RealDate.prototype, 'constructor', { value: CfDate, writable: true, configurable: true, enumerable: false });
  CfDate.now = function now_() { return now; };
  CfDate.UTC = RealDate.UTC;
  CfDate.parse = RealDate.parse;
  define('Date', CfDate);

  class InternalError extends RealError {}
  defineProperty(InternalError.prototype, 'name', { value: 'InternalError', writable: true, configurable: true });
  define('InternalError', InternalError);

  const rethrow = (e) => {
    const err = new RealTypeError(String(e && e.message ? e.message : e));
    throw err;
  };
  const toByteArray = (data) => {
    if (typeof data === 'string') return data;
    if (data && typeof data.length === 'number') {
      const out = [];
      for (let i = 0; i < data.length; i++) out.push(data[i] & 255);
      return out;
    }
    throw new RealTypeError('data must be a string, Buffer or typed array');
  };

  define('console', { log: function log(message) {
    if (arguments.length !== 1) throw new RealTypeError('console.log takes one argument in CloudFront Functions (no comma syntax)');
    hooks.log(String(message));
  } });
  define('atob', function atob(s) { try { return hooks.atob(String(s)); } catch (e) { rethrow(e); } });
  define('btoa', function btoa(s) { try { return hooks.btoa(String(s)); } catch (e) { rethrow(e); } });

  function TextEncoder() { if (!new.target) throw new RealTypeError('TextEncoder is a constructor'); }
  TextEncoder.prototype.encode = function encode(s) {
    const bytes = hooks.utf8Encode(String(s === undefined ? '' : s));
    const out = new RealUint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i];
    return out;
  };
  TextEncoder.prototype.encodeInto = function encodeInto(s, dest) {
    const bytes = hooks.utf8Encode(String(s));
    let written = 0;
    while (written < bytes.length && written < dest.length) { dest[written] = bytes[written]; written++; }
    return { read: written === bytes.length ? String(s).length : -1, written };
  };
  define('TextEncoder', TextEncoder);
  function TextDecoder(label, options) {
    if (!new.target) throw new RealTypeError('TextDecoder is a constructor');
    const encoding = label === undefined ? 'utf-8' : String(label).toLowerCase();
    if (encoding !== 'utf-8' && encoding !== 'utf8') throw new RangeError('unsupported encoding: ' + label);
    defineProperty(this, '_fatal', { value: !!(options && options.fatal) });
    defineProperty(this, '_ignoreBOM', { value: !!(options && options.ignoreBOM) });
  }
  TextDecoder.prototype.decode = function decode(input) {
    try { return hooks.utf8Decode(input === undefined ? [] : toByteArray(input), this._fatal, this._ignoreBOM); } catch (e) { rethrow(e); }
  };
  defineProperty(TextDecoder.prototype, 'encoding', { get() { return 'utf-8'; } });
  defineProperty(TextDecoder.prototype, 'fatal', { get() { return this._fatal; } });
  defineProperty(TextDecoder.prototype, 'ignoreBOM', { get() { return this._ignoreBOM; } });
  define('TextDecoder', TextDecoder);

  // Modules
  const HASHES = ['md5', 'sha1', 'sha256'];
  const DIGEST_ENCODINGS = ['hex', 'base64', 'base64url'];
  const hashObject = (hostHash) => ({
    update: function update(data) { hostHash.update(toByteArray(data)); return this; },
    digest: function digest(encoding) {
      if (encoding !== undefined && DIGEST_ENCODINGS.indexOf(encoding) < 0) throw new RealTypeError('unsupported digest encoding: ' + encoding);
      return hostHash.digest(encoding);
    },
  });
  const crypto = {
    createHash: function createHash(algorithm) {
      if (HASHES.indexOf(algorithm) < 0) throw new RealTypeError('unsupported hash algorithm: ' + algorithm);
      return hashObject(hooks.createHash(algorithm));
    },
    createHmac: function createHmac(algorithm, key) {
      if (HASHES.indexOf(algorithm) < 0) throw new RealTypeError('unsupported hmac algorithm: ' + algorithm);
      return hashObject(hooks.createHmac(algorithm, toByteArray(key)));
    },
  };
  const qs = {
    parse: function parse(str, sep, eq, options) {
      return RealJSON.parse(hooks.qsParse(String(str), sep, eq, options && typeof options.maxKeys === 'number' ? options.maxKeys : undefined));
    },
    stringify: function stringify(obj, sep, eq) { return hooks.qsStringify(RealJSON.stringify(obj === undefined ? {} : obj), sep, eq); },
    escape: function escape(s) { return hooks.qsEscape(String(s)); },
    unescape: function unescape(s) { return hooks.qsUnescape(String(s)); },
  };
  qs.decode = qs.parse;
  qs.encode = qs.stringify;
  const modules = { crypto, querystring: qs, buffer: { Buffer: hooks.Buffer } };
  const require = function require(name) {
    if (!Object.prototype.hasOwnProperty.call(modules, name)) throw new RealError("Cannot find module '" + name + "'");
    return modules[name];
  };

  // KeyValueStore helpers (functions-custom-methods.html): promises of this realm.
  const kvsHandle = {
    get: function get(key, options) {
      const format = options && options.format !== undefined ? options.format : 'string';
      return new RealPromise((resolve, reject) => {
        if (typeof key !== 'string') return reject(new RealTypeError('key must be a string'));
        if (format !== 'string' && format !== 'json' && format !== 'bytes') return reject(new RealTypeError('unsupported format: ' + format));
        hooks.kvsGet(key, (value) => {
          if (value === undefined) return reject(new RealError('Key not found: ' + key));
          try {
            if (format === 'json') resolve(RealJSON.parse(value));
            else if (format === 'bytes') resolve(hooks.Buffer.from(value, 'utf8'));
            else resolve(value);
          } catch (e) { reject(new RealError(String(e && e.message))); }
        }, (message) => reject(new RealError('KeyValueStore read failed: ' + message)));
      });
    },
    exists: function exists(key) {
      return new RealPromise((resolve, reject) => {
        hooks.kvsGet(String(key), (value) => resolve(value !== undefined), (message) => reject(new RealError('KeyValueStore read failed: ' + message)));
      });
    },
    meta: function meta() {
      return new RealPromise((resolve) => resolve(RealJSON.parse(hooks.kvsMeta())));
    },
  };
  const cf = {
    kvs: function kvs(id) {
      if (!hooks.hasKvs) throw new RealError('no key value store is associated with this function');
      return kvsHandle;
    },
  };

  const sandbox = {
    cf, require,
    handler: undefined,
    input: undefined,
    call() {
      now = RealDate.now();
      const event = RealJSON.parse(sandbox.input);
      sandbox.input = undefined;
      const handler = sandbox.handler;
      return RealPromise.resolve(handler(event));
    },
  };
  define('__lecternSandbox', sandbox);
})`;


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

/** The CloudFront KeyValueStore import format: `{"data":[{"key":"…","value":"…"}]}`. */
export function kvsFromImportFormat(source: string | unknown): (key: string) => Promise<string | undefined> {
  const parsed: unknown = typeof source === 'string' ? JSON.parse(source) : source;
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error('key value store file must look like {"data":[{"key":"…","value":"…"}]}');
  const map = new Map<string, string>();
  data.forEach((item: unknown, i: number) => {
    const entry = item as { key?: unknown; value?: unknown } | null;
    if (!entry || typeof entry.key !== 'string' || typeof entry.value !== 'string' || entry.key === '') {
      throw new Error(`key value store entry ${i} must have a non-empty string "key" and a string "value"`);
    }
    if (map.has(entry.key)) throw new Error(`key value store has the key ${JSON.stringify(entry.key)} twice`);
    map.set(entry.key, entry.value);
  });
  return (key: string) => Promise.resolve(map.get(key));
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

function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const name = 'name' in e ? String((e as { name: unknown }).name) : 'Error';
    return `${name}: ${String((e as { message: unknown }).message)}`;
  }
  return String(e);
}

// ---------------------------------------------------------------------------------------------
// Validation of the event (what CloudFront would hand over) and of the result.

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

function checkEvent(event: CfEvent): void {
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

