/**
 * A KeyValueStore whose storage is a file in CloudFront's KVS import format
 * (`{"data":[{"key":…,"value":…}]}`), the very file the local CloudFront Function reads
 * (emulator/cloudfront/kvs-file.ts). Every read parses the file (checked as kvsFromImportFormat checks
 * it); every change is written whole to a partial file beside it and renamed over it, with a
 * modification time later than the old file's, so kvsFromFile sees the change on its next
 * lookup. The ETag is derived from the file's bytes: an edit by hand is a new version too.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { kvsFromImportFormat } from '../cloudfront/kvs-import-format.ts';
import { commitFile, partialFileFor, writeFileAtomic } from '../s3/atomic-file.ts';
import { KeyedMutex } from '../s3/keyed-mutex.ts';
import { checkStoreSize, KvsApiError } from './quotas.ts';

export interface StoreVersion {
  readonly items: ReadonlyMap<string, string>;
  readonly etag: string;
  readonly lastModified: Date;
  /** The file's mtime, unrounded. */
  readonly mtimeMs: number;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `KV` and 13 base-32 characters of the content's SHA-256 (the shape of KVS ETags). */
export function etagOf(content: string): string {
  const digest = createHash('sha256').update(content).digest();
  let out = 'KV';
  for (let i = 0; i < 13; i++) out += BASE32[(digest[i] as number) % 32];
  return out;
}

export function serialize(items: ReadonlyMap<string, string>): string {
  const data = [...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }));
  return `${JSON.stringify({ data }, null, 2)}\n`;
}

export class KvsFileStore {
  private readonly lock = new KeyedMutex();

  constructor(readonly file: string) {}

  /** Creates the file, empty, when it does not exist yet. */
  async ensure(): Promise<void> {
    const exists = await stat(this.file).then(() => true, () => false);
    if (!exists) await writeFileAtomic(this.file, serialize(new Map()));
  }

  async read(): Promise<StoreVersion> {
    let content: string;
    let modified: { mtime: Date; mtimeMs: number };
    try {
      [content, modified] = await Promise.all([readFile(this.file, 'utf8'), stat(this.file)]);
    } catch (error) {
      throw new KvsApiError('InternalServerException', 500, `The key value store file ${this.file} cannot be read: ${(error as Error).message}`);
    }
    let data: { key: string; value: string }[];
    try {
      kvsFromImportFormat(content);
      data = (JSON.parse(content) as { data: { key: string; value: string }[] }).data;
    } catch (error) {
      throw new KvsApiError('InternalServerException', 500, `The key value store file ${this.file} is not in the KVS import format: ${(error as Error).message}`);
    }
    return { items: new Map(data.map((d) => [d.key, d.value])), etag: etagOf(content), lastModified: modified.mtime, mtimeMs: modified.mtimeMs };
  }

  /**
   * Applies `change` to the current items when `ifMatch` is the current ETag (else 409
   * ConflictException), checks the store size and writes the result.
   */
  async update(ifMatch: string | undefined, change: (items: Map<string, string>) => void): Promise<StoreVersion> {
    if (!ifMatch) throw new KvsApiError('ValidationException', 400, 'The If-Match header (the ETag from DescribeKeyValueStore) is required');
    return this.lock.run(this.file, async () => {
      const current = await this.read();
      if (current.etag !== ifMatch) {
        throw new KvsApiError('ConflictException', 409, `The key value store has changed: its ETag is ${current.etag}, not ${ifMatch}`);
      }
      const items = new Map(current.items);
      change(items);
      checkStoreSize(items);
      const content = serialize(items);
      await this.write(content, current.mtimeMs);
      const written = await stat(this.file);
      return { items, etag: etagOf(content), lastModified: written.mtime, mtimeMs: written.mtimeMs };
    });
  }

  private async write(content: string, previousMtimeMs: number): Promise<void> {
    const partial = await partialFileFor(this.file);
    try {
      await writeFile(partial, content);
      const written = await stat(partial);
      // A reader keyed on mtime (kvsFromFile) must see a new time even within one clock tick.
      if (written.mtimeMs <= previousMtimeMs) await utimes(partial, written.atime, new Date(Math.floor(previousMtimeMs) + 1));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    await commitFile(partial, this.file);
  }
}
