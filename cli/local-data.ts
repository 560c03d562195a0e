/**
 * The local DynamoDB for CLI commands (encode, migrate, register), whether or not `npm start` runs:
 *
 * - `npm start` running on this data folder: its dynalite holds the LevelDB files (one process
 *   only), so the CLI uses the endpoint it wrote to `<dataDir>/runtime.json`, after checking
 *   that the process is alive and the endpoint answers. Lessons published by the CLI then show
 *   up in the running system at once (it re-reads the next-lesson map file on change).
 * - Nothing running: the CLI starts its own dynalite on `<dataDir>/dynamodb` for the duration
 *   of the command, and creates the tables if this is a fresh folder.
 * - The folder is held but runtime.json names no live endpoint (another CLI command is
 *   running): a clear error instead of a crash.
 */
import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFolderBusyError, startDynalite } from '../emulator/dynamodb/dynalite.ts';
import { dataPaths } from '../local/data-paths.ts';
import { LOCAL_REGION } from '../local/stack-config.ts';
import { dynamoClient } from '../tables/client.ts';
import { ensureTables } from '../tables/ensure-tables.ts';
import { DEFAULT_TABLE_PREFIX } from '../tables/schema.ts';

export interface LocalData {
  readonly dataDir: string;
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  readonly endpoint: string;
  /** `running-system`: the endpoint of `npm start`; `own`: a dynalite this command started. */
  readonly via: 'running-system' | 'own';
  close(): Promise<void>;
}

interface Runtime {
  readonly pid?: number;
  readonly dynamoEndpoint?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

async function runningEndpoint(dataDir: string): Promise<string | null> {
  let runtime: Runtime;
  try {
    runtime = JSON.parse(await readFile(dataPaths(dataDir).runtime, 'utf8')) as Runtime;
  } catch {
    return null;
  }
  if (!runtime.dynamoEndpoint || typeof runtime.pid !== 'number' || !alive(runtime.pid)) return null;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(runtime.dynamoEndpoint)) return null;
  return runtime.dynamoEndpoint;
}

export async function openLocalData(dataDir: string, tablePrefix = DEFAULT_TABLE_PREFIX): Promise<LocalData> {
  // The SDK warns on every CLI run that its 2027 releases will need Node 22; lectern supports
  // Node >= 20.19 (package.json engines), so in the CLI that notice is noise between progress lines.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const endpoint = await runningEndpoint(dataDir);
  if (endpoint) {
    const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint, maxAttempts: 2 });
    if (await answers(dynamo)) {
      return { dataDir, dynamo, tablePrefix, endpoint, via: 'running-system', close: async () => dynamo.destroy() };
    }
    dynamo.destroy();
  }
  let own;
  try {
    own = await startDynalite({ path: join(dataPaths(dataDir).dynamo) });
  } catch (error) {
    if (error instanceof DataFolderBusyError) {
      throw new Error(
        `${error.message}. If \`npm start\` is running with LECTERN_DATA=${dataDir}, restart it (this version writes its DynamoDB endpoint to runtime.json); otherwise wait for the other lectern command to finish.`,
      );
    }
    throw error;
  }
  const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint: own.endpoint });
  try {
    await ensureTables(dynamo, tablePrefix);
  } catch (error) {
    dynamo.destroy();
    await own.close();
    throw error;
  }
  return {
    dataDir,
    dynamo,
    tablePrefix,
    endpoint: own.endpoint,
    via: 'own',
    close: async () => {
      dynamo.destroy();
      await own.close();
    },
  };
}
