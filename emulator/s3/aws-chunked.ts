/**
 * Decodes an `aws-chunked` request body (SigV4 streaming uploads): chunks of
 * `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`, a zero-size last chunk, then optional trailer
 * lines such as `x-amz-checksum-crc32:…` and an empty line. Chunk signatures are not checked.
 * The payload bytes flow on; the trailers are kept for the caller (`trailers` after `finish`).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-errors.ts';

const MAX_LINE = 8192;

type State = 'header' | 'data' | 'data-end' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  /** Trailer headers, lower-case names (complete once the stream has finished); no prototype, as the names are the client's. */
  readonly trailers: Record<string, string> = Object.create(null);
  private state: State = 'header';
  private line = Buffer.alloc(0);
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === 'done' ? null : new S3Error('IncompleteBody', 'The aws-chunked body ended before its last chunk'));
  }

  private consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - pos);
        this.push(chunk.subarray(pos, pos + take));
        pos += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') throw new S3Error('InvalidRequest', 'Unexpected bytes after the aws-chunked trailer');
      // header, data-end, trailer: line oriented
      const end = chunk.indexOf('\n', pos);
      const piece = chunk.subarray(pos, end < 0 ? chunk.length : end + 1);
      this.line = Buffer.concat([this.line, piece]);
      pos += piece.length;
      if (this.line.length > MAX_LINE) throw new S3Error('InvalidRequest', 'An aws-chunked line is too long');
      if (end < 0) continue;
      const text = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.onLine(text);
    }
  }

  private onLine(text: string): void {
    if (this.state === 'data-end') {
      if (text !== '') throw new S3Error('InvalidRequest', 'An aws-chunked chunk is longer than its declared size');
      this.state = 'header';
      return;
    }
    if (this.state === 'header') {
      const size = /^([0-9a-fA-F]+)(;.*)?$/.exec(text);
      if (!size) throw new S3Error('InvalidRequest', `Malformed aws-chunked chunk header ${JSON.stringify(text.slice(0, 80))}`);
      this.remaining = parseInt(size[1] as string, 16);
      this.state = this.remaining === 0 ? 'trailer' : 'data';
      return;
    }
    // trailer
    if (text === '') {
      this.state = 'done';
      return;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) throw new S3Error('InvalidRequest', `Malformed aws-chunked trailer ${JSON.stringify(text.slice(0, 80))}`);
    this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
  }
}
