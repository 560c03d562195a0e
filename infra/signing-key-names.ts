/**
 * How the stack names a CloudFront public key (`key-<12 hex>` of its SPKI SHA-256) and derives
 * one from a private key: the program, the audit and the test fixtures name keys the same way.
 */
import { createHash, createPublicKey } from 'node:crypto';

/** `key-<12 hex>` and the full fingerprint of a public key PEM. */
export function describePublicKey(pem: string): { name: string; fingerprint: string } {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const fingerprint = createHash('sha256').update(der).digest('hex');
  return { name: `key-${fingerprint.slice(0, 12)}`, fingerprint };
}

/** The public half of a private key PEM, as SPKI PEM. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }) as string;
}
