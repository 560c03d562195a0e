/**
 * Receives an upload body (PutObject, UploadPart) into a file, checking it the way S3 does:
 * the declared length (Content-Length, or x-amz-decoded-content-length for aws-chunked),
 * Content-MD5, a hex x-amz-content-sha256, and the `x-amz-checksum-<algorithm>` value from a
 * header or an aws-chunked trailer. Any mismatch is S3's error (BadDigest, IncompleteBody, ...)
 * and the file is removed.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder } from './aws-chunked.ts';
import { algorithmOfHeader, checksumHeader, createChecksum, isVerifiedAlgorithm, type Checksum, type ChecksumAlgorithm } from './checksums.ts';
import { S3Error } from './s3-errors.ts';

export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** base64 */
  readonly value: string;
}

export interface ReceivedBody {
  readonly size: number;
  readonly md5Hex: string;
  readonly checksum?: StoredChecksum;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The checksum algorithm the request names: SDK header, trailer announcement, or a value header. */
function requestedAlgorithm(req: IncomingMessage): string | undefined {
  const sdk = header(req, 'x-amz-sdk-checksum-algorithm');
  if (sdk) return sdk.toLowerCase();
  const trailer = header(req, 'x-amz-trailer');
  const fromTrailer = trailer ? algorithmOfHeader(trailer.trim()) : undefined;
  if (fromTrailer) return fromTrailer;
  return Object.keys(req.headers).map(algorithmOfHeader).find((a) => a !== undefined);
}

function declaredLength(req: IncomingMessage, chunked: boolean): number | undefined {
  const raw = chunked ? header(req, 'x-amz-decoded-content-length') : header(req, 'content-length');
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', `Invalid length ${JSON.stringify(raw)}`);
  return Number(raw);
}

export async function receiveBody(req: IncomingMessage, file: string, maxBytes: number): Promise<ReceivedBody> {
  const sha256Header = header(req, 'x-amz-content-sha256');
  const chunked = /aws-chunked/i.test(header(req, 'content-encoding') ?? '') || (sha256Header ?? '').startsWith('STREAMING-');
  const declared = declaredLength(req, chunked);
  if (declared === undefined && !chunked) throw new S3Error('MissingContentLength');
  if (declared !== undefined && declared > maxBytes) throw new S3Error('EntityTooLarge', undefined, { ProposedSize: String(declared), MaxSizeAllowed: String(maxBytes) });

  const algorithm = requestedAlgorithm(req);
  const checksum: Checksum | undefined = algorithm && isVerifiedAlgorithm(algorithm) ? createChecksum(algorithm) : undefined;
  const md5 = createHash('md5');
  const sha256: Hash | undefined = sha256Header && /^[0-9a-f]{64}$/i.test(sha256Header) ? createHash('sha256') : undefined;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(new S3Error('EntityTooLarge'));
      md5.update(chunk);
      sha256?.update(chunk);
      checksum?.update(chunk);
      callback(null, chunk);
    },
  });
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  try {
    // The request is piped in rather than made part of the pipeline, so an error here leaves
    // the socket open for the error response (the rest of the body is drained).
    const head = decoder ?? meter;
    const done = pipeline([...(decoder ? [decoder] : []), meter, createWriteStream(file)]);
    const cut = () => {
      if (!req.complete) head.destroy(new S3Error('IncompleteBody'));
    };
    req.once('close', cut);
    req.once('error', cut);
    req.pipe(head);
    try {
      await done;
    } catch (error) {
      req.unpipe(head);
      req.resume();
      throw error instanceof S3Error ? error : new S3Error('IncompleteBody');
    } finally {
      req.off('close', cut);
      req.off('error', cut);
    }
    if (declared !== undefined && size !== declared) throw new S3Error('IncompleteBody');

    const md5Bytes = md5.digest();
    const contentMd5 = header(req, 'content-md5');
    if (contentMd5 !== undefined) {
      if (Buffer.from(contentMd5, 'base64').length !== 16) throw new S3Error('InvalidDigest', undefined, { 'Content-MD5': contentMd5 });
      if (Buffer.from(contentMd5, 'base64').compare(md5Bytes) !== 0) throw new S3Error('BadDigest', undefined, { ExpectedDigest: contentMd5 });
    }
    if (sha256 && sha256.digest('hex') !== sha256Header?.toLowerCase()) {
      throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: sha256Header ?? '' });
    }
    let stored: StoredChecksum | undefined;
    if (checksum && algorithm && isVerifiedAlgorithm(algorithm)) {
      const value = checksum.digest();
      const expected = header(req, checksumHeader(algorithm)) ?? decoder?.trailers[checksumHeader(algorithm)];
      if (expected !== undefined && expected !== value) {
        throw new S3Error('BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
      }
      stored = { algorithm, value };
    }
    return { size, md5Hex: md5Bytes.toString('hex'), ...(stored ? { checksum: stored } : {}) };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
