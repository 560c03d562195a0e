import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';

/** The two pipeline Lambdas (Node 20, ESM, exporting `handler`), deployed by the Pulumi program. */
export const PIPELINE_LAMBDAS = {
  'upload-trigger': 'upload-trigger-index.ts',
  'completion-handler': 'completion-handler-index.ts',
} as const;

export type PipelineLambdaName = keyof typeof PIPELINE_LAMBDAS;

export const PIPELINE_OUT_DIR = 'dist/pipeline';
/** Regular Lambdas allow 50 MB zipped; a bundle over this means something big was pulled in by mistake. */
export const PIPELINE_LAMBDA_BUDGET_BYTES = 1024 * 1024;

export interface PipelineBuildResult {
  readonly name: PipelineLambdaName;
  readonly file: string;
  readonly bytes: number;
  readonly compressedBytes: number;
}

/** Bundles one Lambda to `<outRoot>/<name>/index.mjs` (config.json is written beside it at deploy). */
export async function buildPipelineLambda(name: PipelineLambdaName, outRoot = PIPELINE_OUT_DIR): Promise<PipelineBuildResult> {
  const file = join(outRoot, name, 'index.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, PIPELINE_LAMBDAS[name])],
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
  if (compressedBytes > PIPELINE_LAMBDA_BUDGET_BYTES) {
    throw new Error(`${name} bundle is ${compressedBytes} bytes compressed, over its ${PIPELINE_LAMBDA_BUDGET_BYTES}-byte budget`);
  }
  return { name, file, bytes: code.length, compressedBytes };
}

export async function buildPipelineLambdas(outRoot = PIPELINE_OUT_DIR): Promise<PipelineBuildResult[]> {
  const out: PipelineBuildResult[] = [];
  for (const name of Object.keys(PIPELINE_LAMBDAS) as PipelineLambdaName[]) out.push(await buildPipelineLambda(name, outRoot));
  return out;
}
