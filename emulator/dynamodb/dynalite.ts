import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { Level } from 'level';

export interface LocalDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The data folder's DynamoDB files are open in another process (LevelDB allows one). */
export class DataFolderBusyError extends Error {
  override name = 'DataFolderBusyError';
}

/**
 * LevelDB (dynalite's store) is single-process: a second dynalite on the same folder starts,
 * then fails on its first request with an error it cannot report. So the lock is probed first,
 * by opening the store and closing it again; a held lock becomes a clear error.
 */
export async function assertDynamoFolderFree(path: string): Promise<void> {
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const detail = String((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    if (/lock/i.test(detail)) {
      throw new DataFolderBusyError(`the DynamoDB data in ${path} is in use by another process (a running \`npm start\` or another lectern command)`);
    }
    throw error;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/**
 * dynalite speaks the real DynamoDB API, so the same @aws-sdk/client-dynamodb code runs here
 * and on AWS. With a path it persists (LevelDB) in the data folder; without, it is in memory.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  if (options.path) await assertDynamoFolderFree(options.path);
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  // LevelDB opens in the background: one request waits for it, so the folder is held (and a
  // second command sees it busy) by the time this resolves. Under load the open came late.
  if (options.path) await listTables(endpoint);
  return {
    endpoint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function listTables(endpoint: string): Promise<void> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      // dynalite checks that a request is signed, not the signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20260101T000000Z',
    },
    body: '{"Limit":1}',
  });
  if (!res.ok) throw new Error(`local DynamoDB did not answer: ${res.status} ${await res.text()}`);
}
