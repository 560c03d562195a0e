/**
 * GetObject/HeadObject preconditions, in the order the GetObject reference gives them:
 * If-Match (412 when no tag matches) before If-Unmodified-Since, If-None-Match (304 when a tag
 * matches) before If-Modified-Since; a true If-Match outranks a false If-Unmodified-Since, a
 * false If-None-Match outranks a true If-Modified-Since.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Precondition = 'proceed' | 'precondition-failed' | 'not-modified';

function tagMatches(header: string, etag: string): boolean {
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

function date(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const time = Date.parse(header);
  return Number.isNaN(time) ? undefined : time;
}

/** `etag` quoted, as in the ETag header. */
export function evaluatePreconditions(headers: IncomingHttpHeaders, etag: string, lastModified: Date): Precondition {
  const modified = Math.floor(lastModified.getTime() / 1000) * 1000;
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!tagMatches(ifMatch, etag)) return 'precondition-failed';
  } else {
    const since = date(headers['if-unmodified-since']);
    if (since !== undefined && modified > since) return 'precondition-failed';
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (tagMatches(ifNoneMatch, etag)) return 'not-modified';
  } else {
    const since = date(headers['if-modified-since']);
    if (since !== undefined && modified <= since) return 'not-modified';
  }
  return 'proceed';
}
