/**
 * The built code the program deploys. It never builds anything itself: `npm run build` produces
 * the edge artifacts (and checks their budgets); the pipeline's Lambda bundles come from the
 * pipeline build. The program reads them from the build output, so what is deployed is exactly
 * what was built and tested.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root (infra/..). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

export interface ArtifactPaths {
  /** The CloudFront Function, one file (cloudfront-js-2.0). */
  readonly viewerRequest: string;
  /** The cookie issuer's bundle; config.json is generated beside it in the deployment zip. */
  readonly cookieIssuer: string;
  /** The progress API's bundle (Lambda@Edge on /api/*); config.json is generated beside it. */
  readonly progressApi: string;
  /** Folder holding the upload trigger's index.mjs (ESM, export `handler`). */
  readonly uploadTrigger: string;
  /** Folder holding the completion handler's index.mjs (ESM, export `handler`). */
  readonly completionHandler: string;
  /** Folder holding the transcribe handler's index.mjs; read only with `autoCaptions` on (loadTranscribeHandler). */
  readonly transcribeHandler?: string;
}

export function defaultArtifactPaths(root: string = REPO_ROOT): ArtifactPaths {
  return {
    viewerRequest: path.join(root, 'dist', 'edge', 'viewer-request.js'),
    cookieIssuer: path.join(root, 'dist', 'edge', 'cookie-issuer', 'index.mjs'),
    progressApi: path.join(root, 'dist', 'edge', 'progress-api', 'index.mjs'),
    uploadTrigger: path.join(root, 'dist', 'pipeline', 'upload-trigger'),
    completionHandler: path.join(root, 'dist', 'pipeline', 'completion-handler'),
    transcribeHandler: path.join(root, 'dist', 'pipeline', 'transcribe-handler'),
  };
}

export interface ArtifactFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface LoadedArtifacts {
  readonly paths: ArtifactPaths;
  /** The CloudFront Function's source, byte for byte as built. */
  readonly viewerRequestCode: string;
  readonly viewerRequest: ArtifactFile;
  readonly cookieIssuer: ArtifactFile;
  readonly progressApi: ArtifactFile;
  readonly uploadTrigger: ArtifactFile;
  readonly completionHandler: ArtifactFile;
}

export class MissingArtifactError extends Error {
  override name = 'MissingArtifactError';
}

function describe(file: string, builtBy: string): ArtifactFile {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new MissingArtifactError(`${file} does not exist: ${builtBy} before deploying`);
  }
  const content = readFileSync(file);
  return { path: file, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Checks every artifact exists and reads what the program needs; a clear error otherwise. */
export function loadArtifacts(paths: ArtifactPaths = defaultArtifactPaths()): LoadedArtifacts {
  const edge = 'run `npm run build`';
  const pipeline = 'build the pipeline Lambdas (dist/pipeline/<name>/index.mjs)';
  const viewerRequest = describe(paths.viewerRequest, edge);
  return {
    paths,
    viewerRequestCode: readFileSync(paths.viewerRequest, 'utf8'),
    viewerRequest,
    cookieIssuer: describe(paths.cookieIssuer, edge),
    progressApi: describe(paths.progressApi, edge),
    uploadTrigger: describe(path.join(paths.uploadTrigger, 'index.mjs'), pipeline),
    completionHandler: describe(path.join(paths.completionHandler, 'index.mjs'), pipeline),
  };
}

/** The transcribe handler's bundle: required only by a stack with automatic captions on. */
export function loadTranscribeHandler(paths: ArtifactPaths): ArtifactFile {
  const dir = paths.transcribeHandler ?? defaultArtifactPaths().transcribeHandler!;
  return describe(path.join(dir, 'index.mjs'), 'build the pipeline Lambdas (dist/pipeline/<name>/index.mjs)');
}
