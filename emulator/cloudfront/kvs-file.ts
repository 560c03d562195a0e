import { readFileSync, statSync } from 'node:fs';
import { kvsFromImportFormat } from './kvs-import-format.ts';

/**
 * A KeyValueStore read from a file in CloudFront's KVS import format, the same file the
 * pipeline writes. Re-read when the file changes, so a newly published lesson is seen at once.
 */
export function kvsFromFile(path: string): (key: string) => Promise<string | undefined> {
  let loadedAt = -1;
  let lookup: (key: string) => Promise<string | undefined> = async () => undefined;
  return async (key) => {
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
    if (mtime !== loadedAt) {
      lookup = kvsFromImportFormat(readFileSync(path, 'utf8'));
      loadedAt = mtime;
    }
    return lookup(key);
  };
}
