import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { parseIssuerConfig } from './config.ts';

/** Lambda@Edge allows 1 MB zipped for viewer triggers; we hold ourselves to far less. */
export const COOKIE_ISSUER_BUDGET_BYTES = 512 * 1024;
export const COOKIE_ISSUER_OUT_DIR = 'dist/edge/cookie-issuer';

export interface BuildResult {
  readonly file: string;
  readonly bytes: number;
  /** Deflate size, what the deployment zip will weigh. */
  readonly compressedBytes: number;
}

/** Bundles the cookie issuer to one ESM file and checks its compressed size against the budget. */
export async function buildCookieIssuer(outDir = COOKIE_ISSUER_OUT_DIR): Promise<BuildResult> {
  const file = join(outDir, 'index.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'index.ts')],
    outfile: file,
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
  const code = await readFile(file);
  const compressedBytes = deflateRawSync(code, { level: 9 }).length;
  if (compressedBytes > COOKIE_ISSUER_BUDGET_BYTES) {
    throw new Error(`cookie issuer bundle is ${compressedBytes} bytes compressed, over its ${COOKIE_ISSUER_BUDGET_BYTES}-byte budget`);
  }
  return { file, bytes: code.length, compressedBytes };
}

/** Writes a validated config.json beside a built bundle (what the deploy zips with it). */
export async function writeIssuerConfig(bundleDir: string, raw: unknown): Promise<void> {
  const config = parseIssuerConfig(raw);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(config, null, 2));
}
