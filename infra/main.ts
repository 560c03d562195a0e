/**
 * The Pulumi program's body: reads the stack config through pulumi.Config, builds the stack, and
 * returns the stack outputs. Loaded by index.mjs (see README: why the entry point is JavaScript).
 */
import * as pulumi from '@pulumi/pulumi';
import { createLectern } from './program.ts';
import { CONFIG_KEYS, CONFIG_NAMESPACE, type ConfigKey } from './stack-config-keys.ts';
import { parseStackConfig, type StackConfig } from './stack-config.ts';

/** Reads every declared key with the getter for its kind (arrays arrive as JSON text). */
export function readStackConfig(): StackConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, kind] of Object.entries(CONFIG_KEYS) as [ConfigKey, (typeof CONFIG_KEYS)[ConfigKey]][]) {
    if (kind === 'secret') continue;
    const value = kind === 'array' ? config.getObject<unknown>(key) : kind === 'integer' ? config.getNumber(key) : kind === 'boolean' ? config.getBoolean(key) : config.get(key);
    if (value !== undefined) raw[key] = value;
  }
  const region = new pulumi.Config('aws').get('region') ?? '';
  return parseStackConfig(raw, { stack: pulumi.getStack(), region }, config.requireSecret('signingPrivateKey'));
}

export default async function program(): Promise<Record<string, pulumi.Output<unknown>>> {
  return createLectern(readStackConfig()).outputs;
}
