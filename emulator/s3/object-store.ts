/**
 * Buckets as folders: an object is the plain file `<folder>/<key>` (what the local CloudFront
 * origin serves), its metadata a sidecar (object-metadata.ts). New bytes are received into a
 * partial file beside the object and renamed over it, with the sidecar, under a per-object
 * lock, so neither another request here nor a reader of the folder sees half an object.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readFile, rename, rm, rmdir, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { contentTypeFor } from '../../edge/media-types.ts';
import { partialFileFor, writeFileAtomic } from './atomic-file.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { assertInsideBucket, objectFile, resolvesInsideBucket } from './object-keys.ts';
import { readObjectMetadata, removeObjectMetadata, sameFile, sidecarFile, writeObjectMetadata, type FileIdentity, type ObjectMetadata } from './object-metadata.ts';
import { receiveBody, type ReceivedBody } from './request-body.ts';
import { S3Error } from './s3-errors.ts';

export interface OpenedObject {
  readonly handle: FileHandle;
  readonly metadata: ObjectMetadata;
}

/** What a commit stores; size, time and file identity are taken from the file itself. */
export type NewObject = Omit<ObjectMetadata, 'file' | 'lastModified' | 'size'>;

const CONFLICT = new Set(['EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY']);

/** File system refusals that S3 would not have (a key that is also a "folder" of other keys). */
function storageConflict(error: unknown, key: string): never {
  if (error instanceof S3Error) throw error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (CONFLICT.has(code)) {
    throw new S3Error('InvalidArgument', `This stand-in keeps objects as files: ${JSON.stringify(key)} conflicts with another object's path (${code})`, { ArgumentName: 'key' });
  }
  throw error;
}

function identityOf(stat: Stats): FileIdentity {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
}

function wholeSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}

export class ObjectStore {
  private readonly locks = new KeyedMutex();
  private readonly computedEtags = new Map<string, FileIdentity & { etag: string }>();

  constructor(
    private readonly buckets: Readonly<Record<string, string>>,
    readonly metadataRoot: string,
  ) {}

  bucketNames(): string[] {
    return Object.keys(this.buckets);
  }

  /** The bucket's folder; NoSuchBucket for a bucket the stack does not have. */
  root(bucket: string): string {
    const folder = Object.hasOwn(this.buckets, bucket) ? this.buckets[bucket] : undefined;
    if (folder === undefined) throw new S3Error('NoSuchBucket', undefined, { BucketName: bucket });
    return folder;
  }

  /** A partial file beside the object file of `bucket`/`key` (inside the bucket folder, checked). */
  async partialFor(bucket: string, key: string): Promise<string> {
    const root = this.root(bucket);
    const file = objectFile(root, key);
    try {
      const partial = await partialFileFor(file);
      await assertInsideBucket(root, partial);
      return partial;
    } catch (error) {
      storageConflict(error, key);
    }
  }

  /** Receives an upload body for `bucket`/`key` into a partial file (not yet the object). */
  async receive(bucket: string, key: string, req: IncomingMessage, maxBytes: number): Promise<{ partial: string; body: ReceivedBody }> {
    const partial = await this.partialFor(bucket, key);
    return { partial, body: await receiveBody(req, partial, maxBytes) };
  }

  /**
   * Makes a finished partial file the object, sidecar first (restored if the rename fails).
   * `ifNoneMatch: '*'` refuses to replace an existing object (PreconditionFailed).
   */
  async commit(bucket: string, key: string, partial: string, object: NewObject, options: { ifNoneMatch?: string } = {}): Promise<ObjectMetadata> {
    const root = this.root(bucket);
    const file = objectFile(root, key);
    return this.locks.run(`${bucket}\n${key}`, async () => {
      try {
        if (options.ifNoneMatch?.trim() === '*' && (await lstat(file).then((s) => s.isFile(), () => false))) {
          throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
        }
        const handle = await open(partial, 'r');
        const stat = await handle.stat().finally(() => handle.close());
        const metadata: ObjectMetadata = { ...object, size: stat.size, lastModified: wholeSeconds(new Date()), file: identityOf(stat) };
        const sidecar = sidecarFile(this.metadataRoot, bucket, key);
        const previous = await readFile(sidecar).catch(() => undefined);
        await writeObjectMetadata(this.metadataRoot, bucket, key, metadata);
        try {
          await this.replace(partial, file);
        } catch (error) {
          await (previous ? writeFileAtomic(sidecar, previous) : rm(sidecar, { force: true })).catch(() => undefined);
          throw error;
        }
        return metadata;
      } catch (error) {
        await rm(partial, { force: true });
        storageConflict(error, key);
      }
    });
  }

  /**
   * Renames the partial file over the object file. An empty folder in the way (left by objects
   * under it that were deleted) is removed first; a folder with objects in it is a conflict.
   */
  private async replace(partial: string, file: string): Promise<void> {
    const inTheWay = await lstat(file).then((s) => s.isDirectory(), () => false);
    if (inTheWay) await rmdir(file);
    await rename(partial, file);
  }

  /** Opens `bucket`/`key` for reading (NoSuchKey when there is no such file). Close the handle. */
  async open(bucket: string, key: string): Promise<OpenedObject> {
    const root = this.root(bucket);
    const file = objectFile(root, key);
    return this.locks.run(`${bucket}\n${key}`, async () => {
      const noSuchKey = new S3Error('NoSuchKey', undefined, { Key: key });
      if (!(await resolvesInsideBucket(root, file))) throw noSuchKey;
      const handle = await open(file, 'r').catch(() => {
        throw noSuchKey;
      });
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw noSuchKey;
        return { handle, metadata: await this.describe(bucket, key, file, stat, handle) };
      } catch (error) {
        await handle.close();
        throw error;
      }
    });
  }

  /** The object's metadata: its sidecar when it still describes the file, else derived from the file. */
  async describe(bucket: string, key: string, file: string, stat: Stats, handle?: FileHandle): Promise<ObjectMetadata> {
    const identity = identityOf(stat);
    const sidecar = await readObjectMetadata(this.metadataRoot, bucket, key);
    if (sidecar && sameFile(sidecar.file, identity)) return sidecar;
    return {
      contentType: contentTypeFor(key),
      metadata: {},
      etag: await this.md5Of(file, identity, handle),
      size: stat.size,
      lastModified: wholeSeconds(stat.mtime),
      file: identity,
    };
  }

  private async md5Of(file: string, identity: FileIdentity, handle?: FileHandle): Promise<string> {
    const cached = this.computedEtags.get(file);
    if (cached && sameFile(cached, identity)) return cached.etag;
    const hash = createHash('md5');
    const reader = handle ?? (await open(file, 'r'));
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      for (let position = 0; ; ) {
        const { bytesRead } = await reader.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        hash.update(chunk.subarray(0, bytesRead));
        position += bytesRead;
      }
    } finally {
      if (!handle) await reader.close();
    }
    const etag = hash.digest('hex');
    this.computedEtags.set(file, { ...identity, etag });
    return etag;
  }

  /** Removes the object and its sidecar; a missing object is not an error (S3 answers 204). */
  async delete(bucket: string, key: string): Promise<void> {
    const root = this.root(bucket);
    const file = objectFile(root, key);
    await this.locks.run(`${bucket}\n${key}`, async () => {
      const stat = await lstat(file).catch(() => undefined);
      if (stat && (stat.isFile() || stat.isSymbolicLink())) await rm(file, { force: true });
      await removeObjectMetadata(this.metadataRoot, bucket, key);
    });
  }
}
