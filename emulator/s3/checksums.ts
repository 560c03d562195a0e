/**
 * The object checksums S3 verifies on upload (`x-amz-checksum-<algorithm>`, in a header or an
 * aws-chunked trailer): CRC32, CRC32C, SHA1 and SHA256, each the base64 of the big-endian
 * digest, as the SDK computes them. CRC64NVME (which needs the SDK's CRT add-on) is accepted
 * but not verified, so it is not stored either.
 */
import { createHash, type Hash } from 'node:crypto';

export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'sha1' | 'sha256';
export const VERIFIED_ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'sha1', 'sha256'];

export interface Checksum {
  update(chunk: Buffer): void;
  /** base64 of the digest. */
  digest(): string;
}

function crcTable(reflectedPolynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? reflectedPolynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const TABLES = { crc32: crcTable(0xedb88320), crc32c: crcTable(0x82f63b78) };

function crc(table: Uint32Array): Checksum {
  let value = 0xffffffff;
  return {
    update(chunk) {
      let c = value;
      for (let i = 0; i < chunk.length; i++) c = (table[(c ^ (chunk[i] as number)) & 0xff] as number) ^ (c >>> 8);
      value = c;
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE((value ^ 0xffffffff) >>> 0);
      return out.toString('base64');
    },
  };
}

function hash(algorithm: string): Checksum {
  const h: Hash = createHash(algorithm);
  return { update: (chunk) => void h.update(chunk), digest: () => h.digest('base64') };
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32':
    case 'crc32c':
      return crc(TABLES[algorithm]);
    case 'sha1':
    case 'sha256':
      return hash(algorithm);
  }
}

export function isVerifiedAlgorithm(name: string): name is ChecksumAlgorithm {
  return (VERIFIED_ALGORITHMS as readonly string[]).includes(name);
}

/** `x-amz-checksum-crc32` -> `crc32`; undefined for other headers. */
export function algorithmOfHeader(header: string): string | undefined {
  const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(header.toLowerCase());
  return m && m[1] !== 'mode' && m[1] !== 'type' && m[1] !== 'algorithm' ? m[1] : undefined;
}

/** The header name S3 uses for a checksum, also the wire name in responses. */
export function checksumHeader(algorithm: string): string {
  return `x-amz-checksum-${algorithm}`;
}
