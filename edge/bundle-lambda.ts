import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';

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
  const compressedBytes = deflateRawSync(code, { level: 9 }).length;
  if (compressedBytes > options.budgetBytes) {
    throw new Error(`${options.label} bundle is ${compressedBytes} bytes compressed, over its ${options.budgetBytes}-byte budget`);
  }
  return { file: options.outFile, bytes: code.length, compressedBytes };
}
