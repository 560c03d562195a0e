import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dataPaths } from './data-paths.ts';

export interface CloudFrontKeyPair {
  /** Like a CloudFront public key id: `K` and 13 base32 characters, derived from the key. */
  readonly keyPairId: string;
  readonly privateKeyPath: string;
  readonly publicKeyPem: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function keyPairIdFor(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest();
  let id = 'K';
  for (let i = 0; i < 13; i++) id += BASE32[(digest[i] as number) % 32];
  return id;
}

/** The local distribution's signing key pair, in `<dataDir>/keys/` as PEM (made on first run). */
export async function loadCloudFrontKeyPair(dataDir: string): Promise<CloudFrontKeyPair> {
  const { keys: dir, cloudFrontPrivateKey: privateKeyPath, cloudFrontPublicKey: publicKeyPath } = dataPaths(dataDir);
  if (!existsSync(privateKeyPath)) {
    await mkdir(dir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await writeFile(privateKeyPath, privateKey, { mode: 0o600 });
    await writeFile(publicKeyPath, publicKey);
  }
  const publicKeyPem = existsSync(publicKeyPath)
    ? await readFile(publicKeyPath, 'utf8')
    : (createPublicKey(await readFile(privateKeyPath, 'utf8')).export({ type: 'spki', format: 'pem' }) as string);
  return { keyPairId: keyPairIdFor(publicKeyPem), privateKeyPath, publicKeyPem };
}
