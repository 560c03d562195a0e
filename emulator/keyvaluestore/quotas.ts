/**
 * CloudFront KeyValueStore limits, as "File format for key-value pairs"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-create-s3-kvp.html)
 * states them: 5 MB for the store's data, 512 characters per key, 1024 per value. They are
 * measured here in UTF-8 bytes (the same for the ASCII keys and values the stack stores; the
 * stricter reading otherwise). A key or value over its limit is a ValidationException; a
 * change that would take the store over 5 MB is a ServiceQuotaExceededException (HTTP 402, as
 * the SDK's model has it). ListKeys pages hold 1-50 items, 10 by default (the ListKeys
 * reference, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_ListKeys.html).
 */
export const MAX_KEY_BYTES = 512;
export const MAX_VALUE_BYTES = 1024;
export const MAX_STORE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_PAGE = 10;
export const MAX_PAGE = 50;

export class KvsApiError extends Error {
  constructor(
    readonly type: 'ValidationException' | 'ConflictException' | 'ResourceNotFoundException' | 'ServiceQuotaExceededException' | 'AccessDeniedException' | 'InternalServerException' | 'MissingAuthenticationTokenException' | 'UnknownOperationException',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new KvsApiError('ValidationException', 400, 'Key must be a non-empty string');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new KvsApiError('ValidationException', 400, `Key is over the ${MAX_KEY_BYTES}-byte key size limit`);
}

export function checkValue(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new KvsApiError('ValidationException', 400, 'Value must be a string');
  if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) throw new KvsApiError('ValidationException', 400, `Value is over the ${MAX_VALUE_BYTES}-byte value size limit`);
}

/** The store's size as TotalSizeInBytes reports it: the bytes of every key and value. */
export function storeBytes(items: ReadonlyMap<string, string>): number {
  let total = 0;
  for (const [key, value] of items) total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  return total;
}

export function checkStoreSize(items: ReadonlyMap<string, string>): void {
  const total = storeBytes(items);
  if (total > MAX_STORE_BYTES) throw new KvsApiError('ServiceQuotaExceededException', 402, `The key value store would hold ${total} bytes, over its ${MAX_STORE_BYTES}-byte (5 MB) limit`);
}
