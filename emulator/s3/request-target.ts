/**
 * Which bucket and key a request names. Path style (`/<bucket>/<key>`) is what the SDK sends to
 * an IP endpoint such as http://127.0.0.1:<port> (or with `forcePathStyle`); virtual-hosted
 * style (`<bucket>.<endpoint host>/<key>`) is what it sends to a host-name endpoint, and is
 * recognised when the Host starts with a bucket this stand-in has. The raw path is decoded
 * once and never normalised: `/b/../k` names the key `../k` (refused), not `/k`.
 */
import { isIP } from 'node:net';
import { S3Error } from './s3-errors.ts';

export interface RequestTarget {
  readonly bucket?: string;
  /** Undefined for a bucket-level request. */
  readonly key?: string;
  readonly query: URLSearchParams;
  readonly style: 'path' | 'virtual';
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

function hostName(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.replace(/:\d+$/, '').toLowerCase();
}

export function requestTarget(rawUrl: string, host: string | undefined, buckets: readonly string[]): RequestTarget {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI');
  const name = hostName(host);
  const virtual = isIP(name) === 0 ? buckets.find((b) => name.startsWith(`${b}.`)) : undefined;
  if (virtual !== undefined) {
    const key = decode(rawPath.slice(1));
    return { bucket: virtual, ...(key !== '' ? { key } : {}), query, style: 'virtual' };
  }
  const rest = rawPath.slice(1);
  if (rest === '') return { query, style: 'path' };
  const slash = rest.indexOf('/');
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash));
  const key = slash < 0 ? '' : decode(rest.slice(slash + 1));
  return { bucket, ...(key !== '' ? { key } : {}), query, style: 'path' };
}
