/**
 * Which S3 operation a request is: the method, whether it names a key, and its subresource
 * query parameters, as the S3 API reference routes them. Anything else this stand-in does not
 * implement (ACLs, tagging, versions, ListObjects v1, ...) is 501 NotImplemented rather than
 * a quiet misreading (a `PUT ?tagging` is not a PutObject).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './s3-errors.ts';

export type Operation =
  | 'ListObjectsV2'
  | 'HeadBucket'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload';

/** Parameters that never change the operation. */
const NEUTRAL = new Set(['x-id', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token']);
const GET_OVERRIDES = ['response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];
const LIST_V2 = ['list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner'];

function only(query: URLSearchParams, allowed: readonly string[], operation: Operation): Operation {
  for (const name of query.keys()) {
    if (!NEUTRAL.has(name) && !allowed.includes(name)) throw new S3Error('NotImplemented', `This stand-in does not implement the ${JSON.stringify(name)} parameter here`);
  }
  return operation;
}

export function operationOf(method: string, hasKey: boolean, query: URLSearchParams, headers: IncomingHttpHeaders): Operation {
  if (!hasKey) {
    if (method === 'HEAD') return only(query, [], 'HeadBucket');
    if (method === 'GET' && query.get('list-type') === '2') return only(query, LIST_V2, 'ListObjectsV2');
    if (method === 'GET' && [...query.keys()].every((k) => NEUTRAL.has(k))) throw new S3Error('NotImplemented', 'ListObjects (v1) is not implemented here; use ListObjectsV2');
    throw new S3Error('NotImplemented', `This stand-in does not implement ${method} on a bucket with these parameters`);
  }
  switch (method) {
    case 'GET':
      return only(query, [...GET_OVERRIDES, 'versionId'], 'GetObject');
    case 'HEAD':
      return only(query, ['versionId'], 'HeadObject');
    case 'DELETE':
      return query.has('uploadId') ? only(query, ['uploadId'], 'AbortMultipartUpload') : only(query, ['versionId'], 'DeleteObject');
    case 'POST':
      if (query.has('uploads')) return only(query, ['uploads'], 'CreateMultipartUpload');
      if (query.has('uploadId')) return only(query, ['uploadId'], 'CompleteMultipartUpload');
      throw new S3Error('NotImplemented', 'This stand-in does not implement POST on an object with these parameters');
    case 'PUT':
      if (query.has('partNumber') || query.has('uploadId')) {
        if (headers['x-amz-copy-source'] !== undefined) throw new S3Error('NotImplemented', 'UploadPartCopy is not implemented here');
        return only(query, ['partNumber', 'uploadId'], 'UploadPart');
      }
      return only(query, [], headers['x-amz-copy-source'] !== undefined ? 'CopyObject' : 'PutObject');
    default:
      throw new S3Error('MethodNotAllowed', undefined, { Method: method, ResourceType: 'OBJECT' });
  }
}
