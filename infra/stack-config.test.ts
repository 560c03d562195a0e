import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { INFRA_DIR, projectDefaults, readStackFile } from './audit/stack-file.ts';
import { describePublicKey } from './signing-key-names.ts';
import { CONFIG_DEFAULTS, CONFIG_KEYS, StackConfigError } from './stack-config-keys.ts';
import { assertActivePrivateKey, parseStackConfig } from './stack-config.ts';
import { KEY_A, KEY_B, rawConfig, stackConfig } from './testing/fixtures.ts';

const project = yaml.load(readFileSync(path.join(INFRA_DIR, 'Pulumi.yaml'), 'utf8')) as {
  name: string;
  runtime: { name: string; options: Record<string, unknown> };
  main: string;
  config: Record<string, { type: string; default?: unknown; secret?: boolean; description?: string; items?: { type: string } }>;
};

describe('Pulumi.yaml', () => {
  it('runs index.mjs with Pulumi\'s TypeScript path off', () => {
    expect(project.runtime).toEqual({ name: 'nodejs', options: { typescript: false } });
    expect(existsSync(path.join(INFRA_DIR, project.main))).toBe(true);
  });

  it('declares every key the program reads, with its type, a description and the program\'s default', () => {
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
      const declared = project.config[key];
      expect(declared?.description, key).toBeTruthy();
      if (kind === 'secret') expect(declared).toMatchObject({ type: 'string', secret: true });
      else expect(declared?.type, key).toBe(kind);
      if (kind === 'array') expect(declared?.items).toEqual({ type: 'string' });
    }
    expect(projectDefaults()).toEqual(CONFIG_DEFAULTS);
  });
});

describe('the sample stack file', () => {
  it('is a complete, valid stack with placeholders (the private key is set as a secret, not shown)', () => {
    const file = readStackFile(path.join(INFRA_DIR, 'Pulumi.sample.yaml'));
    expect(file.stack).toBe('sample');
    const config = parseStackConfig(file.raw, { stack: file.stack, region: file.region });
    expect(config.domain?.name).toBe('video.example.com');
    expect(config.signing.trustedPublicKeys).toHaveLength(1);
    expect(config.signing.privateKeyPem).toBeUndefined();
  });

  it('encrypted values are listed, never read; unknown settings are refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lectern-stack-'));
    const file = path.join(dir, 'Pulumi.prod.yaml');
    writeFileSync(file, yaml.dump({ config: { 'aws:region': 'eu-west-1', ...Object.fromEntries(Object.entries(rawConfig()).map(([k, v]) => [`lectern:${k}`, v])), 'lectern:signingPrivateKey': { secure: 'v1:abc' } } }));
    const read = readStackFile(file);
    expect(read.secureKeys).toEqual(['lectern:signingPrivateKey']);
    expect(read.raw).not.toHaveProperty('signingPrivateKey');
    expect(read.raw.cookieTtlSeconds).toBe(50);
    writeFileSync(file, yaml.dump({ config: { 'lectern:cookieTTL': 5 } }));
    expect(() => readStackFile(file)).toThrow(/unknown setting lectern:cookieTTL/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('parseStackConfig', () => {
  it('applies defaults and names physical resources after the stack', () => {
    const config = stackConfig();
    expect(config).toMatchObject({
      namePrefix: 'lectern-test',
      tablePrefix: 'lectern-test-',
      cookie: { ttlSeconds: 50, sameSite: 'None' },
      priceClass: 'PriceClass_100',
      uploads: { retentionDays: 14 },
      tableDeletionProtection: true,
      forceDestroyBuckets: false,
    });
    expect(config.cognito.tokenUse).toEqual(['access', 'id']);
    expect(config.signing.activeKey).toBe(KEY_A.name);
  });

  it('reads the strings pulumi.Config hands over (arrays as JSON, numbers and booleans as text)', () => {
    const config = stackConfig({ cognitoClientIds: '["a","b"]', cookieTtlSeconds: '600', forceDestroyBuckets: 'true' });
    expect(config.cognito.clientIds).toEqual(['a', 'b']);
    expect(config.cookie.ttlSeconds).toBe(600);
    expect(config.forceDestroyBuckets).toBe(true);
  });

  it.each([
    [{ cognitoUserPoolId: undefined }, /cognitoUserPoolId is required/],
    [{ cognitoUserPoolId: 'us-east-1_AbC' }, /must belong to lectern:cognitoRegion/],
    [{ cognitoUserPoolId: 'not a pool' }, /cognitoUserPoolId/],
    [{ cognitoClientIds: [] }, /cognitoClientIds must name at least one/],
    [{ cognitoTokenUse: ['refresh'] }, /cognitoTokenUse/],
    [{ cognitoJwks: '{"nope":1}' }, /cognitoJwks/],
    [{ cookieTtlSeconds: 9 }, /cookieTtlSeconds must be an integer from 10 to 86400/],
    [{ cookieSameSite: 'Sometimes' }, /cookieSameSite/],
    [{ priceClass: 'PriceClass_Cheap' }, /priceClass/],
    [{ domainName: 'video.example.com' }, /certificateArn must be set together/],
    [{ trustedPublicKeys: ['-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'] }, /trustedPublicKeys \[0\] is not a PEM public key/],
    [{ trustedPublicKeys: [KEY_A.publicKeyPem, KEY_A.publicKeyPem] }, /same key twice/],
    [{ trustedPublicKeys: [] }, /trustedPublicKeys must name at least one/],
    [{ logRetentionDays: 10 }, /logRetentionDays must be one of/],
  ])('refuses %o', (overrides, message) => {
    expect(() => stackConfig(overrides as Record<string, unknown>)).toThrow(message);
  });

  it('needs a region and a usable stack name', () => {
    expect(() => parseStackConfig(rawConfig(), { stack: 'test', region: '' })).toThrow(/aws:region/);
    expect(() => parseStackConfig(rawConfig(), { stack: 'no way', region: 'eu-west-1' })).toThrow(StackConfigError);
  });
});

describe('signing keys', () => {
  it('names a key by its fingerprint', () => {
    const { name, fingerprint } = describePublicKey(KEY_A.publicKeyPem);
    expect(name).toBe(`key-${fingerprint.slice(0, 12)}`);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts only the active key\'s private half', () => {
    const config = stackConfig();
    expect(assertActivePrivateKey(config, KEY_A.privateKeyPem)).toBe(KEY_A.privateKeyPem);
    expect(() => assertActivePrivateKey(config, KEY_B.privateKeyPem)).toThrow(/does not belong to the active key/);
    expect(() => assertActivePrivateKey(config, 'not a key')).toThrow(/not a PEM private key/);
  });
});
