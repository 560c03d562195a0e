import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { dynamoClient } from '../../tables/client.ts';
import { enroll } from '../../tables/enrollments.ts';
import { ensureTables } from '../../tables/ensure-tables.ts';
import { DEFAULT_TABLE_PREFIX, TABLES, tableName } from '../../tables/schema.ts';
import { buildCookieIssuer, writeIssuerConfig } from '../cookie-issuer/build.ts';
import { defineDistribution, type DistributionSpec } from '../distribution-spec.ts';
import { buildViewerRequest } from '../viewer-request/build.ts';
import { loadCloudFrontFunction } from './cloudfront-function-sandbox.ts';
import { DEMO_USERS } from './demo-data.ts';
import { startDynalite, type LocalDynamo } from './dynamo-server.ts';
import { startEncodeRequestEndpoint } from './encode-requests.ts';
import { createLocalEncodeQueue, type LocalEncodeQueue, type LocalEncodeQueueOptions } from '../../pipeline/on-demand.ts';
import { listInterruptedOnDemandEncodes, releaseEncodeClaim } from '../../pipeline/lessons.ts';
import { createLocalIdp, loadIdpKeys, type LocalIdp } from './idp.ts';
import { kvsFromFile } from './kvs-file.ts';
import { createProgressRoute, createProgressStore } from './progress-store.ts';
import { ensurePlayerBuild } from '../../player/build.ts';
import { PLAYER_CONFIG_KEY, playerPageConfig } from '../../player/page-config.ts';
import { createDistributionHandler } from './server.ts';
import { loadCloudFrontKeyPair, type CloudFrontKeyPair } from './signing-keys.ts';

export interface LocalSystemOptions {
  /** Data folder. Default `.lectern` (or LECTERN_DATA, read by the CLI, not here). */
  readonly dataDir: string;
  /** Distribution port; 0 picks a free one. Default 8787. */
  readonly port: number;
  /** IdP port; 0 picks a free one. Default port + 1. */
  readonly idpPort?: number;
  /** Extra origins allowed to embed with credentials (the demo embed page's origin, say). */
  readonly corsAllowedOrigins?: readonly string[];
  /** Overrides for the baked issuer config (fault tests point the JWKS at a hanging server). */
  readonly issuerOverrides?: Record<string, unknown>;
  /** Keep dynalite in memory instead of under the data folder. */
  readonly inMemoryDynamo?: boolean;
  /** Settings for on-demand encodes run by this system (tests pass a small ladder). */
  readonly encodeOptions?: LocalEncodeQueueOptions['encodeOptions'];
  readonly log?: (line: string) => void;
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
  readonly keyPair: CloudFrontKeyPair;
  readonly dynamoEndpoint: string;
  readonly spec: DistributionSpec;
  readonly dataDir: string;
  readonly mediaRoot: string;
  readonly playerRoot: string;
  readonly kvsFile: string;
  /** On-demand encodes requested through GET /auth/lessons/<c>/<l> run here, one at a time. */
  readonly encodeQueue: LocalEncodeQueue;
  /** Starts serving (see LocalSystemOptions.deferOpen); until then every request gets a 503. */
  open(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const LOCAL_REGION = 'us-east-1';

export function dataPaths(dataDir: string) {
  const root = resolve(dataDir);
  return {
    root,
    media: join(root, 'origin', 'media'),
    player: join(root, 'origin', 'player'),
    kvsFile: join(root, 'kvs', 'next-lesson.json'),
    dynamo: join(root, 'dynamodb'),
    issuerBundle: join(root, 'edge', 'cookie-issuer'),
    runtime: join(root, 'runtime.json'),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen((server.address() as AddressInfo).port));
  });
}

/**
 * Starts the whole system on loopback: dynalite, the local IdP, and the emulated distribution
 * running the BUILT edge code (the same artifacts `pulumi up` deploys), with its config baked
 * the same way (config.json beside the Lambda@Edge bundle).
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const log = options.log ?? (() => {});
  const paths = dataPaths(options.dataDir);
  await Promise.all([paths.media, paths.player, join(paths.root, 'kvs')].map((dir) => mkdir(dir, { recursive: true })));

  const [keyPair, idpKeys] = await Promise.all([loadCloudFrontKeyPair(paths.root), loadIdpKeys(paths.root)]);
  const closers: (() => Promise<void>)[] = [];
  try {
    const dynamo: LocalDynamo = await startDynalite(options.inMemoryDynamo ? {} : { path: paths.dynamo });
    closers.push(() => dynamo.close());
    const client = dynamoClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint });
    closers.push(async () => client.destroy());
    await ensureTables(client, DEFAULT_TABLE_PREFIX);
    for (const user of DEMO_USERS) {
      for (const courseId of user.enrolledIn) await enroll(client, DEFAULT_TABLE_PREFIX, { userId: user.sub, courseId, email: user.email });
    }

    // On-demand encodes: a queue in this process, reached by the issuer through a loopback
    // endpoint with a per-start secret. Claims left by a previous run that stopped mid-encode
    // go back to pending, so the next student request starts them again.
    const lessonsTableName = tableName(DEFAULT_TABLE_PREFIX, TABLES.lessons);
    for (const l of await listInterruptedOnDemandEncodes(client, lessonsTableName)) {
      await releaseEncodeClaim(client, lessonsTableName, l.courseId, l.lessonId);
    }
    const encodeQueue = createLocalEncodeQueue({
      dataDir: paths.root,
      dynamo: client,
      tablePrefix: DEFAULT_TABLE_PREFIX,
      log,
      ...(options.encodeOptions ? { encodeOptions: options.encodeOptions } : {}),
    });
    closers.push(() => encodeQueue.close());
    const encodeEndpoint = await startEncodeRequestEndpoint((request) => encodeQueue.request(request));
    closers.push(() => encodeEndpoint.close());

    // The IdP first: its URL is the issuer the cookie issuer is pinned to.
    let idp: LocalIdp | undefined;
    const idpServer = createServer((req, res) => idp?.handle(req, res));
    const idpPort = await listen(idpServer, options.idpPort ?? (options.port === 0 ? 0 : options.port + 1));
    closers.push(() => new Promise((done) => idpServer.close(() => done())));
    idp = createLocalIdp({ baseUrl: `http://127.0.0.1:${idpPort}`, keys: idpKeys });

    // The distribution's port must be known before the issuer config is baked (allowedHosts),
    // so it listens first and answers every request with a 503 until the system opens.
    let serve: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    const distribution = createServer((req, res) => (serve ? serve(req, res) : answerStarting(res)));
    const port = await listen(distribution, options.port);
    closers.push(() => new Promise((done) => { distribution.closeAllConnections(); distribution.close(() => done()); }));
    const host = `localhost:${port}`;
    const url = `http://${host}`;
    options.onListening?.(url);
    const corsAllowedOrigins = [...(options.corsAllowedOrigins ?? [])];

    const issuerBuild = await buildCookieIssuer();
    await mkdir(paths.issuerBundle, { recursive: true });
    await cp(issuerBuild.file, join(paths.issuerBundle, 'index.mjs'));
    await writeIssuerConfig(paths.issuerBundle, {
      issuer: idp.issuer,
      clientIds: [idp.clientId],
      jwks: idp.jwks,
      enrollments: { region: LOCAL_REGION, tableName: tableName(DEFAULT_TABLE_PREFIX, TABLES.enrollments), endpoint: dynamo.endpoint },
      lessons: { region: LOCAL_REGION, tableName: lessonsTableName, endpoint: dynamo.endpoint },
      onDemand: { requester: { kind: 'http', url: encodeEndpoint.url, secret: encodeEndpoint.secret } },
      signing: { keyPairId: keyPair.keyPairId, key: { source: 'pem-file', path: keyPair.privateKeyPath } },
      scheme: 'http',
      allowedHosts: [host, `127.0.0.1:${port}`],
      corsAllowedOrigins,
      ...options.issuerOverrides,
    });
    // A fresh module instance per start: the bundle reads its config.json at load, like a cold start.
    const issuerModule = (await import(`${pathToFileURL(join(paths.issuerBundle, 'index.mjs')).href}?start=${Date.now()}`)) as {
      handler: (event: CloudFrontRequestEvent) => Promise<unknown>;
    };

    const viewerRequestFile = join(paths.root, 'edge', 'viewer-request.js');
    await buildViewerRequest(viewerRequestFile);
    const viewerRequest = loadCloudFrontFunction(await readFile(viewerRequestFile, 'utf8'), { kvs: kvsFromFile(paths.kvsFile) });

    await installPlayer(paths.player, log);
    // The watch page's config (on AWS, written at deploy): where to sign in (Hosted UI
    // endpoints /oauth2/authorize and /oauth2/token under idpUrl) and where progress lives.
    await writeFile(join(paths.player, PLAYER_CONFIG_KEY), JSON.stringify(playerPageConfig({ idpUrl: `http://127.0.0.1:${idpPort}`, clientId: idp.clientId })));

    const spec = defineDistribution({
      corsAllowedOrigins,
      trustedKeys: [{ id: keyPair.keyPairId, publicKeyPem: keyPair.publicKeyPem }],
    });
    const cloudFront = createDistributionHandler({
      spec,
      origins: { media: paths.media, player: paths.player },
      viewerRequest,
      cookieIssuer: issuerModule.handler,
      scheme: 'http',
      log,
    });
    // Local-only: the progress API an LMS backend serves on AWS (player/README.md), answered
    // before the emulated distribution so the player can reach it on the same origin.
    const progress = createProgressRoute({
      store: createProgressStore(client, DEFAULT_TABLE_PREFIX),
      issuer: idp.issuer,
      clientIds: [idp.clientId],
      jwks: idp.jwks,
      corsAllowedOrigins,
      log,
    });
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      if (!progress(req, res)) cloudFront(req, res);
    };
    const open = () => {
      serve = handle;
    };
    if (!options.deferOpen) open();

    await writeFile(
      paths.runtime,
      JSON.stringify(
        { url, issuer: idp.issuer, clientId: idp.clientId, idpUrl: `http://127.0.0.1:${idpPort}`, keyPairId: keyPair.keyPairId, pid: process.pid, dynamoEndpoint: dynamo.endpoint },
        null,
        2,
      ),
    );

    return {
      url,
      host,
      idp,
      keyPair,
      dynamoEndpoint: dynamo.endpoint,
      spec,
      dataDir: paths.root,
      mediaRoot: paths.media,
      playerRoot: paths.player,
      kvsFile: paths.kvsFile,
      encodeQueue,
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

/**
 * The player bucket's contents: the Vite build (dist/player, rebuilt first if the player's
 * sources changed), copied whole; files of an older build are removed, as a deploy would.
 */
async function installPlayer(playerRoot: string, log: (line: string) => void): Promise<void> {
  await ensurePlayerBuild(async (built) => {
    await rm(playerRoot, { recursive: true, force: true });
    await cp(built, playerRoot, { recursive: true });
  }, log);
}
