/** Shared test fixtures: key pairs, a valid stack config, a JWKS and artifacts for mocked runs. */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { prepareArtifacts, type PreparedArtifacts } from '../audit/artifacts.ts';
import { runUnderMocks, type ProgramRun } from '../mock-run.ts';
import type { ProgramOptions } from '../program.ts';
import { describePublicKey } from '../signing-key-names.ts';
import type { ConfigKey } from '../stack-config-keys.ts';
import { parseStackConfig, type StackConfig } from '../stack-config.ts';

export interface TestKey {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly name: string;
}

export function makeKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, name: describePublicKey(publicKey).name };
}

export const KEY_A = makeKey();
export const KEY_B = makeKey();

export const TEST_JWKS: JSONWebKeySet = {
  keys: [{ ...(createPublicKey(KEY_B.publicKeyPem).export({ format: 'jwk' }) as object), kid: 'test-kid', alg: 'RS256', use: 'sig' } as JSONWebKeySet['keys'][number]],
};

export type RawConfig = Partial<Record<ConfigKey, unknown>>;

export function rawConfig(overrides: RawConfig = {}): RawConfig {
  return {
    cognitoRegion: 'eu-west-1',
    cognitoUserPoolId: 'eu-west-1_AbCdEf123',
    cognitoClientIds: ['client-one', 'client-two'],
    cognitoHostedUiUrl: 'https://lectern-test.auth.eu-west-1.amazoncognito.com',
    corsAllowedOrigins: ['https://school.example', 'http://localhost:5173'],
    trustedPublicKeys: [KEY_A.publicKeyPem],
    ...overrides,
  };
}

export function stackConfig(overrides: RawConfig = {}, privateKeyPem: string | undefined = KEY_A.privateKeyPem, context = { stack: 'test', region: 'eu-west-1' }): StackConfig {
  return parseStackConfig(rawConfig(overrides), context, privateKeyPem);
}

let prepared: Promise<PreparedArtifacts> | undefined;
/** Artifacts for the whole test file (edge from dist/ or freshly built, pipeline placeholders). */
export function testArtifacts(): Promise<PreparedArtifacts> {
  prepared ??= prepareArtifacts();
  return prepared;
}

/** Runs the real program under mocks with test artifacts and a fixed JWKS. */
export async function run(config: StackConfig = stackConfig(), options: ProgramOptions = {}): Promise<ProgramRun> {
  const artifacts = await testArtifacts();
  return runUnderMocks(config, { artifacts: artifacts.paths, fetchJwks: async () => TEST_JWKS, ...options });
}

/** The value inside an Output. */
export function valueOf<T>(output: { apply<U>(f: (value: T) => U): unknown }): Promise<T> {
  return new Promise<T>((resolve) => {
    output.apply((value) => {
      resolve(value);
      return value;
    });
  });
}
