/**
 * Typed readers for baked JSON configs (the edge and pipeline functions' config.json). Each
 * names the field it refuses, so a bad deploy fails at load with a message naming the fix.
 */
export type Json = Record<string, unknown>;

/** A baked config.json the function cannot run with (either Lambda@Edge function's). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigFields {
  obj(value: unknown, where: string): Json;
  str(o: Json, key: string, where: string, fallback?: string): string;
  optStr(o: Json, key: string, where: string): string | undefined;
  bool(o: Json, key: string, where: string, fallback: boolean): boolean;
  int(o: Json, key: string, where: string, fallback: number, min: number, max: number): number;
  strings(o: Json, key: string, where: string, fallback?: string[]): string[];
  oneOf<T extends string>(o: Json, key: string, where: string, allowed: readonly T[], fallback: T): T;
}

/** Readers that throw the caller's own error type. */
export function configFields(fail: (message: string) => Error): ConfigFields {
  return {
    obj(value, where) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`${where} must be an object`);
      return value as Json;
    },
    str(o, key, where, fallback) {
      const value = o[key] ?? fallback;
      if (typeof value !== 'string' || value.length === 0) throw fail(`${where}.${key} must be a non-empty string`);
      return value;
    },
    optStr(o, key, where) {
      const value = o[key];
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || value.length === 0) throw fail(`${where}.${key} must be a non-empty string when set`);
      return value;
    },
    bool(o, key, where, fallback) {
      const value = o[key] ?? fallback;
      if (typeof value !== 'boolean') throw fail(`${where}.${key} must be true or false`);
      return value;
    },
    int(o, key, where, fallback, min, max) {
      const value = o[key] ?? fallback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw fail(`${where}.${key} must be an integer from ${min} to ${max}`);
      }
      return value;
    },
    strings(o, key, where, fallback) {
      const value = o[key] ?? fallback;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
        throw fail(`${where}.${key} must be a list of strings`);
      }
      return value as string[];
    },
    oneOf(o, key, where, allowed, fallback) {
      const value = o[key] ?? fallback;
      if (!allowed.includes(value as (typeof allowed)[number])) throw fail(`${where}.${key} must be one of ${allowed.join(', ')}`);
      return value as (typeof allowed)[number];
    },
  };
}
