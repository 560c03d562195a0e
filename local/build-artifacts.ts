/**
 * The code the local stack deploys, built fresh at each start into the data folder with the
 * builders `npm run build` uses (so an edit to edge/ or pipeline/ is live on the next start),
 * then handed to the program exactly as dist/ would be.
 */
import { join } from 'node:path';
import { buildCookieIssuer } from '../edge/cookie-issuer/build.ts';
import { buildProgressApi } from '../edge/progress-api/build.ts';
import { buildViewerRequest } from '../edge/viewer-request/build.ts';
import type { ArtifactPaths } from '../infra/artifacts.ts';
import { buildPipelineLambdas } from '../pipeline/aws/build.ts';

export async function buildLocalArtifacts(buildDir: string): Promise<ArtifactPaths> {
  const viewerRequest = join(buildDir, 'edge', 'viewer-request.js');
  const [issuer, progressApi] = await Promise.all([
    buildCookieIssuer(join(buildDir, 'edge', 'cookie-issuer')),
    buildProgressApi(join(buildDir, 'edge', 'progress-api')),
    buildViewerRequest(viewerRequest),
    buildPipelineLambdas(join(buildDir, 'pipeline')),
  ]);
  return {
    viewerRequest,
    cookieIssuer: issuer.file,
    progressApi: progressApi.file,
    uploadTrigger: join(buildDir, 'pipeline', 'upload-trigger'),
    completionHandler: join(buildDir, 'pipeline', 'completion-handler'),
    transcribeHandler: join(buildDir, 'pipeline', 'transcribe-handler'),
  };
}
