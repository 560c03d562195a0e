/**
 * What the local stack stands up is read from the program under mocks, never configured
 * beside it: these tests read the program's own resources back and change the program to see
 * the local copy change with it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { defineDistribution } from '../edge/distribution-spec.ts';
import { KEY_A, run, stackConfig, testArtifacts } from '../infra/testing/fixtures.ts';
import { TABLES } from '../tables/schema.ts';
import { behaviorFor, readDeployedDistribution } from './cloudfront/deployed-distribution.ts';
import { readDeployedStack } from './deployed-stack.ts';

afterAll(async () => (await testArtifacts()).cleanup());

describe('the deployed stack, read from the program', () => {
  it('holds each Lambda deployment package as the program zips it: the built bundle and the generated config.json', async () => {
    const stack = await readDeployedStack(await run());
    const issuer = stack.lambdas.find((l) => l.functionName.endsWith('-cookie-issuer'))!;
    expect(Object.keys(issuer.files).sort()).toEqual(['config.json', 'index.mjs']);
    expect(issuer.region).toBe('us-east-1');
    expect(issuer.qualifiedArn).toMatch(/:function:[\w-]+-cookie-issuer:1$/);
    const config = JSON.parse((issuer.files['config.json'] as { text: string }).text);
    expect(config.signing.key).toMatchObject({ source: 'secrets-manager' });
    expect(stack.secrets.map((s) => s.arn)).toContain(config.signing.key.secretId);
    const bundle = issuer.files['index.mjs'] as { path: string };
    expect(readFileSync(bundle.path).length).toBeGreaterThan(1000);
  });

  it('holds the signing secret\'s value, the tables with their keys, and the player objects the program uploads', async () => {
    const stack = await readDeployedStack(await run());
    expect(stack.secrets).toHaveLength(1);
    expect(stack.secrets[0]!.secretString).toBe(KEY_A.privateKeyPem);
    expect(stack.tables.map((t) => [t.name.replace(/^.*?-(\w+)$/, '$1'), t.hashKey, t.rangeKey]).sort()).toEqual(
      Object.values(TABLES).map((t) => [t.name, t.partitionKey, t.sortKey]).sort(),
    );
    const config = stack.objects.find((o) => o.key === 'player/config.json')!;
    expect(JSON.parse((config.source as { content: string }).content)).toMatchObject({ clientId: 'client-one' });
  });

  it('resolves every behavior to what it names: the bucket behind its origin, its key group\'s public keys, its function', async () => {
    const program = await run();
    const distribution = readDeployedDistribution(program);
    const media = behaviorFor(distribution, '/courses/demo/lesson-1/master.m3u8');
    const mediaBucket = program.ofType('aws:s3/bucket:Bucket').find((b) => b.name === 'storage-media')!.state['bucket'];
    expect(media.originBucket).toBe(mediaBucket);
    expect(media.trustedKeys).toEqual([{ id: program.outputs['activeKeyPairId'], publicKeyPem: KEY_A.publicKeyPem }]);
    expect(media.viewerRequest).toMatchObject({ kind: 'cloudfront-function' });
    expect(media.responseHeaders.cors?.allowedOrigins).toEqual(['https://school.example', 'http://localhost:5173']);
    expect(behaviorFor(distribution, '/auth/session').viewerRequest).toMatchObject({ kind: 'lambda-edge', includeBody: true });
    expect(behaviorFor(distribution, '/nothing/here').pathPattern).toBe('*');
  });

  it('loses a behavior the program forgets: /courses/* then falls to the default, unprotected, as on AWS', async () => {
    const program = await run(stackConfig(), {
      defineSpec: (input) => {
        const spec = defineDistribution(input);
        return { ...spec, behaviors: spec.behaviors.filter((b) => b.pathPattern !== '/courses/*') };
      },
    });
    const media = behaviorFor(readDeployedDistribution(program), '/courses/demo/lesson-1/master.m3u8');
    expect(media.pathPattern).toBe('*');
    expect(media.trustedKeys).toBeNull();
  });
});
