/**
 * Secrets Manager's JSON 1.1 protocol as `@aws-sdk/client-secrets-manager` speaks it: `POST /`
 * with `X-Amz-Target: secretsmanager.<Operation>` and an `application/x-amz-json-1.1` body.
 * GetSecretValue answers ARN, Name, VersionId, SecretString, VersionStages and CreatedDate
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
 * Errors are JSON `{"__type": <exception>, "message": …}` with the status Secrets Manager uses:
 * 400 for its modeled exceptions (ResourceNotFoundException, InvalidParameterException), and
 * 403 MissingAuthenticationTokenException for a request with no Authorization header (the
 * common errors of https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html).
 * Signatures themselves are not checked.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecretStore } from './secret-store.ts';

class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ApiError('SerializationException', 400, 'The request body is not a JSON object');
}

function getSecretValue(store: SecretStore, input: Record<string, unknown>): Record<string, unknown> {
  const secretId = input['SecretId'];
  if (typeof secretId !== 'string' || secretId.length === 0 || secretId.length > 2048) {
    throw new ApiError('InvalidParameterException', 400, 'Invalid parameter: SecretId must be the name or ARN of a secret');
  }
  const secret = store.find(secretId);
  if (!secret) throw new ApiError('ResourceNotFoundException', 400, "Secrets Manager can't find the specified secret.");
  const versionId = input['VersionId'];
  if (versionId !== undefined && versionId !== secret.versionId) {
    throw new ApiError('ResourceNotFoundException', 400, `Secrets Manager can't find the specified secret value for VersionId: ${String(versionId)}`);
  }
  const stage = input['VersionStage'];
  if (stage !== undefined && !secret.versionStages.includes(String(stage))) {
    throw new ApiError('ResourceNotFoundException', 400, `Secrets Manager can't find the specified secret value for staging label: ${String(stage)}`);
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
    SecretString: secret.secretString,
    VersionStages: [...secret.versionStages],
    CreatedDate: secret.createdDate,
  };
}

export function createSecretsManagerHandler(store: SecretStore, log: (line: string) => void): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage): Promise<{ status: number; body: unknown; operation: string }> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
    if (!req.headers['authorization']) throw new ApiError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/' || !target.startsWith('secretsmanager.')) {
      throw new ApiError('UnknownOperationException', 400, `Unknown operation ${JSON.stringify(target)}`);
    }
    const input = await readJson(req);
    if (operation === 'GetSecretValue') return { status: 200, body: getSecretValue(store, input), operation };
    throw new ApiError('UnknownOperationException', 400, `This stand-in implements GetSecretValue only, not ${operation}`);
  }

  return (req, res) => {
    handle(req)
      .then(
        ({ status, body, operation }) => {
          reply(res, status, body);
          log(`SecretsManager ${operation} ${status}`);
        },
        (caught: unknown) => {
          const error = caught instanceof ApiError ? caught : new ApiError('InternalServiceError', 500, 'An error occurred on the server side.');
          if (!(caught instanceof ApiError)) log(`SecretsManager internal error: ${(caught as Error).stack ?? String(caught)}`);
          if (!req.complete) req.resume();
          reply(res, error.status, { __type: error.type, message: error.message, Message: error.message });
          log(`SecretsManager ${String(req.headers['x-amz-target'] ?? '?')} ${error.status} ${error.type}`);
        },
      );
  };
}
