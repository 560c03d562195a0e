/**
 * The one Host rule of both Lambda@Edge functions (the cookie issuer and the progress API):
 * a page that rebinds its own name to the distribution's address (DNS rebinding) sends its
 * own name as Host, so answering every Host would let it read and write a student's data as
 * same-origin. The Host also becomes the Resource of a signed policy, so it must be one we serve.
 */
const HOST_PATTERN = /^[a-z0-9.-]+(?::\d{1,5})?$/;

/**
 * The request's Host, lower-cased, when it is one this distribution serves; undefined when it
 * must be refused (ERR_BAD_HOST).
 *
 * An empty `allowedHosts` accepts any well-formed Host. That is only sound where something in
 * front routes by Host: CloudFront hands a distribution only requests for its own domain names
 * (its *.cloudfront.net name and its alternate domain names; CloudFront answers any other name
 * with its own 403,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-403-permission-denied.html#alternate-cname-incorrectly-configured),
 * so a deployed stack without a custom domain may leave it empty. Locally the functions do not
 * lean on the emulator's routing alone: the local stack names its own hosts (local/stack-config.ts).
 */
export function servedHost(host: string | undefined, allowedHosts: readonly string[]): string | undefined {
  const name = host?.toLowerCase();
  if (!name || !HOST_PATTERN.test(name)) return undefined;
  if (allowedHosts.length > 0 && !allowedHosts.some((allowed) => allowed.toLowerCase() === name)) return undefined;
  return name;
}
