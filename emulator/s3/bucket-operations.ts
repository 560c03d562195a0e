/** HeadBucket and ListObjectsV2 (listing.ts pages the keys; this writes S3's XML). */
import type { ServerResponse } from 'node:http';
import { replyEmpty, replyXml } from './http-replies.ts';
import { listPage, MAX_KEYS, walkBucket } from './listing.ts';
import { encodeEventKey } from './notifications.ts';
import type { ObjectStore } from './object-store.ts';
import { S3Error } from './s3-errors.ts';
import { element, S3_NAMESPACE, XML_DECLARATION } from './xml.ts';

export function headBucket(res: ServerResponse, store: ObjectStore, bucket: string, region: string): void {
  store.root(bucket);
  replyEmpty(res, 200, { 'x-amz-bucket-region': region });
}

function maxKeysOf(query: URLSearchParams): number {
  const raw = query.get('max-keys');
  if (raw === null) return MAX_KEYS;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: raw });
  return Math.min(Number(raw), MAX_KEYS);
}

export async function listObjectsV2(res: ServerResponse, store: ObjectStore, bucket: string, query: URLSearchParams): Promise<void> {
  const root = store.root(bucket);
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type' });
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  const startAfter = query.get('start-after') || undefined;
  const continuationToken = query.get('continuation-token') ?? undefined;
  const maxKeys = maxKeysOf(query);
  const page = listPage(await walkBucket(root, prefix), {
    prefix,
    maxKeys,
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(startAfter !== undefined ? { startAfter } : {}),
    ...(continuationToken !== undefined ? { continuationToken } : {}),
  });
  const text = (value: string) => (encodingType === 'url' ? encodeEventKey(value) : value);
  const contents: string[] = [];
  for (const item of page.contents) {
    const m = await store.describe(bucket, item.key, item.file, item.stat);
    contents.push(
      `<Contents>${element('Key', text(item.key))}${element('LastModified', m.lastModified)}${element('ETag', `"${m.etag}"`)}` +
        `${m.checksum ? element('ChecksumAlgorithm', m.checksum.algorithm.toUpperCase()) + element('ChecksumType', 'FULL_OBJECT') : ''}` +
        `${element('Size', m.size)}${element('StorageClass', 'STANDARD')}</Contents>`,
    );
  }
  const xml =
    `${XML_DECLARATION}<ListBucketResult xmlns="${S3_NAMESPACE}">` +
    `${element('Name', bucket)}${element('Prefix', text(prefix))}` +
    `${continuationToken !== undefined ? element('ContinuationToken', continuationToken) : ''}` +
    `${element('NextContinuationToken', page.nextContinuationToken)}` +
    `${startAfter !== undefined ? element('StartAfter', text(startAfter)) : ''}` +
    `${element('KeyCount', page.contents.length + page.commonPrefixes.length)}${element('MaxKeys', maxKeys)}` +
    `${delimiter !== undefined ? element('Delimiter', text(delimiter)) : ''}` +
    `${encodingType !== null ? element('EncodingType', encodingType) : ''}` +
    `${element('IsTruncated', page.isTruncated)}` +
    contents.join('') +
    page.commonPrefixes.map((p) => `<CommonPrefixes>${element('Prefix', text(p))}</CommonPrefixes>`).join('') +
    '</ListBucketResult>';
  replyXml(res, 200, xml);
}
