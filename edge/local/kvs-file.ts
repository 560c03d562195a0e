import { readFileSync, statSync } from 'node:fs';

/**
 * A KeyValueStore read from a file in CloudFront's KVS import format
 * ({"data":[{"key":"...","value":"..."}]}), the same file the pipeline writes and `pulumi up`
 * can upload. Re-read when the file changes, so a newly published lesson is seen at once.
 */
export function kvsFromFile(path: string): (key: string) => Promise<string | undefined> {
  let loadedAt = -1;
  let map = new Map<string, string>();
  return async (key) => {
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
    if (mtime !== loadedAt) {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { data?: { key: string; value: string }[] };
      map = new Map((parsed.data ?? []).map((entry) => [entry.key, entry.value]));
      loadedAt = mtime;
    }
    return map.get(key);
  };
}
