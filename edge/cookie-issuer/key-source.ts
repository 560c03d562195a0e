import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LecternError } from '../errors.ts';

/** Where the CloudFront signing key comes from: a PEM file locally, Secrets Manager on AWS. */
export interface KeySource {
  privateKeyPem(): Promise<string>;
}

function isPrivateKeyPem(text: string): boolean {
  return /-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text);
}

/** Read once and kept; a failed read is retried on the next request rather than cached. */
function cached(load: () => Promise<string>): KeySource {
  let pending: Promise<string> | undefined;
  return {
    privateKeyPem() {
      pending ??= load().catch((error: unknown) => {
        pending = undefined;
        throw new LecternError('ERR_SIGNING_KEY_UNAVAILABLE', 'signing key could not be loaded', { cause: error });
      });
      return pending;
    },
  };
}

export function pemFileKeySource(path: string): KeySource {
  return cached(async () => {
    const pem = await readFile(path, 'utf8');
    if (!isPrivateKeyPem(pem)) throw new Error(`${path} does not hold a PEM private key`);
    return pem;
  });
}

export function secretsManagerKeySource(options: { secretId: string; region: string; timeoutMs: number; client?: SecretsManagerClient }): KeySource {
  const client = options.client ?? new SecretsManagerClient({ region: options.region, maxAttempts: 2 });
  return cached(async () => {
    const result = await client.send(new GetSecretValueCommand({ SecretId: options.secretId }), {
      abortSignal: AbortSignal.timeout(options.timeoutMs),
    });
    const pem = result.SecretString ?? '';
    if (!isPrivateKeyPem(pem)) throw new Error('secret does not hold a PEM private key');
    return pem;
  });
}
