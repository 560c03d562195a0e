/**
 * `npm start`: the stack as deployed, on one machine. The Pulumi program is evaluated under
 * Pulumi's mocks with the local stack config (local/stack-config.ts) and each resource it
 * declares is stood up by a local stand-in reached through the real AWS SDK clients:
 * DynamoDB (dynalite) with the program's tables, S3 over folders with the program's buckets,
 * objects and notifications, Secrets Manager with its secret, CloudFront KeyValueStore, Lambda
 * (the program's deployment packages, each in its own sandbox), MediaConvert with its queue
 * and role, EventBridge with its rules and targets, and the distribution with its behaviors,
 * key group, policies, functions and error responses. The local IdP stands in for the Cognito
 * pool and Hosted UI. Nothing is configured twice: what the program forgets, this lacks.
 */
import { lessonsTable, rebuildNextLessonMap } from '../pipeline/lessons.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createBoundedServer } from '../emulator/bounded-server.ts';
import { connectionLimits, type ConnectionLimits } from '../emulator/connection-limits.ts';
import { redactSecrets } from '../emulator/log-redaction.ts';
import { onlyLoopbackHost } from '../emulator/loopback-host.ts';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ensurePlayerBuild, PLAYER_DIST } from '../player/build.ts';
import { dynamoClient } from '../tables/client.ts';
import { enroll } from '../tables/enrollments.ts';
import { runUnderMocks } from '../infra/mock-run.ts';
import { cognitoIssuer, watchCallbackUrls } from '../infra/stack-config.ts';
import { readDeployedStack, type DeployedStack } from '../emulator/deployed-stack.ts';
import { readDeployedDistribution, type DeployedDistribution } from '../emulator/cloudfront/deployed-distribution.ts';
import { startDynalite } from '../emulator/dynamodb/dynalite.ts';
import { createTablesOf } from '../emulator/dynamodb/create-tables.ts';
import { DEMO_USERS } from './demo-data.ts';
import { createLocalIdp, type LocalIdp } from './idp.ts';
import { loadIdpKeys, publicJwks } from './idp-keys.ts';
import { loadCloudFrontKeyPair, type CloudFrontKeyPair } from './signing-keys.ts';
import { buildLocalArtifacts } from './build-artifacts.ts';
import { dataPaths } from './data-paths.ts';
import { startStandIns, type StandIns, type StandInOptions } from './stand-ins.ts';
import { LOCAL_ISSUER, LOCAL_REGION, localStackConfig, type LocalStackSettings } from './stack-config.ts';

export { LOCAL_REGION } from './stack-config.ts';

export interface LocalSystemOptions {
  /** Data folder. Default `.lectern` (or LECTERN_DATA, read by the CLI, not here). */
  readonly dataDir: string;
  /** Distribution port; 0 picks a free one. Default 8787. */
  readonly port: number;
  /** IdP port; 0 picks a free one. Default port + 1. */
  readonly idpPort?: number;
  /** Extra origins allowed to embed with credentials (a stack setting: corsAllowedOrigins). */
  readonly corsAllowedOrigins?: readonly string[];
  /** Further local stack settings, as a Pulumi stack file would hold them. */
  readonly stack?: LocalStackSettings;
  /** Keep dynalite in memory instead of under the data folder. */
  readonly inMemoryDynamo?: boolean;
  /** How the stand-ins behave (tests: a hanging endpoint for a service, a small MediaConvert ladder). */
  readonly standIns?: StandInOptions;
  /** Receives every log line of the system, credentials redacted (emulator/log-redaction.ts). */
  readonly log?: (line: string) => void;
  /** Bounds on the distribution's and the IdP's listeners; default DEFAULT_CONNECTION_LIMITS. */
  readonly connectionLimits?: Partial<ConnectionLimits>;
  /**
   * Keep answering 503 after start until `open()` (npm start holds requests while it encodes
   * the demo course). Default false: the system serves as soon as the promise resolves.
   */
  readonly deferOpen?: boolean;
  /** Called once the distribution's port is bound, before anything else is ready. */
  readonly onListening?: (url: string) => void;
}

export interface LocalSystem {
  /** `http://localhost:<port>`. */
  readonly url: string;
  readonly host: string;
  readonly idp: LocalIdp;
  /** The local CloudFront key pair; `keyPairId` is the id the deployed public key has. */
  readonly keyPair: CloudFrontKeyPair;
  readonly dynamoEndpoint: string;
  readonly stack: DeployedStack;
  readonly distribution: DeployedDistribution;
  readonly standIns: StandIns;
  readonly dataDir: string;
  readonly mediaRoot: string;
  readonly playerRoot: string;
  readonly uploadsRoot: string;
  readonly kvsFile: string;
  /** Bucket names as deployed. */
  readonly buckets: { readonly media: string; readonly player: string; readonly uploads: string };
  /** Resolves when no upload, encode job or event is in flight. */
  whenPipelineIdle(): Promise<void>;
  /** Starts serving (see LocalSystemOptions.deferOpen); until then every request gets a 503. */
  open(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen((server.address() as AddressInfo).port));
  });
}

/** Pulumi's runtime is global to the process: one program evaluation at a time. */
let evaluating: Promise<unknown> = Promise.resolve();
function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = evaluating.then(work, work);
  evaluating = next.catch(() => undefined);
  return next;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const sink = options.log;
  const log = (line: string): void => sink?.(redactSecrets(line));
  const limits = connectionLimits(options.connectionLimits);
  const paths = dataPaths(options.dataDir);
  await mkdir(paths.root, { recursive: true });
  const [keyPair, idpKeys] = await Promise.all([loadCloudFrontKeyPair(paths.root), loadIdpKeys(paths.root)]);
  const closers: (() => Promise<void>)[] = [];
  try {
    // Listeners first: their ports are part of the stack config (Hosted UI URL, viewer origins).
    let idp: LocalIdp | undefined;
    // Browsers reach both on fixed ports, so any page may open sockets to them: both are bounded.
    // The IdP signs demo users in without a password: a DNS-rebinding page must not reach it.
    const idpServer = createBoundedServer(onlyLoopbackHost((req, res) => idp?.handle(req, res)), limits);
    const idpPort = await listen(idpServer, options.idpPort ?? (options.port === 0 ? 0 : options.port + 1));
    closers.push(() => new Promise((done) => { idpServer.closeAllConnections(); idpServer.close(() => done()); }));
    let serve: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    const listener = createBoundedServer((req, res) => (serve ? serve(req, res) : answerStarting(res)), limits);
    const port = await listen(listener, options.port);
    closers.push(() => new Promise((done) => { listener.closeAllConnections(); listener.close(() => done()); }));
    const host = `localhost:${port}`;
    const url = `http://${host}`;
    options.onListening?.(url);

    const idpUrl = `http://127.0.0.1:${idpPort}`;
    const config = localStackConfig({
      idpUrl,
      idpJwks: publicJwks(idpKeys),
      viewerOrigins: [url, `http://127.0.0.1:${port}`],
      publicKeyPem: keyPair.publicKeyPem,
      privateKeyPem: readFileSync(keyPair.privateKeyPath, 'utf8'),
      playerDir: PLAYER_DIST,
      settings: { ...options.stack, ...(options.corsAllowedOrigins ? { corsAllowedOrigins: [...options.corsAllowedOrigins] } : {}) },
    });
    // The app client's callback URLs come from the stack config, as the deployed client's must.
    idp = createLocalIdp({ baseUrl: idpUrl, keys: idpKeys, issuer: LOCAL_ISSUER, callbackUrls: watchCallbackUrls(config) });
    const [artifacts] = await Promise.all([buildLocalArtifacts(paths.build), ensurePlayerBuild(async () => {}, log)]);

    const run = await serially(() => runUnderMocks(config, { artifacts }));
    const stack = await readDeployedStack(run);
    const distribution = readDeployedDistribution(run);
    log(`stack: ${stack.resources.length} resources from the program (${distribution.behaviors.length} behaviors, ${stack.lambdas.length} functions)`);

    const dynamo = await startDynalite(options.inMemoryDynamo ? {} : { path: paths.dynamo });
    closers.push(() => dynamo.close());
    const client = dynamoClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint });
    closers.push(async () => client.destroy());
    await createTablesOf(client, stack.tables);
    for (const user of DEMO_USERS) {
      for (const courseId of user.enrolledIn) await enroll(client, config.tablePrefix, { userId: user.sub, courseId, email: user.email });
    }
    // The lesson map from the lessons table as it is: a data folder from an older version gains
    // the served-versions entries the edge now requires (edge/lesson-versions.ts).
    if (!options.inMemoryDynamo) await rebuildNextLessonMap(client, lessonsTable(config.tablePrefix), paths.root);

    // The pool's JWKS URL (Cognito's host) leads to the local IdP inside the sandboxes.
    const cognitoOrigin = new URL(cognitoIssuer(config)).origin;
    const standIns = await startStandIns({ stack, distribution, paths, dynamoEndpoint: dynamo.endpoint, log, routes: { [cognitoOrigin]: idpUrl }, ...options.standIns });
    closers.push(() => standIns.close());

    const open = () => {
      serve = standIns.distribution;
    };
    if (!options.deferOpen) open();

    const keyPairId = stack.outputs['activeKeyPairId'] as string;
    await writeFile(
      paths.runtime,
      JSON.stringify({ url, issuer: idp.issuer, clientId: idp.clientId, idpUrl, keyPairId, pid: process.pid, dynamoEndpoint: dynamo.endpoint, s3Endpoint: standIns.endpoints.S3 }, null, 2),
    );

    return {
      url,
      host,
      idp,
      keyPair: { ...keyPair, keyPairId },
      dynamoEndpoint: dynamo.endpoint,
      stack,
      distribution,
      standIns,
      dataDir: paths.root,
      mediaRoot: paths.media,
      playerRoot: paths.player,
      uploadsRoot: paths.uploads,
      kvsFile: paths.kvsFile,
      buckets: standIns.buckets,
      whenPipelineIdle: () => standIns.whenIdle(),
      open,
      close: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw error;
  }
}

/** Seconds a client waiting for the start should wait before asking again. */
export const STARTING_RETRY_AFTER_SECONDS = 5;

/** What every request gets while the system starts: never a socket left hanging. */
function answerStarting(res: ServerResponse): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${STARTING_RETRY_AFTER_SECONDS}"><title>lectern is starting</title></head>
<body><h1>lectern is starting</h1><p>The local distribution is getting ready (the first start encodes the demo course). This page reloads by itself.</p></body></html>`;
  res.writeHead(503, {
    'content-type': 'text/html; charset=utf-8',
    'retry-after': String(STARTING_RETRY_AFTER_SECONDS),
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
