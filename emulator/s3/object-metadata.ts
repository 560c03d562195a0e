/**
 * What S3 keeps about an object besides its bytes (content headers, user metadata, ETag,
 * checksum, time), kept here in a sidecar JSON file, `<metadataRoot>/<bucket>/<key>.json`,
 * written atomically. The sidecar records the file it describes (size, mtime, inode): a file
 * replaced behind the stand-in's back (MediaConvert's outputs, `lectern encode`) no longer
 * matches, and the object is then described from the file alone, as origin.ts serves it.
 */
import { readFile, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { checkKey } from './object-keys.ts';
import type { StoredChecksum } from './request-body.ts';
import { S3Error } from './s3-errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { checksumHeader } from './checksums.ts';

/** Content headers S3 stores and returns (Content-Type aside). */
export interface ContentHeaders {
  readonly contentType?: string;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  readonly contentLanguage?: string;
  readonly expires?: string;
  /** User metadata (`x-amz-meta-*`), lower-case names without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

export interface ObjectMetadata extends ContentHeaders {
  readonly contentType: string;
  /** Without quotes: the MD5 hex of the bytes, or `<hex>-<parts>` after a multipart upload. */
  readonly etag: string;
  readonly size: number;
  /** ISO time, whole seconds (S3's Last-Modified resolution). */
  readonly lastModified: string;
  readonly checksum?: StoredChecksum;
  readonly partsCount?: number;
  /** The file this sidecar describes. */
  readonly file: FileIdentity;
}

/** S3's default Content-Type for an object uploaded without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** "The user-defined metadata is limited to 2 KB": UTF-8 bytes of every name and value. */
const MAX_USER_METADATA_BYTES = 2048;

const CONTENT_HEADERS = [
  ['contentType', 'content-type'],
  ['cacheControl', 'cache-control'],
  ['contentDisposition', 'content-disposition'],
  ['contentEncoding', 'content-encoding'],
  ['contentLanguage', 'content-language'],
  ['expires', 'expires'],
] as const;

export function sidecarFile(metadataRoot: string, bucket: string, key: string): string {
  checkKey(key);
  return `${path.join(metadataRoot, bucket, ...key.split('/'))}.json`;
}

/**
 * The sidecar of `bucket`/`key`, or undefined (none, unreadable, or a key this stand-in never
 * stores). Whether it still describes the object's file is not checked here: compare its
 * `file` (size, mtimeMs, ino) with the file's stat.
 */
export async function readObjectMetadata(metadataRoot: string, bucket: string, key: string): Promise<ObjectMetadata | undefined> {
  let text: string;
  try {
    text = await readFile(sidecarFile(metadataRoot, bucket, key), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as ObjectMetadata;
    return typeof parsed?.etag === 'string' && typeof parsed.file?.ino === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function writeObjectMetadata(metadataRoot: string, bucket: string, key: string, metadata: ObjectMetadata): Promise<void> {
  await writeFileAtomic(sidecarFile(metadataRoot, bucket, key), `${JSON.stringify(metadata, null, 2)}\n`);
}

export async function removeObjectMetadata(metadataRoot: string, bucket: string, key: string): Promise<void> {
  await rm(sidecarFile(metadataRoot, bucket, key), { force: true });
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The content headers and user metadata of a PutObject/CreateMultipartUpload/CopyObject(REPLACE). */
export function contentHeadersOf(headers: IncomingHttpHeaders): ContentHeaders {
  const out: Record<string, string> = {};
  for (const [field, name] of CONTENT_HEADERS) {
    let value = single(headers, name);
    // aws-chunked is how the body was sent, not how it is stored.
    if (name === 'content-encoding' && value !== undefined) value = value.split(',').map((v) => v.trim()).filter((v) => v && v !== 'aws-chunked').join(', ');
    if (value) out[field] = value;
  }
  // Keyed by the client's x-amz-meta-* names: no prototype, so x-amz-meta-__proto__ is stored like any other.
  const metadata: Record<string, string> = Object.create(null);
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const metaName = name.slice('x-amz-meta-'.length);
    const text = Array.isArray(value) ? value.join(',') : value;
    metadata[metaName] = text;
    bytes += Buffer.byteLength(metaName) + Buffer.byteLength(text);
  }
  if (bytes > MAX_USER_METADATA_BYTES) throw new S3Error('MetadataTooLarge', undefined, { Size: String(bytes), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) });
  return { ...out, metadata };
}

/** Response headers describing the object (GetObject, HeadObject). */
export function objectHeaders(m: ObjectMetadata, options: { checksumMode: boolean }): Record<string, string> {
  const out: Record<string, string> = {
    'content-type': m.contentType,
    etag: `"${m.etag}"`,
    'last-modified': new Date(m.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    // S3 encrypts every new object at rest with SSE-S3 since January 2023, and says so.
    'x-amz-server-side-encryption': 'AES256',
  };
  for (const [field, name] of CONTENT_HEADERS) {
    const value = m[field];
    if (field !== 'contentType' && value) out[name] = value;
  }
  for (const [name, value] of Object.entries(m.metadata)) out[`x-amz-meta-${name}`] = value;
  if (options.checksumMode && m.checksum) {
    out[checksumHeader(m.checksum.algorithm)] = m.checksum.value;
    out['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  return out;
}
