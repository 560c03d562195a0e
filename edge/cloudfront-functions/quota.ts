/**
 * CloudFront Functions quota "Maximum size of a function": 10 KB (10,240 bytes), declared once
 * for the build (edge/viewer-request/build.ts), the local sandbox (emulator/cloudfront/
 * function-sandbox.ts) and the policy pack / audit (infra/policy/policies.ts).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-functions
 */
export const CLOUDFRONT_FUNCTION_MAX_BYTES = 10_240;
