/**
 * Readers for one stack setting each: the value or its declared default, checked for its kind
 * and range, or a StackConfigError naming the key. parseStackConfig (stack-config.ts) is built
 * from these.
 */
import { LanguageCode } from '@aws-sdk/client-transcribe';
import { CONFIG_DEFAULTS, CONFIG_NAMESPACE, LOG_RETENTION_DAYS, StackConfigError, type ConfigKey } from './stack-config-keys.ts';

export type Raw = Partial<Record<ConfigKey, unknown>>;

export function fail(key: string, message: string): never {
  throw new StackConfigError(`${CONFIG_NAMESPACE}:${key} ${message}`);
}

export function str(raw: Raw, key: ConfigKey, required: boolean): string {
  const value = raw[key] ?? (CONFIG_DEFAULTS as Record<string, unknown>)[key];
  if (value === undefined || value === null || value === '') {
    if (required) fail(key, 'is required (pulumi config set ' + `${CONFIG_NAMESPACE}:${key} ...)`);
    return '';
  }
  if (typeof value !== 'string') fail(key, 'must be a string');
  return value.trim();
}

export function strings(raw: Raw, key: ConfigKey, required: boolean): string[] {
  let value = raw[key] ?? (CONFIG_DEFAULTS as Record<string, unknown>)[key];
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      fail(key, 'must be a list (JSON array or YAML list)');
    }
  }
  if (value === undefined || value === null) {
    if (required) fail(key, 'is required');
    return [];
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim().length > 0)) {
    fail(key, 'must be a list of non-empty strings');
  }
  if (required && value.length === 0) fail(key, 'must name at least one value');
  return (value as string[]).map((v) => v.trim());
}

export function int(raw: Raw, key: ConfigKey, min: number, max: number): number {
  const rawValue = raw[key] ?? (CONFIG_DEFAULTS as Record<string, unknown>)[key];
  const value = typeof rawValue === 'string' && /^-?\d+$/.test(rawValue) ? Number(rawValue) : rawValue;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(key, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function bool(raw: Raw, key: ConfigKey): boolean {
  const value = raw[key] ?? (CONFIG_DEFAULTS as Record<string, unknown>)[key];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  fail(key, 'must be true or false');
}

export function oneOf<T extends string>(raw: Raw, key: ConfigKey, allowed: readonly T[]): T {
  const value = str(raw, key, true);
  if (!allowed.includes(value as T)) fail(key, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function logRetention(raw: Raw): number {
  const days = int(raw, 'logRetentionDays', 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) fail('logRetentionDays', `must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  return days;
}

const TRANSCRIBE_LANGUAGES: readonly string[] = Object.values(LanguageCode);

/** `off` (default) -> null; `identify` or one of Amazon Transcribe's language codes (`en-US`). */
export function autoCaptionsSetting(raw: Raw): string | null {
  const value = str(raw, 'autoCaptions', true);
  if (value === 'off') return null;
  if (value === 'identify' || TRANSCRIBE_LANGUAGES.includes(value)) return value;
  fail('autoCaptions', 'must be off, identify, or an Amazon Transcribe language code such as en-US (not en): https://docs.aws.amazon.com/transcribe/latest/dg/supported-languages.html');
}
