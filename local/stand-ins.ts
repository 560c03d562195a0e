/**
 * The AWS side of the local stack: one stand-in per service the program uses, each seeded
 * from the program's resources and reached by the deployed code through the real SDK clients
 * (their endpoints are the only thing the Lambda sandboxes are told).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import type { DeployedStack } from '../emulator/deployed-stack.ts';
import type { DeployedDistribution } from '../emulator/cloudfront/deployed-distribution.ts';
import { createDistributionHandler, type LambdaEdgeHandler } from '../emulator/cloudfront/server.ts';
import { startLambdaFunction, type LambdaFunctionRuntime } from '../emulator/lambda/runtime.ts';
import { startLambdaService } from '../emulator/lambda/invoke-api.ts';
import { unpackDeploymentPackage } from '../emulator/lambda/deployment-package.ts';
import { readObjectMetadata, startS3StandIn, notificationRulesFrom, matchingTargets, toS3Event } from '../emulator/s3/index.ts';
import { startSecretsManagerStandIn } from '../emulator/secrets-manager/index.ts';
import { startKeyValueStoreStandIn } from '../emulator/keyvaluestore/index.ts';
import { createEventBus, eventBusFromProgram } from '../emulator/eventbridge/index.ts';
import { startMediaConvertStandIn, type MediaConvertStandInOptions } from '../emulator/mediaconvert/index.ts';
import { startTranscribeStandIn, type TranscribeStandInOptions } from '../emulator/transcribe/index.ts';
import { loadCloudFrontFunction } from '../emulator/cloudfront/function-sandbox.ts';
import { kvsFromFile } from '../emulator/cloudfront/kvs-file.ts';
import type { FunctionRunner } from '../emulator/cloudfront/function-event.ts';
import type { dataPaths } from './data-paths.ts';

/** `AWS_ENDPOINT_URL_<SERVICE>` names (the SDK's service ids, upper case, spaces as `_`). */
export type ServiceEndpointName = 'DYNAMODB' | 'S3' | 'SECRETS_MANAGER' | 'CLOUDFRONT_KEYVALUESTORE' | 'LAMBDA' | 'MEDIACONVERT';

export interface StandInOptions {
  /** Endpoints the Lambda sandboxes get instead of a stand-in's (fault tests: a hanging DynamoDB). */
  readonly endpointOverrides?: Partial<Record<ServiceEndpointName, string>>;
  /** MediaConvert stand-in settings (tests: a forced job error). */
  readonly mediaConvert?: Partial<MediaConvertStandInOptions>;
  /** Transcribe stand-in settings, with `autoCaptions` on (tests: transcript fixtures; without one a job fails: no speech recognition here). */
  readonly transcribe?: Partial<TranscribeStandInOptions>;
  /** HTTPS origins a stand-in answers for inside the sandboxes (the Cognito pool -> the local IdP). */
  readonly routes?: Readonly<Record<string, string>>;
  /** Delays between retries of asynchronous Lambda invocations. */
  readonly lambdaRetryDelaysMs?: readonly number[];
}

export interface StandIns {
  readonly endpoints: Readonly<Record<ServiceEndpointName, string>>;
  readonly buckets: { readonly media: string; readonly player: string; readonly uploads: string };
  /** The distribution's request handler. */
  readonly distribution: (req: IncomingMessage, res: ServerResponse) => void;
  readonly functions: readonly LambdaFunctionRuntime[];
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

/** Credentials the sandboxes hold (Lambda gives each function its role's; none are checked here). */
const SANDBOX_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'ASIALOCALSTACK000000', AWS_SECRET_ACCESS_KEY: 'local-stack-secret', AWS_SESSION_TOKEN: 'local-stack-session' };

export async function startStandIns(options: {
  stack: DeployedStack;
  distribution: DeployedDistribution;
  paths: ReturnType<typeof dataPaths>;
  dynamoEndpoint: string;
  log: (line: string) => void;
} & StandInOptions): Promise<StandIns> {
  const { stack, paths, log } = options;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const bucketFolders: Record<string, string> = {};
    const byLogical = new Map<string, string>();
    for (const b of stack.buckets) {
      bucketFolders[b.bucket] = paths.bucket(b.logicalName);
      byLogical.set(b.logicalName, b.bucket);
      await mkdir(bucketFolders[b.bucket] as string, { recursive: true });
    }
    const bucketNamed = (logical: string): string => {
      const name = byLogical.get(logical);
      if (!name) throw new Error(`the program declares no bucket ${logical}`);
      return name;
    };
    const bucketRoot = (bucket: string) => bucketFolders[bucket];

    const secrets = await startSecretsManagerStandIn({ secrets: stack.secrets });
    closers.push(() => secrets.close());

    const prefix = `${stack.run.config.namePrefix}-`;
    const kvsFiles = new Map(stack.keyValueStores.map((k) => [k.arn, paths.kvs(k.name.startsWith(prefix) ? k.name.slice(prefix.length) : k.name)]));
    await mkdir(paths.kvs('x').replace(/[^/]+$/, ''), { recursive: true });
    const kvs = await startKeyValueStoreStandIn({ stores: [...kvsFiles].map(([arn, file]) => ({ arn, file })) });
    closers.push(() => kvs.close());

    const functions: LambdaFunctionRuntime[] = [];
    const lambda = await startLambdaService({ functions, account: stack.account, log, ...(options.lambdaRetryDelaysMs ? { retryDelaysMs: options.lambdaRetryDelaysMs } : {}) });
    closers.push(() => lambda.close());

    const rules = eventBusFromProgram(stack.resources);
    const bus = createEventBus({ rules, deliver: async (targetArn: string, event: unknown) => lambda.invokeAsync(targetArn, event), log });

    const mediaConvert = await startMediaConvertStandIn({
      region: stack.region,
      account: stack.account,
      queues: stack.mediaConvert.queues,
      roles: stack.mediaConvert.roles,
      bucketRoot,
      emit: async (event: unknown) => {
        await bus.putEvents([event as never]);
      },
      log,
      ...options.mediaConvert,
    });
    closers.push(() => mediaConvert.close());
    // Only a stack with automatic captions routes Transcribe's events; `npm start` has none by default.
    const transcribe = stack.transcribe.enabled
      ? await startTranscribeStandIn({ region: stack.region, account: stack.account, bucketRoot, emit: async (event) => void (await bus.putEvents([event as never])), log, ...options.transcribe })
      : null;
    if (transcribe) closers.push(() => transcribe.close());
    closers.push(async () => bus.close());

    const notifications = notificationRulesFrom(stack.resources);
    const s3 = await startS3StandIn({
      buckets: bucketFolders,
      metadataRoot: paths.s3Metadata,
      log,
      onObjectCreated: (record) => {
        for (const target of matchingTargets(notifications, record)) {
          lambda.invokeAsync(target, toS3Event({ ...record, region: stack.region }));
        }
      },
    });
    closers.push(() => s3.close());

    const endpoints: Record<ServiceEndpointName, string> = {
      DYNAMODB: options.dynamoEndpoint,
      S3: s3.endpoint,
      SECRETS_MANAGER: secrets.endpoint,
      // KeyValueStore's endpoint rules put the account id in front of the host; the sandboxes
      // resolve *.localhost to loopback (emulator/lambda/runtime.ts).
      CLOUDFRONT_KEYVALUESTORE: kvs.endpoint.replace('127.0.0.1', 'kvs.localhost'),
      LAMBDA: lambda.endpoint,
      MEDIACONVERT: mediaConvert.endpoint,
      ...options.endpointOverrides,
    };
    const environment: Record<string, string> = { ...SANDBOX_CREDENTIALS };
    for (const [service, endpoint] of Object.entries(endpoints)) environment[`AWS_ENDPOINT_URL_${service}`] = endpoint;
    if (transcribe) environment['AWS_ENDPOINT_URL_TRANSCRIBE'] = transcribe.endpoint;

    for (const fn of stack.lambdas) {
      const codeDir = await unpackDeploymentPackage(fn, paths.lambda(fn.functionName));
      functions.push(await startLambdaFunction({
        functionName: fn.functionName,
        version: fn.version,
        codeDir,
        handler: fn.handler,
        region: fn.region,
        memoryMb: fn.memoryMb,
        timeoutSeconds: fn.timeoutSeconds,
        environment,
        ...(options.routes ? { routes: options.routes } : {}),
      }, log));
    }
    closers.push(async () => {
      for (const f of functions) await f.close();
    });

    const cloudFrontFunctions = new Map<string, FunctionRunner>();
    for (const fn of stack.cloudFrontFunctions) {
      const store = fn.keyValueStoreArns[0];
      const file = store ? kvsFiles.get(store) : undefined;
      cloudFrontFunctions.set(fn.arn, loadCloudFrontFunction(fn.code, file ? { kvs: kvsFromFile(file) } : {}));
    }
    const lambdaEdge = new Map<string, LambdaEdgeHandler>();
    for (const fn of functions) {
      const deployed = stack.lambdas.find((l) => l.functionName === fn.spec.functionName);
      if (deployed) lambdaEdge.set(deployed.qualifiedArn, (event) => fn.invoke(event));
    }

    // The program's objects, put the way Pulumi puts them (PutObject); objects of an earlier
    // start that the program no longer declares are deleted, as an update would.
    const client = new S3Client({ region: stack.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    closers.push(async () => client.destroy());
    await syncDeclaredObjects(client, stack);

    const distribution = createDistributionHandler({
      distribution: options.distribution,
      bucketRoot,
      objectMetadata: async (bucket, key) => readObjectMetadata(paths.s3Metadata, bucket, key),
      cloudFrontFunctions,
      lambdaEdge,
      // The local listener stands for CloudFront's HTTPS side: every behavior redirects http.
      scheme: 'https',
      log,
    });

    return {
      endpoints,
      buckets: { media: bucketNamed('storage-media'), player: bucketNamed('storage-player'), uploads: bucketNamed('storage-uploads') },
      distribution,
      functions,
      async whenIdle() {
        // Each step can start the next (upload -> trigger -> job -> event -> handler), so
        // idle means two full rounds in which nothing was busy.
        for (let quiet = 0; quiet < 2; quiet++) {
          await s3.whenIdle();
          await lambda.whenIdle();
          await mediaConvert.whenIdle();
          await transcribe?.whenIdle();
          await bus.whenIdle();
          await lambda.whenIdle();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function syncDeclaredObjects(client: S3Client, stack: DeployedStack): Promise<void> {
  const declared = new Map<string, Set<string>>();
  for (const o of stack.objects) {
    const body = 'path' in o.source ? await readFile(o.source.path) : Buffer.from(o.source.content);
    await client.send(new PutObjectCommand({ Bucket: o.bucket, Key: o.key, Body: body, ...(o.contentType ? { ContentType: o.contentType } : {}), ...(o.cacheControl ? { CacheControl: o.cacheControl } : {}) }));
    declared.set(o.bucket, (declared.get(o.bucket) ?? new Set()).add(o.key));
  }
  for (const [bucket, keys] of declared) {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) {
        if (object.Key && !keys.has(object.Key)) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
      }
      token = page.NextContinuationToken;
    } while (token);
  }
}
