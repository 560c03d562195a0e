/**
 * CloudFront's signed-URL query parameters and the matching signed-cookie names, declared once
 * for the edge, the emulator's key-group check (emulator/cloudfront/signed-request.ts), log
 * redaction and the infra cache-key policy (infra/cloudfront-mapping.ts, infra/policy).
 * A URL carrying any of them is a signed URL; `Hash-Algorithm` / `CloudFront-Hash-Algorithm`
 * selects SHA256 over SHA1.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html
 */
export const SIGNED_URL_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;

export type SignedUrlParam = (typeof SIGNED_URL_PARAMS)[number];

/** The signed-cookie names; case-sensitive like CloudFront's. */
export const SIGNED_COOKIE_NAMES = {
  Expires: 'CloudFront-Expires',
  Policy: 'CloudFront-Policy',
  Signature: 'CloudFront-Signature',
  'Key-Pair-Id': 'CloudFront-Key-Pair-Id',
  'Hash-Algorithm': 'CloudFront-Hash-Algorithm',
} as const satisfies Record<SignedUrlParam, string>;

export function isSignedUrlParam(name: string): name is SignedUrlParam {
  return (SIGNED_URL_PARAMS as readonly string[]).includes(name);
}
