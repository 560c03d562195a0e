/**
 * Reads a stack's settings the way Pulumi would give them to the program: the stack file's
 * `config:` (Pulumi.<stack>.yaml) over the defaults declared in Pulumi.yaml. Encrypted
 * (`secure:`) values are not read: the audit never needs a secret.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { CONFIG_KEYS, CONFIG_NAMESPACE, type ConfigKey } from '../stack-config-keys.ts';

export const INFRA_DIR = path.resolve(import.meta.dirname, '..');

export interface StackFile {
  readonly file: string;
  readonly stack: string;
  readonly region: string;
  readonly raw: Partial<Record<ConfigKey, unknown>>;
  /** Keys present but encrypted (secure:), never decrypted here. */
  readonly secureKeys: string[];
}

type YamlConfig = Record<string, unknown>;

function configBlock(file: string): YamlConfig {
  const document = yaml.load(readFileSync(file, 'utf8')) as { config?: YamlConfig } | undefined;
  return document?.config ?? {};
}

/** The defaults Pulumi.yaml declares, by key (without namespace). */
export function projectDefaults(projectFile = path.join(INFRA_DIR, 'Pulumi.yaml')): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(configBlock(projectFile))) {
    if (declaration && typeof declaration === 'object' && 'default' in declaration) defaults[key] = (declaration as { default: unknown }).default;
  }
  return defaults;
}

/** `Pulumi.<stack>.yaml` -> its settings. */
export function readStackFile(file: string, projectFile = path.join(INFRA_DIR, 'Pulumi.yaml')): StackFile {
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
  if (!match) throw new Error(`${file}: a stack file is named Pulumi.<stack>.yaml`);
  const config = configBlock(file);
  const raw: Partial<Record<ConfigKey, unknown>> = { ...(projectDefaults(projectFile) as Partial<Record<ConfigKey, unknown>>) };
  const secureKeys: string[] = [];
  for (const [fullKey, value] of Object.entries(config)) {
    const [namespace, key] = fullKey.split(':', 2) as [string, string | undefined];
    if (namespace !== CONFIG_NAMESPACE || key === undefined) continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && 'secure' in value) {
      secureKeys.push(fullKey);
      continue;
    }
    if (!(key in CONFIG_KEYS)) throw new Error(`${file}: unknown setting ${fullKey}`);
    raw[key as ConfigKey] = value;
  }
  const region = config['aws:region'];
  return { file, stack: match[1] as string, region: typeof region === 'string' ? region : '', raw, secureKeys };
}
