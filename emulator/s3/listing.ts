/**
 * ListObjectsV2 over a bucket folder, as the API reference describes it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): keys in UTF-8
 * binary order, at most `max-keys` (default and ceiling 1,000) entries per page, keys sharing
 * the part up to the next `delimiter` after `prefix` rolled into one CommonPrefix that counts
 * as one entry, `start-after` and an opaque `NextContinuationToken` to go on from.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PARTIAL_FILE_PREFIX, resolvesInsideBucket } from './object-keys.ts';
import { S3Error } from './s3-errors.ts';

export const MAX_KEYS = 1000;

export interface ListedFile {
  readonly key: string;
  readonly file: string;
  readonly stat: Stats;
}

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Every object file under `root` whose key starts with `prefix`, in key order. */
export async function walkBucket(root: string, prefix: string): Promise<ListedFile[]> {
  // Start in the deepest folder the prefix names whole, so a listing of one lesson does not walk the bucket.
  const folders = prefix.split('/').slice(0, -1);
  if (folders.some((f) => f === '' || f === '.' || f === '..' || f.includes('\\'))) return [];
  const out: ListedFile[] = [];
  const visit = async (dir: string, keyPrefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(PARTIAL_FILE_PREFIX)) continue;
      const file = path.join(dir, entry.name);
      const key = keyPrefix + entry.name;
      if (entry.isDirectory()) {
        const folderKey = `${key}/`;
        if (folderKey.startsWith(prefix) || prefix.startsWith(folderKey)) await visit(file, folderKey);
        continue;
      }
      if (!key.startsWith(prefix)) continue;
      if (entry.isSymbolicLink() && !(await resolvesInsideBucket(root, file))) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) out.push({ key, file, stat: info });
    }
  };
  await visit(path.join(root, ...folders), folders.length > 0 ? `${folders.join('/')}/` : '');
  return out.sort((a, b) => compareKeys(a.key, b.key));
}

export interface ListParams {
  readonly prefix: string;
  readonly delimiter?: string;
  readonly maxKeys: number;
  readonly startAfter?: string;
  readonly continuationToken?: string;
}

export interface ListPage<T> {
  readonly contents: readonly T[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextContinuationToken?: string;
}

interface Position {
  /** The last key or common prefix returned. */
  readonly k: string;
  /** It was a common prefix: every key under it was returned too. */
  readonly p: boolean;
}

function encodeToken(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeToken(token: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Position;
    if (typeof parsed.k === 'string' && typeof parsed.p === 'boolean') return parsed;
  } catch {
    // fall through
  }
  throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
}

/** One page of `items` (sorted by compareKeys). */
export function listPage<T extends { readonly key: string }>(items: readonly T[], params: ListParams): ListPage<T> {
  const from: Position | undefined = params.continuationToken !== undefined
    ? decodeToken(params.continuationToken)
    : params.startAfter ? { k: params.startAfter, p: false } : undefined;
  const contents: T[] = [];
  const commonPrefixes: string[] = [];
  let last: Position | undefined;
  let count = 0;
  for (const item of items) {
    if (!item.key.startsWith(params.prefix)) continue;
    if (from && (compareKeys(item.key, from.k) <= 0 || (from.p && item.key.startsWith(from.k)))) continue;
    const rest = item.key.slice(params.prefix.length);
    const cut = params.delimiter ? rest.indexOf(params.delimiter) : -1;
    const rolledInto = cut >= 0 ? params.prefix + rest.slice(0, cut + (params.delimiter as string).length) : undefined;
    if (rolledInto !== undefined && last?.p && last.k === rolledInto) continue;
    if (count >= params.maxKeys) {
      return { contents, commonPrefixes, isTruncated: params.maxKeys > 0, ...(last && params.maxKeys > 0 ? { nextContinuationToken: encodeToken(last) } : {}) };
    }
    if (rolledInto !== undefined) {
      commonPrefixes.push(rolledInto);
      last = { k: rolledInto, p: true };
    } else {
      contents.push(item);
      last = { k: item.key, p: false };
    }
    count++;
  }
  return { contents, commonPrefixes, isTruncated: false };
}
