import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '../local/data-paths.ts';

/** The local data folder: LECTERN_DATA, default `.lectern` in the current directory. */
export function dataDirFromEnv(): string {
  return resolve(process.env['LECTERN_DATA'] ?? DEFAULT_DATA_DIR);
}

/** PORT, default 8787; a clear error for anything that is not a port. */
export function portFromEnv(fallback: number): number {
  const raw = process.env['PORT'];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, not ${JSON.stringify(raw)}`);
  return port;
}
