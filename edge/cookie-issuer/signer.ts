import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import type { KeySource } from './key-source.ts';

/** A custom policy signed once; the same three values serve as cookies and as query parameters. */
export interface SignedPolicy {
  readonly Policy: string;
  readonly Signature: string;
  readonly 'Key-Pair-Id': string;
  readonly 'Hash-Algorithm'?: 'SHA256';
}

export interface PolicySigner {
  sign(policyJson: string): Promise<SignedPolicy>;
}

export function createPolicySigner(options: { keyPairId: string; algorithm: 'SHA1' | 'SHA256'; keys: KeySource }): PolicySigner {
  return {
    async sign(policyJson) {
      const privateKey = await options.keys.privateKeyPem();
      const cookies = getSignedCookies({ policy: policyJson, keyPairId: options.keyPairId, privateKey, algorithm: options.algorithm });
      return {
        Policy: cookies['CloudFront-Policy'] as string,
        Signature: cookies['CloudFront-Signature'],
        'Key-Pair-Id': cookies['CloudFront-Key-Pair-Id'],
        ...(options.algorithm === 'SHA256' ? { 'Hash-Algorithm': 'SHA256' as const } : {}),
      };
    },
  };
}
