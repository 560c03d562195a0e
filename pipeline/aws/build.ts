import { join } from 'node:path';
import { bundleLambda } from '../../edge/bundle-lambda.ts';

/** The pipeline Lambdas (Node 20, ESM, exporting `handler`), deployed by the Pulumi program. */
export const PIPELINE_LAMBDAS = {
  'upload-trigger': 'upload-trigger-index.ts',
  'completion-handler': 'completion-handler-index.ts',
  'transcribe-handler': 'transcribe-handler-index.ts',
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
  const bundle = await bundleLambda({
    entry: join(import.meta.dirname, PIPELINE_LAMBDAS[name]),
    outFile: join(outRoot, name, 'index.mjs'),
    budgetBytes: PIPELINE_LAMBDA_BUDGET_BYTES,
    label: name,
  });
  return { name, ...bundle };
}

export async function buildPipelineLambdas(outRoot = PIPELINE_OUT_DIR): Promise<PipelineBuildResult[]> {
  const out: PipelineBuildResult[] = [];
  for (const name of Object.keys(PIPELINE_LAMBDAS) as PipelineLambdaName[]) out.push(await buildPipelineLambda(name, outRoot));
  return out;
}
