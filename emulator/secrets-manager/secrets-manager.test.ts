import { GetSecretValueCommand, ListSecretsCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsManagerKeySource } from '../../edge/cookie-issuer/key-source.ts';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from './index.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:lectern-test-signing-key3f2a-AbCdEf';
const NAME = 'lectern-test-signing-key3f2a';
const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let stand: SecretsManagerStandIn;
let client: SecretsManagerClient;

beforeAll(async () => {
  stand = await startSecretsManagerStandIn({ secrets: [{ arn: ARN, name: NAME, secretString: pem }] });
  client = new SecretsManagerClient({ region: 'us-east-1', endpoint: stand.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await stand.close();
});

describe('the Secrets Manager stand-in, through @aws-sdk/client-secrets-manager', () => {
  it('answers GetSecretValue by ARN, by name and by partial ARN with the documented fields', async () => {
    for (const SecretId of [ARN, NAME, ARN.replace(/-AbCdEf$/, '')]) {
      const out = await client.send(new GetSecretValueCommand({ SecretId }));
      expect(out).toMatchObject({ ARN, Name: NAME, SecretString: pem, VersionStages: ['AWSCURRENT'] });
      expect(out.VersionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(out.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it("serves the cookie issuer's signing key the way the issuer reads it", async () => {
    const source = secretsManagerKeySource({ secretId: ARN, region: 'us-east-1', timeoutMs: 2000, client });
    expect(await source.privateKeyPem()).toBe(pem);
  });

  it('raises the typed ResourceNotFoundException for an unknown secret or version stage', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new GetSecretValueCommand({ SecretId: ARN, VersionStage: 'AWSPREVIOUS' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const error = await client.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' })).then(
      () => undefined,
      (e: ResourceNotFoundException) => e,
    );
    expect([error?.$metadata.httpStatusCode, error?.message]).toEqual([400, "Secrets Manager can't find the specified secret."]);
  });

  it('refuses an unsigned request with 403 MissingAuthenticationTokenException, and operations it lacks', async () => {
    const answer = await fetch(stand.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' }, body: JSON.stringify({ SecretId: ARN }) });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    await expect(client.send(new ListSecretsCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });
});
