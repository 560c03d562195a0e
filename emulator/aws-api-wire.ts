/**
 * The wire pieces every AWS API stand-in shares (MediaConvert's REST-JSON, Transcribe's
 * JSON 1.1): a JSON reply with a request id, the request body, and the SigV4 scope check.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Requests must be SigV4-signed for this region and service. The signature itself is not
 * verified (there are no real keys here); the scope is, so a client configured for another
 * region or service is refused the way AWS refuses it. Returns the refusal, or null.
 */
export function scopeProblem(req: IncomingMessage, region: string, service: string): string | null {
  const m = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers['authorization'] ?? ''));
  if (!m) return 'Missing Authentication Token: requests must be signed with AWS Signature Version 4';
  if (m[1] !== region) return `Credential should be scoped to a valid region: ${m[1]} is not ${region}`;
  if (m[2] !== service) return `Credential should be scoped to correct service: '${service}', not '${m[2]}'`;
  return null;
}
