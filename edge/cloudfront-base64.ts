/**
 * CloudFront's URL-safe base64 for policies and signatures: `+` -> `-`, `=` -> `_`, `/` -> `~`.
 * Not the RFC 4648 base64url alphabet, which is why a generic decoder must not be used.
 */
export function toCloudFrontBase64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

/** Returns undefined for anything outside CloudFront's alphabet instead of guessing. */
export function fromCloudFrontBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9~_-]*$/.test(text)) return undefined;
  const standard = text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');
  if (standard.length % 4 !== 0 || /=[^=]/.test(standard)) return undefined;
  return Buffer.from(standard, 'base64');
}
