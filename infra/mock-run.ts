/**
 * Runs the real program under Pulumi's mocks (pulumi.runtime.setMocks): no engine, no AWS, no
 * network. Every resource the program declares is recorded with its inputs, the provider it was
 * created with and the outputs the mocks gave it. The unit tests and `lectern audit` both read
 * the program through this.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { createLectern, type Lectern, type ProgramOptions } from './program.ts';
import type { StackConfig } from './stack-config.ts';

export const MOCK_ACCOUNT = '123456789012';
export const DEFAULT_PROVIDER_URN = 'default-provider';

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly id: string;
  /** The resource's inputs, as the engine (and a policy pack) would see them. */
  readonly inputs: Record<string, any>;
  /** Inputs plus the outputs the mocks computed. */
  readonly state: Record<string, any>;
  /** URN of the explicit provider, or DEFAULT_PROVIDER_URN. */
  readonly providerUrn: string;
}

export interface ProgramRun {
  readonly config: StackConfig;
  readonly lectern: Lectern;
  readonly resources: readonly RecordedResource[];
  /** Stack outputs, resolved. */
  readonly outputs: Record<string, unknown>;
  ofType(type: string): RecordedResource[];
  /** The one resource of a type whose logical name ends with `suffix` (throws otherwise). */
  one(type: string, suffix?: string): RecordedResource;
  /** The provider a resource was created with: its type, name, urn and inputs (props). */
  providerOf(resource: RecordedResource): { type: string; name: string; urn: string; props: Record<string, any> };
}

function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function keyId(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = 'K';
  for (let i = 0; i < 13; i++) id += BASE32[(digest[i] as number) % 32];
  return id;
}

/** Plausible outputs for the resource types the program uses. */
function computeOutputs(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
  const account = MOCK_ACCOUNT;
  const h = shortHash(`${type}::${name}`);
  switch (type) {
    case 'aws:s3/bucket:Bucket': {
      const bucket = inputs['bucket'] ?? `${name}-${h}`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region } };
    }
    case 'aws:cloudfront/distribution:Distribution': {
      const id = `E${h.toUpperCase()}MOCK`;
      return { id, state: { arn: `arn:aws:cloudfront::${account}:distribution/${id}`, domainName: `d${h}mock.cloudfront.net`, hostedZoneId: 'Z2FDTNDATAQYW2', status: 'Deployed' } };
    }
    case 'aws:cloudfront/publicKey:PublicKey':
      return { id: keyId(`${name}:${inputs['encodedKey']}`), state: { etag: h } };
    case 'aws:cloudfront/function:Function':
      return { id: inputs['name'], state: { arn: `arn:aws:cloudfront::${account}:function/${inputs['name']}`, etag: h, liveStageEtag: h, status: 'UNASSOCIATED' } };
    case 'aws:cloudfront/keyValueStore:KeyValueStore':
      return { id: inputs['name'], state: { arn: `arn:aws:cloudfront::${account}:key-value-store/${h}-0000-4000-8000-${shortHash(name, 12)}` } };
    case 'aws:lambda/function:Function': {
      const fn = inputs['name'] ?? `${name}-${h}`;
      const arn = `arn:aws:lambda:${region}:${account}:function:${fn}`;
      const version = inputs['publish'] ? '1' : '$LATEST';
      return { id: fn, state: { arn, qualifiedArn: `${arn}:${version}`, version, invokeArn: `arn:aws:apigateway:${region}:lambda:path/${arn}/invocations` } };
    }
    case 'aws:dynamodb/table:Table':
      return { id: inputs['name'], state: { arn: `arn:aws:dynamodb:${region}:${account}:table/${inputs['name']}` } };
    case 'aws:secretsmanager/secret:Secret': {
      const secretName = `${inputs['namePrefix'] ?? name}${h}`;
      return { id: `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-AbCdEf`, state: { arn: `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-AbCdEf`, name: secretName } };
    }
    case 'aws:iam/role:Role': {
      const roleName = `${name}-${h}`;
      return { id: roleName, state: { arn: `arn:aws:iam::${account}:role/${roleName}`, name: roleName } };
    }
    case 'aws:mediaconvert/queue:Queue':
      return { id: inputs['name'], state: { arn: `arn:aws:mediaconvert:${region}:${account}:queues/${inputs['name']}` } };
    case 'aws:cloudwatch/eventRule:EventRule':
      return { id: inputs['name'], state: { arn: `arn:aws:events:${region}:${account}:rule/${inputs['name']}` } };
    default:
      return { id: `${name}-${h}`, state: { arn: `arn:aws:mock:${region}:${account}:${type.split(':').pop()}/${name}` } };
  }
}

/**
 * Builds the program under mocks and waits until every resource is registered. One run per
 * process at a time (Pulumi's runtime state is global).
 */
export async function runUnderMocks(config: StackConfig, options: ProgramOptions = {}): Promise<ProgramRun> {
  const records: Array<{ type: string; name: string; id: string; inputs: Record<string, any>; state: Record<string, any>; provider: string }> = [];
  const providerRegionsById = new Map<string, string>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        // A provider reference is `<provider urn>::<provider id>`.
        const providerUrn = args.provider ? args.provider.split('::').slice(0, -1).join('::') : '';
        const providerId = args.provider ? (args.provider.split('::').pop() as string) : '';
        const region = providerRegionsById.get(providerId) ?? config.region;
        let result: { id: string; state: Record<string, any> };
        if (args.type.startsWith('pulumi:providers:')) {
          result = { id: `${args.name}-provider`, state: {} };
          if (typeof args.inputs['region'] === 'string') providerRegionsById.set(result.id, args.inputs['region']);
        } else {
          result = computeOutputs(args.type, args.name, args.inputs, args.inputs['region'] ?? region);
        }
        records.push({ type: args.type, name: args.name, id: result.id, inputs: args.inputs, state: { ...args.inputs, ...result.state }, provider: providerUrn });
        return { id: result.id, state: { ...args.inputs, ...result.state } };
      },
      call(args) {
        return args.inputs;
      },
    },
    'lectern',
    config.stack,
    false,
  );

  const lectern = createLectern(config, options);
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void>; getMonitor?: () => { resources: Map<string, unknown> } | undefined };
  const settle = async (): Promise<void> => {
    if (runtime.waitForRPCs) await runtime.waitForRPCs();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  await settle();

  const urns = [...(runtime.getMonitor?.()?.resources.keys() ?? [])];
  const urnOf = (type: string, name: string): string =>
    urns.find((urn) => {
      const parts = urn.split('::');
      const qualified = parts[2] ?? '';
      return parts[parts.length - 1] === name && qualified.split('$').pop() === type;
    }) ?? `urn:pulumi:${config.stack}::lectern::${type}::${name}`;

  const resources: RecordedResource[] = records.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r.type, r.name),
    id: r.id,
    inputs: r.inputs,
    state: r.state,
    providerUrn: r.provider || DEFAULT_PROVIDER_URN,
  }));

  const outputs: Record<string, unknown> = {};
  await Promise.all(
    Object.entries(lectern.outputs).map(
      ([key, output]) => new Promise<void>((resolve) => output.apply((value) => {
        outputs[key] = value;
        resolve();
        return value;
      })),
    ),
  );

  const ofType = (type: string): RecordedResource[] => resources.filter((r) => r.type === type);
  return {
    config,
    lectern,
    resources,
    outputs,
    ofType,
    one(type, suffix) {
      const matches = ofType(type).filter((r) => suffix === undefined || r.name.endsWith(suffix));
      if (matches.length !== 1) throw new Error(`expected one ${type}${suffix ? ` named *${suffix}` : ''}, found ${matches.length}: ${matches.map((m) => m.name).join(', ')}`);
      return matches[0] as RecordedResource;
    },
    providerOf(resource) {
      if (resource.providerUrn === DEFAULT_PROVIDER_URN) {
        return { type: 'pulumi:providers:aws', name: 'default', urn: DEFAULT_PROVIDER_URN, props: { region: config.region } };
      }
      const provider = resources.find((r) => r.urn === resource.providerUrn);
      if (!provider) throw new Error(`provider ${resource.providerUrn} of ${resource.name} was not recorded`);
      return { type: provider.type, name: provider.name, urn: provider.urn, props: provider.inputs };
    },
  };
}
