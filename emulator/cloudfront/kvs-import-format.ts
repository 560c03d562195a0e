/**
 * Reads CloudFront's KeyValueStore import format into a lookup, for the sandbox's `kvs`
 * option; the format is the file the pipeline writes.
 */
/** The CloudFront KeyValueStore import format: `{"data":[{"key":"…","value":"…"}]}`. */
export function kvsFromImportFormat(source: string | unknown): (key: string) => Promise<string | undefined> {
  const parsed: unknown = typeof source === 'string' ? JSON.parse(source) : source;
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error('key value store file must look like {"data":[{"key":"…","value":"…"}]}');
  const map = new Map<string, string>();
  data.forEach((item: unknown, i: number) => {
    const entry = item as { key?: unknown; value?: unknown } | null;
    if (!entry || typeof entry.key !== 'string' || typeof entry.value !== 'string' || entry.key === '') {
      throw new Error(`key value store entry ${i} must have a non-empty string "key" and a string "value"`);
    }
    if (map.has(entry.key)) throw new Error(`key value store has the key ${JSON.stringify(entry.key)} twice`);
    map.set(entry.key, entry.value);
  });
  return (key: string) => Promise.resolve(map.get(key));
}
