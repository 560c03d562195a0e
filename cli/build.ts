import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../edge/cloudfront-functions/quota.ts';
import { buildCookieIssuer, COOKIE_ISSUER_BUDGET_BYTES } from '../edge/cookie-issuer/build.ts';
import { buildProgressApi, PROGRESS_API_BUDGET_BYTES } from '../edge/progress-api/build.ts';
import { buildViewerRequest } from '../edge/viewer-request/build.ts';
import { buildPipelineLambdas, PIPELINE_LAMBDA_BUDGET_BYTES } from '../pipeline/aws/build.ts';

/** `lectern build`: every deployable artifact, each checked against its size budget. */
export async function buildCommand(): Promise<number> {
  const issuer = await buildCookieIssuer();
  console.log(`cookie issuer   ${issuer.file}  ${kb(issuer.bytes)} (${kb(issuer.compressedBytes)} compressed, budget ${kb(COOKIE_ISSUER_BUDGET_BYTES)})`);
  const progress = await buildProgressApi();
  console.log(`progress API    ${progress.file}  ${kb(progress.bytes)} (${kb(progress.compressedBytes)} compressed, budget ${kb(PROGRESS_API_BUDGET_BYTES)})`);
  const viewer = await buildViewerRequest();
  console.log(`viewer-request  dist/edge/viewer-request.js  ${viewer.bytes} bytes (budget ${CLOUDFRONT_FUNCTION_MAX_BYTES})`);
  for (const l of await buildPipelineLambdas()) console.log(`${l.name.padEnd(18)} ${l.file}  ${kb(l.bytes)} (${kb(l.compressedBytes)} compressed, budget ${kb(PIPELINE_LAMBDA_BUDGET_BYTES)})`);
  return 0;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
