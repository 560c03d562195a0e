import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleLambda, type LambdaBundle } from '../bundle-lambda.ts';
import { parseIssuerConfig } from './config.ts';

/** Lambda@Edge allows 1 MB zipped for viewer triggers; we hold ourselves to far less. */
export const COOKIE_ISSUER_BUDGET_BYTES = 512 * 1024;
export const COOKIE_ISSUER_OUT_DIR = 'dist/edge/cookie-issuer';

export type BuildResult = LambdaBundle;

/** Bundles the cookie issuer to one ESM file and checks its compressed size against the budget. */
export function buildCookieIssuer(outDir = COOKIE_ISSUER_OUT_DIR): Promise<BuildResult> {
  return bundleLambda({ entry: join(import.meta.dirname, 'index.ts'), outFile: join(outDir, 'index.mjs'), budgetBytes: COOKIE_ISSUER_BUDGET_BYTES, label: 'cookie issuer' });
}

/** Writes a validated config.json beside a built bundle (what the deploy zips with it). */
export async function writeIssuerConfig(bundleDir: string, raw: unknown): Promise<void> {
  const config = parseIssuerConfig(raw);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(config, null, 2));
}
