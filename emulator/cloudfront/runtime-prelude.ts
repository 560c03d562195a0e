// The code run inside the sandbox realm; kept apart because it is one long string of
// realm-side JavaScript, not host TypeScript.
/**
 * Runs once inside the new realm: cuts the realm down, then builds the modules and helpers
 * from host hooks kept in closures, so the function never touches a host object except the
 * documented Buffer.
 */
export const PRELUDE = String.raw`(function (hooks, GLOBALS, ALLOW, TYPED_PROTO) {
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
