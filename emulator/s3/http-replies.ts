/** Writing S3 responses: request ids on every reply, XML bodies, error documents. */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { errorDocument, type S3Error } from './s3-errors.ts';

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function replyXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': String(body.length) });
  res.end(body);
}

export function replyEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

/** An error reply; HEAD gets the status and no body, as from S3. */
export function replyError(res: ServerResponse, method: string, error: S3Error, resource: string, requestId: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const all = { ...headers, ...error.headers };
  if (method === 'HEAD') return replyEmpty(res, error.status, all);
  replyXml(res, error.status, errorDocument(error, resource, requestId), all);
}
