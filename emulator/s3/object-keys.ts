/**
 * Object keys as file paths. A bucket is a folder and a key a relative path in it, so only the
 * keys the local CloudFront origin can also map (emulator/cloudfront/origin.ts isMappableKey: non-empty
 * `/`-separated segments, no `.` or `..`, no backslash or control character) are accepted; an
 * absolute path is a key with an empty first segment. Everything else is refused with 400
 * InvalidArgument before a byte is written. S3 itself would store such keys; this stand-in
 * cannot without leaving the folder, and the stack never needs them.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { isMappableKey } from '../cloudfront/origin.ts';
import { S3Error } from './s3-errors.ts';

/** S3's key limit: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** Names this stand-in uses for its own files beside objects; never listed as objects. */
export const PARTIAL_FILE_PREFIX = '.lectern-partial-';

export function checkKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', undefined, { Key: key.slice(0, 64) });
  if (!isMappableKey(key) || key.split('/').some((segment) => segment.startsWith(PARTIAL_FILE_PREFIX))) {
    throw new S3Error('InvalidArgument', `This stand-in keeps objects as files and refuses the key ${JSON.stringify(key)}: empty, '.' or '..' segments, absolute paths, backslashes and control characters are not allowed`, {
      ArgumentName: 'key',
    });
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The file for `key` under the bucket folder `root` (a checked key: never outside `root`). */
export function objectFile(root: string, key: string): string {
  checkKey(key);
  return path.join(root, ...key.split('/'));
}

/**
 * Refuses a write whose folder resolves (through symlinks) outside the bucket folder; call it
 * after the folder exists.
 */
export async function assertInsideBucket(root: string, file: string): Promise<void> {
  const [rootReal, dirReal] = await Promise.all([realpath(root), realpath(path.dirname(file))]);
  if (!isInside(rootReal, dirReal)) throw new S3Error('InvalidArgument', 'The key resolves outside the bucket folder', { ArgumentName: 'key' });
}

/** True when `file` (an existing path) resolves inside the bucket folder. */
export async function resolvesInsideBucket(root: string, file: string): Promise<boolean> {
  try {
    const [rootReal, fileReal] = await Promise.all([realpath(root), realpath(file)]);
    return isInside(rootReal, fileReal);
  } catch {
    return false;
  }
}
