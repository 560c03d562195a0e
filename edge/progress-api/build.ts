import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleLambda, type LambdaBundle } from '../bundle-lambda.ts';
import { parseProgressApiConfig } from './config.ts';

/** Lambda@Edge allows 1 MB zipped for viewer triggers; we hold ourselves to far less. */
export const PROGRESS_API_BUDGET_BYTES = 512 * 1024;
export const PROGRESS_API_OUT_DIR = 'dist/edge/progress-api';

/** Bundles the progress API to one ESM file (`<outDir>/index.mjs`) and checks its compressed size. */
export function buildProgressApi(outDir = PROGRESS_API_OUT_DIR): Promise<LambdaBundle> {
  return bundleLambda({ entry: join(import.meta.dirname, 'index.ts'), outFile: join(outDir, 'index.mjs'), budgetBytes: PROGRESS_API_BUDGET_BYTES, label: 'progress API' });
}

/** Writes a validated config.json beside a built bundle (what the deploy zips with it). */
export async function writeProgressApiConfig(bundleDir: string, raw: unknown): Promise<void> {
  const config = parseProgressApiConfig(raw);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(config, null, 2));
}
