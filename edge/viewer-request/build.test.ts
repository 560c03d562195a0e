import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as acorn from 'acorn';
import { buildViewerRequest, checkViewerRequestOutput, toCloudFrontShape, VIEWER_REQUEST_MAX_BYTES } from './build.ts';
import { checkCloudFrontJs2Syntax } from '../cloudfront-functions/syntax.ts';
import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../cloudfront-functions/quota.ts';

let built: { bytes: number };
let code: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lectern-vr-build-'));
  const file = path.join(dir, 'nested', 'viewer-request.js');
  built = await buildViewerRequest(file);
  code = await readFile(file, 'utf8');
});

describe('the viewer-request build', () => {
  it('reports the size of the file it wrote, in bytes', () => {
    expect(built.bytes).toBe(Buffer.byteLength(code, 'utf8'));
  });

  it('writes one file that starts with the cloudfront import, as the AWS docs spell it', () => {
    expect(code.startsWith("import cf from 'cloudfront';\n")).toBe(true);
  });

  it('declares a top-level async function handler and exports nothing', () => {
    const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
    const types = ast.body.map((node) => node.type);
    expect(types.filter((t) => t.startsWith('Export'))).toEqual([]);
    expect(types.filter((t) => t === 'ImportDeclaration')).toHaveLength(1);
    const handler = ast.body.find((n) => n.type === 'FunctionDeclaration' && n.id?.name === 'handler') as acorn.FunctionDeclaration | undefined;
    expect(handler?.async).toBe(true);
  });

  it('uses only syntax cloudfront-js-2.0 lists', () => {
    expect(checkCloudFrontJs2Syntax(code)).toEqual([]);
  });

  it('ships only the error rows the core can produce', () => {
    expect(code).toContain('ERR_MEDIA_TYPE_REFUSED');
    expect(code).not.toContain('ERR_TOKEN_EXPIRED');
  });

  it('has no process.env, require or dynamic code', () => {
    expect(code).not.toMatch(/\bprocess\b|\brequire\(|\beval\(|new Function/);
  });
});

describe('the build gates', () => {
  /** A valid function padded with a comment to exactly `bytes` UTF-8 bytes. */
  const padded = (bytes: number, pad = 'x') => {
    const head = 'async function handler(e){return e.request}\n//';
    const unit = Buffer.byteLength(pad, 'utf8');
    const body = pad.repeat(Math.floor((bytes - head.length) / unit));
    return head + body + 'x'.repeat(bytes - head.length - body.length * unit);
  };

  it('accept a file of exactly the quota and refuse one byte more, with a clear message', () => {
    expect(VIEWER_REQUEST_MAX_BYTES).toBe(CLOUDFRONT_FUNCTION_MAX_BYTES);
    expect(checkViewerRequestOutput(padded(CLOUDFRONT_FUNCTION_MAX_BYTES))).toEqual({ bytes: CLOUDFRONT_FUNCTION_MAX_BYTES });
    expect(() => checkViewerRequestOutput(padded(CLOUDFRONT_FUNCTION_MAX_BYTES + 1))).toThrow(
      `is ${CLOUDFRONT_FUNCTION_MAX_BYTES + 1} bytes, over the ${CLOUDFRONT_FUNCTION_MAX_BYTES}-byte (10 KB) CloudFront Functions size quota`,
    );
  });

  it('count UTF-8 bytes, not characters: a file under the quota in characters but over it in bytes is refused', () => {
    const multibyte = padded(CLOUDFRONT_FUNCTION_MAX_BYTES + 2, '\u00e9');
    expect(multibyte.length).toBeLessThan(CLOUDFRONT_FUNCTION_MAX_BYTES);
    expect(() => checkViewerRequestOutput(multibyte)).toThrow(/CloudFront Functions size quota/);
  });

  it('refuse syntax the runtime does not list, naming it and its line', () => {
    expect(() => checkViewerRequestOutput('class A {}\nasync function handler(e){return e.request}')).toThrow(/1:1 class is not supported/);
  });

  it('accept a small valid function and report its size', () => {
    const small = "import cf from 'cloudfront';\nasync function handler(e){return e.request}\n";
    expect(checkViewerRequestOutput(small)).toEqual({ bytes: small.length });
  });
});

describe('reshaping esbuild output for CloudFront', () => {
  it('drops the export and adds a top-level handler when esbuild renamed it', () => {
    const out = toCloudFrontShape('import e from"cloudfront";var t=e.kvs();async function a(n){return n.request}export{a as handler};\n');
    expect(out).toBe("import cf from 'cloudfront';\nconst e=cf;\nvar t=e.kvs();async function a(n){return n.request}\nasync function handler(event){return a(event)}\n");
  });

  it('keeps the handler as it is when esbuild kept its name', () => {
    const out = toCloudFrontShape('import cf from"cloudfront";async function handler(n){return n.request}export{handler};\n');
    expect(out).toBe("import cf from 'cloudfront';\nasync function handler(n){return n.request}\n");
  });

  it('refuses a bundle with another import or export', () => {
    expect(() => toCloudFrontShape('import fs from"fs";async function a(n){}export{a as handler};')).toThrow(/unexpected import/);
    expect(() => toCloudFrontShape('async function a(n){}export{a as handler, a as other};')).toThrow(/export only handler/);
    expect(() => toCloudFrontShape('function a(n){}export{a as handler};')).toThrow(/async function declaration/);
  });
});
