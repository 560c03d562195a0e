/**
 * Builds the viewer-request CloudFront Function: esbuild bundles function.ts and the pure core
 * into ONE file in the shape CloudFront Functions accept — `import cf from 'cloudfront'` at the
 * top, a top-level `async function handler(event)`, no `export` — then enforces the two rules
 * the build owns:
 *
 * - Size: at most 10 KB (10,240 bytes), the CloudFront Functions code-size quota.
 * - Syntax: only what "JavaScript runtime 2.0 features for CloudFront Functions" lists
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html).
 *   The allowlist itself is `checkCloudFrontJs2Syntax` in edge/cloudfront-functions/syntax.ts,
 *   shared with the local sandbox so the build and local runs refuse the same things: ES 5.1
 *   plus const/let, async/await (top-level async declarations only), `**`, template literals,
 *   arrow functions and rest parameters; no classes, generators, destructuring, spread,
 *   default parameters, for-of, `?.`, `??`, shorthand properties or optional catch bindings.
 *   esbuild is told the same thing (`supported` below) so it lowers what it can (`?.`, `??`,
 *   `catch {}`) and points at the source line for what it cannot.
 */
import * as esbuild from 'esbuild';
import * as acorn from 'acorn';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_RESPONSES } from '../error-responses.ts';
import { VIEWER_REQUEST_ERROR_CODES } from './core.ts';
import { checkCloudFrontJs2Syntax } from '../cloudfront-functions/syntax.ts';
import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../cloudfront-functions/quota.ts';

/** The CloudFront Functions size quota (declared in edge/cloudfront-functions/quota.ts). */
export const VIEWER_REQUEST_MAX_BYTES = CLOUDFRONT_FUNCTION_MAX_BYTES;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ENTRY = path.join(HERE, 'function.ts');

/** The syntax the runtime page does not list, so esbuild neither emits nor keeps it. */
const UNSUPPORTED_SYNTAX: Record<string, boolean> = {
  'optional-chain': false,
  'nullish-coalescing': false,
  'optional-catch-binding': false,
  'logical-assignment': false,
  'object-rest-spread': false,
  'object-extensions': false,
  'default-argument': false,
  'destructuring': false,
  'for-of': false,
  'generator': false,
  'async-generator': false,
  'class': false,
  'bigint': false,
  'top-level-await': false,
  'dynamic-import': false,
  'import-meta': false,
  'regexp-dot-all-flag': false,
  'regexp-lookbehind-assertions': false,
  'regexp-unicode-property-escapes': false,
  'regexp-match-indices': false,
  'regexp-set-notation': false,
};

/**
 * Swaps edge/error-responses.ts for the rows the core can refuse with: same statuses and
 * messages, a fraction of the bytes.
 */
const compactErrorTable: esbuild.Plugin = {
  name: 'lectern-viewer-request-error-table',
  setup(build) {
    build.onResolve({ filter: /(^|\/)error-responses(\.ts)?$/ }, () => ({ path: 'error-responses', namespace: 'lectern-error-table' }));
    build.onLoad({ filter: /.*/, namespace: 'lectern-error-table' }, () => {
      const rows: Record<string, unknown> = {};
      for (const code of VIEWER_REQUEST_ERROR_CODES) rows[code] = ERROR_RESPONSES[code];
      return {
        loader: 'js',
        contents:
          `const T = ${JSON.stringify(rows)};\n` +
          'export function errorResponse(code) { return Object.prototype.hasOwnProperty.call(T, code) ? T[code] : undefined; }\n',
      };
    });
  },
};

export async function buildViewerRequest(outFile = 'dist/edge/viewer-request.js'): Promise<{ bytes: number }> {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2017',
    supported: UNSUPPORTED_SYNTAX,
    external: ['cloudfront'],
    minify: true,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
    plugins: [compactErrorTable],
  });
  const bundled = result.outputFiles[0]?.text;
  if (bundled === undefined) throw new Error('viewer-request build: esbuild produced no output');

  const code = toCloudFrontShape(bundled);
  const { bytes } = checkViewerRequestOutput(code);
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  await writeFile(outFile, code);
  return { bytes };
}

/** The build's two gates on the final file: the 10 KB quota and the runtime's syntax. */
export function checkViewerRequestOutput(code: string): { bytes: number } {
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > VIEWER_REQUEST_MAX_BYTES) {
    throw new Error(
      `viewer-request build: the CloudFront Function is ${bytes} bytes, over the ${VIEWER_REQUEST_MAX_BYTES}-byte (10 KB) ` +
        'CloudFront Functions size quota. Move data into the KeyValueStore or trim edge/viewer-request/core.ts.',
    );
  }
  const problems = checkCloudFrontJs2Syntax(code);
  if (problems.length > 0) {
    throw new Error(`viewer-request build: output uses syntax cloudfront-js-2.0 does not support:\n  ${problems.join('\n  ')}`);
  }
  return { bytes };
}

type Node = acorn.Node & Record<string, any>;

/**
 * esbuild's ESM output -> a CloudFront Function file: the cloudfront import spelled as the
 * docs show it, the trailing `export { x as handler }` gone, and a top-level
 * `async function handler` (delegating to the minified one when esbuild renamed it).
 */
export function toCloudFrontShape(bundled: string): string {
  const ast = acorn.parse(bundled, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as Node;
  let imported: string | undefined;
  let handlerLocal: string | undefined;
  const cuts: Array<[number, number]> = [];
  for (const node of ast.body as Node[]) {
    if (node.type === 'ImportDeclaration') {
      const spec = node.specifiers[0];
      if (node.source.value !== 'cloudfront' || node.specifiers.length !== 1 || spec?.type !== 'ImportDefaultSpecifier') {
        throw new Error(`viewer-request build: unexpected import in the bundle: ${bundled.slice(node.start, node.end)}`);
      }
      imported = spec.local.name;
      cuts.push([node.start, node.end]);
    } else if (node.type === 'ExportNamedDeclaration') {
      if (node.declaration || node.source) throw new Error('viewer-request build: unexpected export form in the bundle');
      for (const spec of node.specifiers) {
        if (spec.exported.name === 'handler') handlerLocal = spec.local.name;
        else throw new Error(`viewer-request build: function.ts must export only handler (found ${spec.exported.name})`);
      }
      cuts.push([node.start, node.end]);
    } else if (node.type.startsWith('Export')) {
      throw new Error('viewer-request build: unexpected export form in the bundle');
    }
  }
  if (!handlerLocal) throw new Error('viewer-request build: function.ts must export `async function handler`');
  const local = handlerLocal;
  const declaration = (ast.body as Node[]).find((n) => n.type === 'FunctionDeclaration' && n.id?.name === local);
  if (!declaration || !declaration.async) throw new Error('viewer-request build: handler must be a top-level async function declaration');

  let body = bundled;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) body = body.slice(0, start) + body.slice(end);
  body = body.trim();

  let head = "import cf from 'cloudfront';\n";
  if (imported !== undefined && imported !== 'cf') head += `const ${imported}=cf;\n`;
  let tail = '';
  if (local !== 'handler') {
    if (/\bhandler\b/.test(body)) throw new Error('viewer-request build: the name `handler` is already taken in the bundle');
    const param = local === 'event' ? 'e' : 'event';
    tail = `\nasync function handler(${param}){return ${local}(${param})}`;
  }
  return head + body + tail + '\n';
}
