import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Lambda@Edge quota: a viewer-request / viewer-response function's package is at most 1 MB
 * compressed (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 * Edge bundles' own budgets sit under it.
 */
export const LAMBDA_EDGE_VIEWER_MAX_COMPRESSED_BYTES = 1024 * 1024;

export interface LambdaBundle {
  readonly file: string;
  readonly bytes: number;
  /** Deflate size, what the deployment zip will weigh. */
  readonly compressedBytes: number;
}

/**
 * Bundles one Node.js Lambda entry (edge or regional) into a single minified ESM file and
 * fails the build when its compressed size is over `budgetBytes`.
 */
export async function bundleLambda(options: { entry: string; outFile: string; budgetBytes: number; label: string }): Promise<LambdaBundle> {
  await build({
    entryPoints: [options.entry],
    outfile: options.outFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    // Some AWS SDK dependencies call require() for Node built-ins; ESM needs one made for it.
    banner: { js: "import{createRequire as __lecternCreateRequire}from'node:module';const require=__lecternCreateRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const code = await readFile(options.outFile);
  const compressedBytes = checkBundleBudget(code, options.budgetBytes, options.label);
  return { file: options.outFile, bytes: code.length, compressedBytes };
}

/** What a bundle weighs compressed (deflate, as in the deployment zip). */
export function compressedSize(code: Uint8Array): number {
  return deflateRawSync(code, { level: 9 }).length;
}

/**
 * The budget gate every Lambda build runs on its output: the compressed size, or an error
 * naming the bundle, its size and the budget when it is over.
 */
export function checkBundleBudget(code: Uint8Array, budgetBytes: number, label: string): number {
  const compressedBytes = compressedSize(code);
  if (compressedBytes > budgetBytes) {
    throw new Error(`${label} bundle is ${compressedBytes} bytes compressed, over its ${budgetBytes}-byte budget`);
  }
  return compressedBytes;
}
