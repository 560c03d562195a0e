import { describe, expect, it } from 'vitest';
import { loadCloudFrontFunction } from './function-sandbox.ts';
import { CloudFrontFunctionError } from './function-error.ts';
import { kvsFromImportFormat } from './kvs-import-format.ts';
import { type CfEvent, type CfRequest, type CfResponse } from '../../edge/cloudfront-functions/event-shape.ts';
import { checkCloudFrontJs2Syntax } from '../../edge/cloudfront-functions/syntax.ts';

function event(uri = '/player/app.js', extra: Partial<CfEvent['request']> = {}): CfEvent {
  return {
    version: '1.0',
    context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'req-1' },
    viewer: { ip: '198.51.100.11' },
    request: { method: 'GET', uri, querystring: {}, headers: { host: { value: 'video.example.com' } }, cookies: {}, ...extra },
  };
}

/** A function whose handler returns `expr` (an expression over `event`, `request`). */
function fn(body: string, top = ''): string {
  return `${top}\nasync function handler(event) {\n  var request = event.request;\n  ${body}\n}\n`;
}

async function runBody(body: string, top = '', options = {}): Promise<CfRequest | CfResponse> {
  return loadCloudFrontFunction(fn(body, top), options).run(event());
}

async function errorOf(promise: Promise<unknown>): Promise<CloudFrontFunctionError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(CloudFrontFunctionError);
    return e as CloudFrontFunctionError;
  }
  throw new Error('expected the run to fail');
}

function loadError(code: string): CloudFrontFunctionError {
  try {
    loadCloudFrontFunction(code, { kvs: async () => undefined });
  } catch (e) {
    expect(e).toBeInstanceOf(CloudFrontFunctionError);
    return e as CloudFrontFunctionError;
  }
  throw new Error('expected the load to fail');
}

describe('the cloudfront-js-2.0 sandbox runs a function', () => {
  it('returns the request the handler hands back, as a plain copy', async () => {
    const result = await runBody("request.headers['x-seen'] = { value: 'yes' }; return request;");
    expect(result).toEqual({ ...event().request, headers: { host: { value: 'video.example.com' }, 'x-seen': { value: 'yes' } } });
  });

  it('returns a generated response', async () => {
    const result = await runBody("return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/x' } } };");
    expect(result).toEqual({ statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/x' } } });
  });

  it('accepts a synchronous handler too', async () => {
    const sandbox = loadCloudFrontFunction('function handler(event) { return event.request; }');
    await expect(sandbox.run(event())).resolves.toMatchObject({ uri: '/player/app.js' });
  });

  it('offers the cloudfront module with kvs().get, exists and meta', async () => {
    const code = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  var found = await kvs.get('demo/lesson-1');
  var json = await kvs.get('json', { format: 'json' });
  var missing = 'no';
  try { await kvs.get('nope'); } catch (e) { missing = 'threw'; }
  var exists = await kvs.exists('demo/lesson-1');
  var absent = await kvs.exists('nope');
  var meta = await kvs.meta();
  return { statusCode: 200, body: [found, json.a, missing, exists, absent, meta.keyCount].join(',') };
}`;
    const kvs = kvsFromImportFormat({ data: [{ key: 'demo/lesson-1', value: 'lesson-2' }, { key: 'json', value: '{"a":7}' }] });
    const result = await loadCloudFrontFunction(code, { kvs, kvsMeta: { creationDateTime: 'x', lastUpdatedDateTime: 'y', keyCount: 2 } }).run(event());
    expect(result).toEqual({ statusCode: 200, body: 'lesson-2,7,threw,true,false,2' });
  });

  it('rejects get() with a store read failure when the store itself fails', async () => {
    const code = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  try { await kvs.get('k'); } catch (e) { return { statusCode: 503, body: e.message }; }
  return event.request;
}`;
    const result = await loadCloudFrontFunction(code, { kvs: async () => { throw new Error('throttled'); } }).run(event());
    expect(result).toEqual({ statusCode: 503, body: 'KeyValueStore read failed: throttled' });
  });

  it('fails to load when cf.kvs() is called with no store associated', () => {
    const error = (() => {
      try {
        loadCloudFrontFunction("import cf from 'cloudfront';\nconst kvs = cf.kvs();\nfunction handler(e) { return e.request; }");
      } catch (e) {
        return e as CloudFrontFunctionError;
      }
      throw new Error('expected a load failure');
    })();
    expect(error.kind).toBe('load');
    expect(error.message).toMatch(/no key value store is associated/);
  });

  it('offers the documented crypto, querystring and buffer modules through require', async () => {
    const result = await runBody(
      `var crypto = require('crypto');
  var qs = require('querystring');
  var Buffer = require('buffer').Buffer;
  var parts = [
    crypto.createHash('sha256').update('abc').digest('hex').slice(0, 8),
    crypto.createHmac('sha1', 'key').update('abc').digest('base64url').length,
    qs.parse('a=1&b=x&b=y').b.join('+'),
    qs.stringify({ name: 'value', abc: ['xyz', '123'] }),
    Buffer.from('hi').toString('base64'),
    crypto.createHash('md5').update('a').digest().length,
  ];
  return { statusCode: 200, body: parts.join('|') };`,
    );
    expect(result).toEqual({ statusCode: 200, body: 'ba7816bf|27|x+y|name=value&abc=xyz&abc=123|aGk=|16' });
  });

  it('offers the documented globals: atob, btoa, TextEncoder, TextDecoder, globalThis', async () => {
    const result = await runBody(
      `var bytes = new TextEncoder().encode('é');
  var text = new TextDecoder().decode(bytes);
  return { statusCode: 200, body: [btoa('ok'), atob('b2s='), bytes.length, text, typeof globalThis].join(',') };`,
    );
    expect(result).toEqual({ statusCode: 200, body: 'b2s=,ok,2,é,object' });
  });

  it('offers every ES 5.1 built-in, also those the 2.0 page does not list (charCodeAt, localeCompare...)', async () => {
    const result = await runBody(
      `return { statusCode: 200, body: ['a'.charCodeAt(0), 'a'.localeCompare('b'), 'İ'.toLocaleLowerCase().length, 'a'.toLocaleUpperCase(),
    (1).toLocaleString().length, [1].toLocaleString(), typeof ({}).toLocaleString, typeof (function () {}).toString()].join(',') };`,
    );
    expect(result).toEqual({ statusCode: 200, body: '97,-1,2,A,1,1,function,string' });
  });

  it('keeps Date at the start time for the whole run', async () => {
    const result = await runBody(
      'var a = Date.now(); var s = 0; for (var i = 0; i < 200000; i++) { s += i; } var b = new Date().getTime(); return { statusCode: 200, body: String(a === b && s > 0) };',
    );
    expect(result).toEqual({ statusCode: 200, body: 'true' });
  });

  it('collects console.log lines', async () => {
    const sandbox = loadCloudFrontFunction(fn("console.log('seen ' + request.uri); return request;"));
    await sandbox.run(event());
    expect(sandbox.logs).toEqual(['seen /player/app.js']);
  });
});

describe('the sandbox refuses at load what cloudfront-js-2.0 does not list', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['a class', 'class A {}', /class/],
    ['a generator', 'function* g() { yield 1; }', /generator/],
    ['object destructuring', 'var { a } = { a: 1 };', /destructuring/],
    ['array destructuring', 'var [a] = [1];', /destructuring/],
    ['spread', 'var a = [...[1]];', /spread/],
    ['for-of', 'for (var x of [1]) {}', /for-of/],
    ['optional chaining', 'var a = ({}).b?.c;', /optional chaining/],
    ['nullish coalescing', 'var a = null ?? 1;', /nullish/],
    ['logical assignment', 'var a = 0; a ||= 1;', /assignment operator/],
    ['a default parameter', 'function f(a = 1) { return a; }', /default value/],
    ['a shorthand property', 'var a = 1; var o = { a };', /shorthand/],
    ['a method in an object literal', 'var o = { m() { return 1; } };', /method/],
    ['a computed property name', "var o = { ['a']: 1 };", /computed/],
    ['an async arrow function', 'var f = async () => 1;', /async function that is not a top-level declaration/],
    ['a nested async function', 'function outer() { async function inner() {} return inner; }', /async function that is not a top-level/],
    ['an optional catch binding', 'try { } catch { }', /optional catch binding/],
    ['a BigInt literal', 'var n = 1n;', /BigInt/],
    ['a regular expression u flag', 'var r = /a/u;', /regular expression flag/],
    ['a regular expression s flag', 'var r = /a/s;', /regular expression flag/],
    ['a tagged template', 'var t = String.raw`a`;', /tagged template/],
    ['setTimeout', 'setTimeout(function () {}, 1);', /setTimeout/],
    ['process', 'var env = process.env;', /process/],
    ['fetch', "fetch('https://example.com');", /fetch/],
    ['require of another module', "var fs = require('fs');", /require/],
    ['eval', "eval('1');", /eval/],
    ['the Function constructor', "var f = new Function('return 1');", /Function/],
    ['console.log with two arguments', "console.log('a', 'b');", /comma syntax/],
    ['console.error', "console.error('a');", /console\.error/],
    ['a named import', "import { x } from 'cloudfront';", /import/],
    ['an import of another module', "import fs from 'fs';", /import other than/],
    ['an export', 'export const x = 1;', /export/],
    ['top-level await', 'await 1;', /top-level await/],
    ['debugger', 'debugger;', /debugger/],
  ];
  for (const [what, code, message] of refused) {
    it(`refuses ${what}`, () => {
      const error = loadError(`${code}\nfunction handler(event) { return event.request; }`);
      expect(error.kind).toBe('load');
      expect(error.message).toMatch(message);
    });
  }

  it('refuses code over the 10 KB function size quota', () => {
    const big = `function handler(event) { return event.request; }\n//${'x'.repeat(10_240)}`;
    expect(loadError(big).message).toMatch(/at most 10240 \(10 KB\)/);
  });

  it('refuses code without a top-level handler', () => {
    expect(loadError('function main(event) { return event.request; }').message).toMatch(/top-level `function handler/);
  });

  it('accepts what the runtime page lists: const, let, arrows, templates, rest, **, labels, getters', () => {
    const code = `const a = 2 ** 3;
let t = \`\${a}\`;
const f = (...xs) => xs.length;
var o = { get v() { return 1; }, 'k': 2 };
outer: for (var i = 0; i < 2; i++) { for (var k in o) { continue outer; } }
var n = 1_000;
async function handler(event) { var r = await Promise.resolve(event.request); return r; }`;
    expect(checkCloudFrontJs2Syntax(code)).toEqual([]);
  });
});

describe('the sandbox lacks at run time what cloudfront-js-2.0 lacks', () => {
  const missing: Array<[string, string]> = [
    ['process through globalThis', "return { statusCode: 200, body: String(globalThis['pro' + 'cess'].env) };"],
    ['require of another module through an alias', "var r = require; r('f' + 's'); return request;"],
    ['setTimeout through globalThis', "globalThis['set' + 'Timeout'](function () {}, 1); return request;"],
    ['fetch through globalThis', "globalThis['fe' + 'tch']('https://example.com'); return request;"],
    ['URL', "var u = new globalThis['U' + 'RL']('https://example.com'); return request;"],
    ['Map', "var m = new globalThis['M' + 'ap'](); return request;"],
    ['Reflect', "globalThis['Ref' + 'lect'].ownKeys({}); return request;"],
    ['a global Buffer', "globalThis['Buf' + 'fer'].from('x'); return request;"],
    ['eval, which throws', "globalThis['ev' + 'al']('1'); return request;"],
    ['the Function constructor, which throws', "var F = (function () {}).constructor; F('return 1')(); return request;"],
    ['Array.prototype.at', '[1].at(0); return request;'],
    ['Object.fromEntries', 'Object.fromEntries([]); return request;'],
    ['a hash algorithm other than md5, sha1 and sha256', "require('crypto').createHash('sha512'); return request;"],
  ];
  for (const [what, body] of missing) {
    it(`fails on ${what}`, async () => {
      const error = await errorOf(runBody(body));
      expect(error.kind).toBe('execution');
      expect(error.status).toBe(503);
    });
  }

  it('reports what the missing global is', async () => {
    const error = await errorOf(runBody("return globalThis['pro' + 'cess'].env;"));
    expect(error.message).toMatch(/TypeError/);
  });

  it('stops a handler that loops forever', async () => {
    const error = await errorOf(loadCloudFrontFunction(fn('while (true) {}'), { timeoutMs: 50 }).run(event()));
    expect(error.message).toMatch(/threw|did not finish/);
  });

  it('stops a handler whose promise never settles', async () => {
    const error = await errorOf(loadCloudFrontFunction(fn('await new Promise(function () {}); return request;'), { timeoutMs: 50 }).run(event()));
    expect(error.message).toMatch(/did not finish within 50 ms/);
  });

  it('passes a thrown error on as an execution error (CloudFront answers 503)', async () => {
    const error = await errorOf(runBody("throw new Error('boom');"));
    expect(error.kind).toBe('execution');
    expect(error.message).toMatch(/boom/);
  });
});

describe('the sandbox checks what the function returns', () => {
  const invalid: Array<[string, string, RegExp]> = [
    ['nothing', 'return undefined;', /must return the request or a response/],
    ['a string', "return 'ok';", /must return the request or a response/],
    ['a status code given as a string', "return { statusCode: '200' };", /integer HTTP status/],
    ['a status code out of range', 'return { statusCode: 99 };', /integer HTTP status/],
    ['an uppercase header name', "return { statusCode: 200, headers: { Location: { value: '/' } } };", /lowercase/],
    ['a header value that is not {value}', "return { statusCode: 200, headers: { location: '/' } };", /must be \{value: string\}/],
    ['a header with a line break', "return { statusCode: 200, headers: { location: { value: '/a\\r\\nx: y' } } };", /CR, LF/],
    ['a disallowed header', "return { statusCode: 200, headers: { connection: { value: 'close' } } };", /may not be set/],
    ['a body in an unknown encoding', "return { statusCode: 200, body: { data: 'x', encoding: 'gzip' } };", /response.body/],
    ['a body that is not base64', "return { statusCode: 200, body: { data: '***', encoding: 'base64' } };", /not valid base64/],
    ['a generated body over 40 KB (AWS gives no figure: the sandbox fails closed at Lambda@Edge\'s)', "var s = 'x'; while (s.length <= 40960) s = s + s; return { statusCode: 200, body: s };", /at most 40960/],
    ['an unknown response field', "return { statusCode: 200, status: 200 };", /unknown field "status"/],
    ['a changed method', "request.method = 'POST'; return request;", /read-only/],
    ['a changed host header', "request.headers.host = { value: 'evil.example' }; return request;", /host is read-only/],
    ['an added disallowed request header', "request.headers['x-real-ip'] = { value: '1.2.3.4' }; return request;", /may not be set/],
    ['a uri without a leading slash', "request.uri = 'index.html'; return request;", /starting with "\/"/],
    ['a query string with a space', "request.querystring.q = { value: 'a b' }; return request;", /spaces, control characters or #/],
    ['a query string with #', "request.querystring.q = { value: 'a#b' }; return request;", /spaces, control characters or #/],
  ];
  for (const [what, body, message] of invalid) {
    it(`refuses ${what} (CloudFront answers 502)`, async () => {
      const error = await errorOf(runBody(body));
      expect(error.kind).toBe('validation');
      expect(error.status).toBe(502);
      expect(error.message).toMatch(message);
    });
  }

  it('accepts response cookies with attributes and a base64 body', async () => {
    const result = await runBody(
      "return { statusCode: 200, cookies: { id: { value: '1', attributes: 'Secure; Path=/' } }, body: { data: 'b2s=', encoding: 'base64' } };",
    );
    expect(result).toEqual({ statusCode: 200, cookies: { id: { value: '1', attributes: 'Secure; Path=/' } }, body: { data: 'b2s=', encoding: 'base64' } });
  });

  it('refuses an event CloudFront would never send (a disallowed header exposed)', async () => {
    const sandbox = loadCloudFrontFunction(fn('return request;'));
    const bad = event('/x', { headers: { connection: { value: 'keep-alive' } } });
    await expect(sandbox.run(bad)).rejects.toThrow(/never exposed/);
  });
});

describe('the key value store file (CloudFront import format)', () => {
  it('reads {"data":[{"key","value"}]} and answers undefined for a missing key', async () => {
    const get = kvsFromImportFormat('{"data":[{"key":"demo/lesson-1","value":"lesson-2"}]}');
    await expect(get('demo/lesson-1')).resolves.toBe('lesson-2');
    await expect(get('demo/lesson-9')).resolves.toBeUndefined();
  });

  it('refuses a file of another shape, a non-string value and a repeated key', () => {
    expect(() => kvsFromImportFormat('{"items":[]}')).toThrow(/"data"/);
    expect(() => kvsFromImportFormat({ data: [{ key: 'a', value: 1 }] })).toThrow(/entry 0/);
    expect(() => kvsFromImportFormat({ data: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })).toThrow(/twice/);
  });
});
