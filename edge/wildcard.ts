/**
 * The one wildcard matcher: `*` matches any run of characters (including none), `?` exactly
 * one; everything else is literal and case-sensitive. CloudFront uses these same two wildcards
 * in cache-behavior path patterns (DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern,
 * edge/distribution-spec.ts `matchesPathPattern`) and in a custom policy's `Resource`
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html;
 * emulator/cloudfront/signed-request.ts). Iterative with single-star backtracking: linear
 * memory, no regex built from the input, so a hostile Resource cannot blow up.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p;
      starT = t;
      p += 1;
    } else if (starP !== -1) {
      p = starP + 1;
      starT += 1;
      t = starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}
