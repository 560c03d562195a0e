/**
 * MediaConvert's REST API speaks lowerCamel JSON (`role`, `settings`, `outputGroups`), while the
 * SDK's types, the job settings JSON of the console and the docs use PascalCase member names
 * (`Role`, `Settings`, `OutputGroups`). In the service model every member's JSON name is its
 * member name with the first letter lowered, so the conversion is mechanical, except inside
 * maps: the keys of `AudioSelectors` ("Audio Selector 1"), `UserMetadata` or `Tags` are data and
 * pass through unchanged, while the map's structure values are converted.
 */

/** Members whose value is a map with data keys (all of them in the MediaConvert model). */
const MAP_MEMBERS = new Set(['AudioSelectorGroups', 'AudioSelectors', 'CaptionSelectors', 'DynamicAudioSelectors', 'Tags', 'UserMetadata']);

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function convert(value: unknown, rename: (key: string) => string, pascalOf: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename, pascalOf));
  if (value === null || typeof value !== 'object') return value;
  // Keys come from the client's JSON: with no prototype, `__proto__` is a member like any other
  // (on a `{}` it would replace the object's prototype).
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (MAP_MEMBERS.has(pascalOf(key)) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const map: Record<string, unknown> = Object.create(null);
      for (const [mapKey, mapValue] of Object.entries(v as Record<string, unknown>)) map[mapKey] = convert(mapValue, rename, pascalOf);
      out[rename(key)] = map;
    } else {
      out[rename(key)] = convert(v, rename, pascalOf);
    }
  }
  return out;
}

/** Wire JSON (lowerCamel) -> the SDK's member names (PascalCase). */
export function fromWire(value: unknown): unknown {
  return convert(value, upperFirst, upperFirst);
}

/** The SDK's member names (PascalCase) -> wire JSON (lowerCamel). */
export function toWire(value: unknown): unknown {
  return convert(value, lowerFirst, (k) => k);
}

/** A member path as the client sent it, e.g. `/settings/outputGroups/0/outputs`. */
export function wirePointer(path: readonly (string | number)[]): string {
  return `/${path.map((p) => (typeof p === 'number' ? String(p) : /^[A-Z][A-Za-z0-9]*$/.test(p) ? lowerFirst(p) : p)).join('/')}`;
}
