/**
 * Artifacts for a run under mocks (the audit and the unit tests): the edge artifacts as built in
 * dist/ when they are there — what `pulumi up` would deploy — else built fresh into a temporary
 * folder with the same builders `npm run build` uses; the pipeline bundles from dist/pipeline
 * when built, else placeholders (the audit and the tests do not depend on their code).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCookieIssuer } from '../../edge/cookie-issuer/build.ts';
import { buildProgressApi } from '../../edge/progress-api/build.ts';
import { buildViewerRequest } from '../../edge/viewer-request/build.ts';
import { defaultArtifactPaths, REPO_ROOT, type ArtifactPaths } from '../artifacts.ts';

export interface PreparedArtifacts {
  readonly paths: ArtifactPaths;
  /** What was used, in words, for the report. */
  readonly notes: string[];
  cleanup(): Promise<void>;
}

const PLACEHOLDER = '// placeholder written by lectern audit: the pipeline bundle was not built\nexport const handler = async () => { throw new Error("placeholder"); };\n';

export async function prepareArtifacts(options: { root?: string; forceBuild?: boolean } = {}): Promise<PreparedArtifacts> {
  const built = defaultArtifactPaths(options.root ?? REPO_ROOT);
  const notes: string[] = [];
  let temp: string | undefined;
  const tempDir = async (): Promise<string> => (temp ??= await mkdtemp(path.join(tmpdir(), 'lectern-artifacts-')));

  let viewerRequest = built.viewerRequest;
  let cookieIssuer = built.cookieIssuer;
  let progressApi = built.progressApi;
  if (options.forceBuild || ![built.viewerRequest, built.cookieIssuer, built.progressApi].every((file) => existsSync(file))) {
    const dir = await tempDir();
    viewerRequest = path.join(dir, 'edge', 'viewer-request.js');
    await buildViewerRequest(viewerRequest);
    cookieIssuer = (await buildCookieIssuer(path.join(dir, 'edge', 'cookie-issuer'))).file;
    progressApi = (await buildProgressApi(path.join(dir, 'edge', 'progress-api'))).file;
    notes.push('Edge artifacts built fresh from edge/ into a temporary folder (dist/edge was missing or --build was given).');
  } else {
    notes.push('Edge artifacts read from dist/edge, as `npm run build` left them (what `pulumi up` deploys).');
  }

  const pipelineDir = async (name: 'upload-trigger' | 'completion-handler' | 'transcribe-handler', builtDir: string): Promise<string> => {
    if (existsSync(path.join(builtDir, 'index.mjs'))) return builtDir;
    const dir = path.join(await tempDir(), 'pipeline', name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'index.mjs'), PLACEHOLDER);
    notes.push(`dist/pipeline/${name}/index.mjs is not built: a placeholder stands in (the report does not depend on its code).`);
    return dir;
  };
  const uploadTrigger = await pipelineDir('upload-trigger', built.uploadTrigger);
  const completionHandler = await pipelineDir('completion-handler', built.completionHandler);
  const transcribeHandler = await pipelineDir('transcribe-handler', built.transcribeHandler!);

  return {
    paths: { viewerRequest, cookieIssuer, progressApi, uploadTrigger, completionHandler, transcribeHandler },
    notes,
    async cleanup() {
      if (temp) await rm(temp, { recursive: true, force: true });
    },
  };
}
