/**
 * Multipart uploads (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload), staged under `<metadataRoot>/.multipart/<uploadId>/` (a name no bucket
 * can have): the upload's record and one file per part. Completing checks the part list as S3
 * does (ascending part numbers, every part uploaded with that ETag, every part but the last at
 * least 5 MiB), joins the parts into one partial file beside the object and gives it S3's
 * multipart ETag: the MD5 of the parts' binary MD5s, `-<number of parts>`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { commitFile, partialFileFor, writeFileAtomic } from './atomic-file.ts';
import type { ContentHeaders } from './object-metadata.ts';
import type { IncomingMessage } from 'node:http';
import { receiveBody, type StoredChecksum } from './request-body.ts';
import { S3Error } from './s3-errors.ts';
import type { CompletedPart } from './xml.ts';

/** S3's multipart limits: parts 1-10,000; 5 MiB minimum (but the last), 5 GiB maximum per part. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

export interface Upload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: string;
  readonly headers: ContentHeaders;
  readonly checksumAlgorithm?: string;
}

interface PartRecord {
  readonly etag: string;
  readonly size: number;
  readonly checksum?: StoredChecksum;
}

export class MultipartUploads {
  constructor(private readonly dir: string) {}

  private folder(uploadId: string): string {
    return path.join(this.dir, uploadId);
  }

  async create(bucket: string, key: string, headers: ContentHeaders, checksumAlgorithm?: string): Promise<Upload> {
    const upload: Upload = {
      uploadId: randomBytes(36).toString('base64url'),
      bucket,
      key,
      initiated: new Date().toISOString(),
      headers,
      ...(checksumAlgorithm ? { checksumAlgorithm } : {}),
    };
    await mkdir(this.folder(upload.uploadId), { recursive: true });
    await writeFileAtomic(path.join(this.folder(upload.uploadId), 'upload.json'), JSON.stringify(upload));
    return upload;
  }

  /** The upload `uploadId` of `bucket`/`key`, or NoSuchUpload. */
  async get(uploadId: string, bucket: string, key: string): Promise<Upload> {
    const missing = new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(uploadId)) throw missing;
    const text = await readFile(path.join(this.folder(uploadId), 'upload.json'), 'utf8').catch(() => undefined);
    const upload = text ? (JSON.parse(text) as Upload) : undefined;
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw missing;
    return upload;
  }

  private partFile(upload: Upload, partNumber: number): string {
    return path.join(this.folder(upload.uploadId), `part-${String(partNumber).padStart(5, '0')}`);
  }

  async putPart(upload: Upload, partNumber: number, req: IncomingMessage): Promise<PartRecord> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, { ArgumentName: 'partNumber' });
    }
    const file = this.partFile(upload, partNumber);
    const partial = await partialFileFor(file);
    const body = await receiveBody(req, partial, MAX_PART_BYTES);
    const record: PartRecord = { etag: body.md5Hex, size: body.size, ...(body.checksum ? { checksum: body.checksum } : {}) };
    await commitFile(partial, file);
    await writeFileAtomic(`${file}.json`, JSON.stringify(record));
    return record;
  }

  /** Joins the listed parts into `target` (a partial file); the object's size, ETag and part count. */
  async assemble(upload: Upload, parts: readonly CompletedPart[], target: string): Promise<{ size: number; etag: string; partsCount: number }> {
    const records: { file: string; record: PartRecord; part: CompletedPart }[] = [];
    let previous = 0;
    for (const part of parts) {
      if (part.partNumber <= previous) throw new S3Error('InvalidPartOrder', undefined, { UploadId: upload.uploadId });
      previous = part.partNumber;
      const file = this.partFile(upload, part.partNumber);
      const text = await readFile(`${file}.json`, 'utf8').catch(() => undefined);
      const record = text ? (JSON.parse(text) as PartRecord) : undefined;
      if (!record || record.etag !== part.etag.toLowerCase()) {
        throw new S3Error('InvalidPart', undefined, { UploadId: upload.uploadId, PartNumber: String(part.partNumber), ETag: part.etag });
      }
      records.push({ file, record, part });
    }
    records.slice(0, -1).forEach(({ record, part }) => {
      if (record.size < MIN_PART_BYTES) {
        throw new S3Error('EntityTooSmall', undefined, { ProposedSize: String(record.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(part.partNumber), ETag: part.etag });
      }
    });
    const out = createWriteStream(target);
    try {
      for (const { file } of records) await pipeline(createReadStream(file), out, { end: false });
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } catch (error) {
      out.destroy();
      await rm(target, { force: true });
      throw error;
    }
    const digests = Buffer.concat(records.map(({ record }) => Buffer.from(record.etag, 'hex')));
    return {
      size: records.reduce((sum, { record }) => sum + record.size, 0),
      etag: `${createHash('md5').update(digests).digest('hex')}-${records.length}`,
      partsCount: records.length,
    };
  }

  async remove(upload: Upload): Promise<void> {
    await rm(this.folder(upload.uploadId), { recursive: true, force: true });
  }
}
