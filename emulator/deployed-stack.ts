/**
 * What `pulumi up` would create, read back from the program evaluated under Pulumi's mocks
 * (infra/mock-run.ts): the resources the local stack stands up, in plain data. Nothing here is
 * configured; every value is a resource input or a mocked output, so a program that forgets a
 * behavior, an object or a permission gives a local stack with the same hole.
 */
import type { ProgramRun, RecordedResource } from '../infra/mock-run.ts';

export interface DeployedBucket {
  readonly logicalName: string;
  readonly bucket: string;
  readonly regionalDomainName: string;
}

export interface DeployedObject {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  readonly cacheControl?: string;
  /** A file the program uploads (FileAsset), or the literal content it writes. */
  readonly source: { readonly path: string } | { readonly content: string };
}

export interface DeployedTable {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: readonly { readonly name: string; readonly type: 'S' | 'N' | 'B' }[];
  readonly globalSecondaryIndexes: readonly { readonly name: string; readonly hashKey: string; readonly rangeKey?: string; readonly projectionType: string }[];
}

export interface DeployedLambda {
  readonly logicalName: string;
  readonly functionName: string;
  readonly arn: string;
  readonly qualifiedArn: string;
  readonly version: string;
  readonly region: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The deployment package: file name -> file on disk or literal text. */
  readonly files: Readonly<Record<string, { readonly path: string } | { readonly text: string }>>;
}

export interface DeployedCloudFrontFunction {
  readonly arn: string;
  readonly name: string;
  readonly runtime: string;
  readonly code: string;
  readonly keyValueStoreArns: readonly string[];
}

export interface DeployedStack {
  readonly region: string;
  readonly account: string;
  readonly buckets: readonly DeployedBucket[];
  readonly objects: readonly DeployedObject[];
  readonly tables: readonly DeployedTable[];
  readonly secrets: readonly { readonly arn: string; readonly name: string; readonly secretString: string }[];
  readonly keyValueStores: readonly { readonly arn: string; readonly name: string }[];
  readonly cloudFrontFunctions: readonly DeployedCloudFrontFunction[];
  readonly lambdas: readonly DeployedLambda[];
  readonly mediaConvert: { readonly queues: readonly string[]; readonly roles: readonly string[] };
  /** Whether the program routes Transcribe's events (the `autoCaptions` setting): only then does the local stack run a Transcribe stand-in. */
  readonly transcribe: { readonly enabled: boolean };
  /** Raw recorded resources, for readers with their own shape (EventBridge, S3 notifications). */
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
  readonly run: ProgramRun;
}

/** Pulumi wraps secret values as `{<sig>: <secret sig>, value}` in mocked inputs. */
function unsecret(value: unknown): unknown {
  if (value && typeof value === 'object' && 'value' in value && Object.keys(value).some((k) => /^[0-9a-f]{32}$/.test(k))) {
    return (value as { value: unknown }).value;
  }
  return value;
}

type AssetLike = { path?: Promise<string> | string; text?: Promise<string> | string };

async function readAsset(asset: AssetLike): Promise<{ path: string } | { text: string }> {
  if (asset.path !== undefined) return { path: await asset.path };
  if (asset.text !== undefined) return { text: await asset.text };
  throw new Error('the local stack reads FileAsset and StringAsset only');
}

async function readArchive(code: unknown, owner: string): Promise<Record<string, { path: string } | { text: string }>> {
  const archive = code as { assets?: Promise<Record<string, AssetLike>> | Record<string, AssetLike> } | undefined;
  if (!archive || archive.assets === undefined) throw new Error(`${owner}: its code is not an AssetArchive the local stack can unpack`);
  const assets = await archive.assets;
  const files: Record<string, { path: string } | { text: string }> = {};
  for (const [name, asset] of Object.entries(assets)) files[name] = await readAsset(asset);
  return files;
}

export async function readDeployedStack(run: ProgramRun): Promise<DeployedStack> {
  const account = (run.one('aws:cloudfront/distribution:Distribution').state['arn'] as string).split(':')[4] as string;
  const buckets = run.ofType('aws:s3/bucket:Bucket').map((b) => ({
    logicalName: b.name,
    bucket: b.state['bucket'] as string,
    regionalDomainName: b.state['bucketRegionalDomainName'] as string,
  }));

  const objects: DeployedObject[] = [];
  for (const o of run.ofType('aws:s3/bucketObjectv2:BucketObjectv2')) {
    const i = o.inputs;
    const source = i['source'] !== undefined ? await readAsset(i['source'] as AssetLike) : undefined;
    objects.push({
      bucket: i['bucket'] as string,
      key: i['key'] as string,
      ...(i['contentType'] ? { contentType: i['contentType'] as string } : {}),
      ...(i['cacheControl'] ? { cacheControl: i['cacheControl'] as string } : {}),
      source: source && 'path' in source ? { path: source.path } : { content: (source && 'text' in source ? source.text : (i['content'] as string | undefined)) ?? '' },
    });
  }

  const tables = run.ofType('aws:dynamodb/table:Table').map((t) => ({
    name: t.inputs['name'] as string,
    hashKey: t.inputs['hashKey'] as string,
    ...(t.inputs['rangeKey'] ? { rangeKey: t.inputs['rangeKey'] as string } : {}),
    attributes: (t.inputs['attributes'] as { name: string; type: 'S' | 'N' | 'B' }[]) ?? [],
    globalSecondaryIndexes: ((t.inputs['globalSecondaryIndexes'] as any[]) ?? []).map((g) => ({
      name: g.name as string, hashKey: g.hashKey as string, ...(g.rangeKey ? { rangeKey: g.rangeKey as string } : {}), projectionType: (g.projectionType as string) ?? 'ALL',
    })),
  }));

  const secretNames = new Map(run.ofType('aws:secretsmanager/secret:Secret').map((s) => [s.id, s.state['name'] as string]));
  const secrets = run.ofType('aws:secretsmanager/secretVersion:SecretVersion').map((v) => {
    const arn = v.inputs['secretId'] as string;
    const secretString = unsecret(v.inputs['secretString']);
    if (typeof secretString !== 'string') throw new Error(`secret ${arn}: the local stack needs its value as a string`);
    return { arn, name: secretNames.get(arn) ?? arn, secretString };
  });

  const lambdas: DeployedLambda[] = [];
  for (const f of run.ofType('aws:lambda/function:Function')) {
    lambdas.push({
      logicalName: f.name,
      functionName: f.id,
      arn: f.state['arn'] as string,
      qualifiedArn: f.state['qualifiedArn'] as string,
      version: f.state['version'] as string,
      region: (f.state['arn'] as string).split(':')[3] as string,
      handler: f.inputs['handler'] as string,
      runtime: f.inputs['runtime'] as string,
      // Lambda's defaults when a function does not set them (CreateFunction API reference).
      timeoutSeconds: (f.inputs['timeout'] as number | undefined) ?? 3,
      memoryMb: (f.inputs['memorySize'] as number | undefined) ?? 128,
      files: await readArchive(f.inputs['code'], f.name),
    });
  }

  const cloudFrontFunctions = run.ofType('aws:cloudfront/function:Function').map((f) => ({
    arn: f.state['arn'] as string,
    name: f.inputs['name'] as string,
    runtime: f.inputs['runtime'] as string,
    code: f.inputs['code'] as string,
    keyValueStoreArns: (f.inputs['keyValueStoreAssociations'] as string[] | undefined) ?? [],
  }));

  return {
    region: run.config.region,
    account,
    buckets,
    objects,
    tables,
    secrets,
    keyValueStores: run.ofType('aws:cloudfront/keyValueStore:KeyValueStore').map((k) => ({ arn: k.state['arn'] as string, name: k.inputs['name'] as string })),
    cloudFrontFunctions,
    lambdas,
    mediaConvert: {
      queues: run.ofType('aws:mediaconvert/queue:Queue').map((q) => q.state['arn'] as string),
      roles: run.ofType('aws:iam/role:Role')
        .filter((r) => String(r.inputs['assumeRolePolicy'] ?? '').includes('mediaconvert.amazonaws.com'))
        .map((r) => r.state['arn'] as string),
    },
    transcribe: {
      enabled: run.ofType('aws:cloudwatch/eventRule:EventRule').some((r) => String(r.inputs['eventPattern'] ?? '').includes('"aws.transcribe"')),
    },
    resources: run.resources,
    outputs: run.outputs,
    run,
  };
}
