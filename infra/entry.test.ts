/**
 * The program and the policy pack load the way Pulumi's Node.js runtime loads them, in plain
 * Node processes (no vitest transform, no tsx flags):
 * - the program: what @pulumi/pulumi/cmd/run does for a "type": "module" project whose
 *   Pulumi.yaml says typescript: false and main: index.mjs (realpath, import(), a lone default
 *   export called for the stack outputs), under mocks instead of an engine;
 * - the policy pack: Pulumi's own policy-pack host (@pulumi/pulumi/cmd/run-policy-pack, which
 *   require()s the pack after registering its ts-node), asked over gRPC for its policies and to
 *   analyze a resource.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultArtifactPaths, REPO_ROOT } from './artifacts.ts';
import { allPolicies } from './policy/policies.ts';
import { KEY_A, TEST_JWKS } from './testing/fixtures.ts';

const INFRA = path.join(REPO_ROOT, 'infra');
const require = createRequire(import.meta.url);
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.pid) process.kill(child.pid);
});

function output(child: ChildProcess): { stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { stdout: () => stdout, stderr: () => stderr, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

const artifacts = defaultArtifactPaths();
const built = [artifacts.viewerRequest, artifacts.cookieIssuer, path.join(artifacts.uploadTrigger, 'index.mjs'), path.join(artifacts.completionHandler, 'index.mjs')].every(existsSync);

describe('Pulumi.yaml -> index.mjs', () => {
  // `npm test` runs `npm run build` first; a bare `vitest run` before any build skips this one.
  it.skipIf(!built)('loads and runs under plain Node exactly as Pulumi\'s Node.js runtime does, returning the stack outputs', async () => {
    const config = {
      'aws:region': 'eu-west-1',
      'lectern:cognitoRegion': 'eu-west-1',
      'lectern:cognitoUserPoolId': 'eu-west-1_AbCdEf123',
      'lectern:cognitoClientIds': JSON.stringify(['client-one']),
      'lectern:cognitoHostedUiUrl': 'https://lectern-test.auth.eu-west-1.amazoncognito.com',
      'lectern:cognitoJwks': JSON.stringify(TEST_JWKS),
      'lectern:trustedPublicKeys': JSON.stringify([KEY_A.publicKeyPem]),
      'lectern:signingPrivateKey': KEY_A.privateKeyPem,
    };
    const script = `
      import fs from 'node:fs';
      import path from 'node:path';
      import url from 'node:url';
      const pulumi = await import('@pulumi/pulumi');
      pulumi.runtime.setAllConfig(JSON.parse(process.env.TEST_CONFIG), ['lectern:signingPrivateKey']);
      const types = [];
      await pulumi.runtime.setMocks({
        newResource: (a) => {
          types.push(a.type);
          // Ids and ARNs of the right shape: the Lambdas' config.json files are validated against them.
          const arns = {
            'aws:iam/role:Role': 'arn:aws:iam::123456789012:role/' + a.name,
            'aws:mediaconvert/queue:Queue': 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/' + a.name,
            'aws:cloudfront/keyValueStore:KeyValueStore': 'arn:aws:cloudfront::123456789012:key-value-store/0a1b2c3d',
          };
          const arn = arns[a.type] ?? 'arn:aws:mock:us-east-1:123456789012:' + a.name;
          const id = a.type === 'aws:cloudfront/publicKey:PublicKey' ? 'K2JCJMDEHXQW5F' : a.name + '-id';
          const bucket = a.name.toLowerCase();
          return { id, state: { ...a.inputs, arn, bucket, qualifiedArn: arn + ':1', domainName: 'd1.cloudfront.net', bucketRegionalDomainName: bucket + '.s3.amazonaws.com', name: a.inputs.name ?? a.name } };
        },
        call: (a) => a.inputs,
      }, 'lectern', 'entrytest', false);
      // @pulumi/pulumi/cmd/run, "type": "module" branch:
      const main = url.pathToFileURL(await fs.promises.realpath(path.resolve('index.mjs'))).href;
      let programExport = await import(main);
      if (Object.getOwnPropertyDescriptor(programExport, 'default') !== undefined) {
        if (Object.keys(programExport).length !== 1) throw new Error('expected entrypoint module to have either a default export or named exports but not both');
        programExport = programExport.default;
      }
      const outputs = await (programExport instanceof Function ? programExport() : programExport);
      await pulumi.runtime.waitForRPCs();
      process.stdout.write(JSON.stringify({ outputs: Object.keys(outputs), types }));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: INFRA, env: { ...process.env, TEST_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const io = output(child);
    const code = await io.exited;
    expect(io.stderr()).not.toMatch(/Error/);
    expect(code).toBe(0);
    const result = JSON.parse(io.stdout()) as { outputs: string[]; types: string[] };
    expect(result.outputs).toEqual(expect.arrayContaining(['url', 'distributionId', 'keyGroupId', 'cookieIssuerVersionArn', 'mediaBucket']));
    expect(result.types).toEqual(expect.arrayContaining(['aws:cloudfront/distribution:Distribution', 'aws:lambda/function:Function', 'lectern:edge:Distribution']));
  }, 60_000);
});

describe('infra/policy under Pulumi\'s policy-pack host', () => {
  it('serves every policy over gRPC and reports a violation on a bad resource', async () => {
    const host = require.resolve('@pulumi/pulumi/cmd/run-policy-pack');
    // <engine-address> <program>: the host drops the address and require()s the pack folder.
    const child = spawn(process.execPath, [host, '127.0.0.1:1', '.'], { cwd: path.join(INFRA, 'policy'), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const io = output(child);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const line = /^(\d+)\s*$/m.exec(io.stdout());
        if (line) {
          clearInterval(timer);
          resolve(Number(line[1]));
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`policy pack exited: ${io.stderr()}`));
        }
      }, 50);
    });

    const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
    const { AnalyzerClient } = require('@pulumi/pulumi/proto/analyzer_grpc_pb.js');
    const analyzer = require('@pulumi/pulumi/proto/analyzer_pb.js');
    const { Empty } = require('google-protobuf/google/protobuf/empty_pb.js');
    const { Struct } = require('google-protobuf/google/protobuf/struct_pb.js');
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, request: unknown): Promise<T> =>
      new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));

    const info = await call<{ getName(): string; getPoliciesList(): Array<{ getName(): string }> }>('getAnalyzerInfo', new Empty());
    expect(info.getName()).toBe('lectern');
    expect(info.getPoliciesList().map((p) => p.getName()).sort()).toEqual(allPolicies.map((p) => p.name).sort());

    const request = new analyzer.AnalyzeRequest();
    request.setType('aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy');
    request.setUrn('urn:pulumi:test::lectern::aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy::open');
    request.setName('open');
    request.setOptions(new analyzer.AnalyzerResourceOptions());
    request.setProperties(Struct.fromJavaScript({
      corsConfig: { accessControlAllowCredentials: true, accessControlAllowOrigins: { items: ['*'] }, accessControlAllowHeaders: { items: ['Range'] }, accessControlAllowMethods: { items: ['GET'] }, originOverride: true },
      securityHeadersConfig: { contentTypeOptions: { override: true }, strictTransportSecurity: { accessControlMaxAgeSec: 63072000, override: true } },
    }));
    const response = await call<{ getDiagnosticsList(): Array<{ getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number }> }>('analyze', request);
    const diagnostics = response.getDiagnosticsList();
    expect(diagnostics.map((d) => d.getPolicyname())).toEqual(['cors-no-wildcard-with-credentials']);
    expect(diagnostics[0]?.getMessage()).toContain('wildcards let any site read');
    client.close();
  }, 60_000);
});
