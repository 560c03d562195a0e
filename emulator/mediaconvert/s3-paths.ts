/**
 * `s3://bucket/key` URLs and where they live on this machine. The stand-in maps a bucket to a
 * folder through the injected `bucketRoot`, and a key to `join(root, key)`. Only keys that are
 * plain relative paths are mapped: S3 allows `..`, `.` or empty segments and a leading `/` in
 * keys, but joined onto a folder they would escape it or collide, so the stand-in refuses them
 * (AWS documents nothing about this; refusing is the closed choice).
 */
import { isAbsolute, join, posix } from 'node:path';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/key` -> {bucket, key}; null when it is not of that form (key may be empty: a prefix). */
export function parseS3Url(url: string): S3Location | null {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** Why a key cannot be mapped onto a folder, or null when it can. */
export function unsafeKeyReason(key: string): string | null {
  if (key.startsWith('/') || isAbsolute(key)) return 'it is absolute';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.includes('\0')) return 'it contains a NUL character';
  const parts = key.split('/');
  // A trailing slash (a prefix) leaves one empty last part; anything else empty is a `//`.
  const inner = key.endsWith('/') ? parts.slice(0, -1) : parts;
  if (inner.some((p) => p === '..' || p === '.')) return 'it has a `.` or `..` segment';
  if (inner.some((p) => p === '')) return 'it has an empty segment';
  return null;
}

/** The local file of an object, or null when the bucket is unknown. Throws on an unsafe key. */
export function localPath(location: S3Location, bucketRoot: (bucket: string) => string | undefined): string | null {
  const why = unsafeKeyReason(location.key);
  if (why) throw new Error(`s3://${location.bucket}/${location.key} cannot be mapped to a file: ${why}`);
  const root = bucketRoot(location.bucket);
  return root === undefined ? null : join(root, ...location.key.split('/'));
}

/** `dir/name.ext` -> `name` (the input file name MediaConvert falls back to). */
export function baseNameWithoutExtension(key: string): string {
  const base = posix.basename(key);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
