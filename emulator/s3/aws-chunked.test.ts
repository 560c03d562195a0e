import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from './aws-chunked.ts';

async function decode(pieces: string[]): Promise<{ body: string; trailers: Record<string, string> }> {
  const decoder = new AwsChunkedDecoder();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    decoder.on('data', (c: Buffer) => chunks.push(c));
    decoder.on('end', resolve);
    decoder.on('error', reject);
    Readable.from(pieces.map((p) => Buffer.from(p, 'latin1'))).pipe(decoder);
  });
  return { body: Buffer.concat(chunks).toString('latin1'), trailers: decoder.trailers };
}

describe('the aws-chunked decoder', () => {
  it('keeps the payload and the trailers of an unsigned streaming upload', async () => {
    expect(await decode(['6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n'])).toEqual({ body: 'hello world', trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==' } });
  });

  it('ignores chunk signatures and copes with any split of the bytes', async () => {
    const wire = `4;chunk-signature=${'a'.repeat(64)}\r\nab\r\n\r\n0;chunk-signature=${'b'.repeat(64)}\r\n\r\n`;
    const pieces = wire.split('').map((c) => c);
    expect(await decode(pieces)).toEqual({ body: 'ab\r\n', trailers: {} });
  });

  it('refuses a body that ends before its last chunk, or a chunk longer than declared', async () => {
    await expect(decode(['5\r\nhel'])).rejects.toMatchObject({ code: 'IncompleteBody' });
    await expect(decode(['2\r\nhello\r\n0\r\n\r\n'])).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
});
