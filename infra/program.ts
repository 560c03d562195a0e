/**
 * The whole lectern stack: storage, tables, signing key, the edge distribution and the encoding
 * pipeline, composed from one component per concern. `main.ts` feeds it the stack config under
 * `pulumi up`; tests and `lectern audit` feed it the same config under Pulumi's mocks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { JSONWebKeySet } from 'jose';
import { PLAYER_CONFIG_KEY, playerPageConfig } from '../player/page-config.ts';
import { defineDistribution, type DistributionInput, type DistributionSpec } from '../edge/distribution-spec.ts';
import { contentTypeFor } from '../edge/media-types.ts';
import { defaultArtifactPaths, loadArtifacts, loadTranscribeHandler, REPO_ROOT, type ArtifactPaths, type LoadedArtifacts } from './artifacts.ts';
import { AutoCaptions } from './components/auto-captions.ts';
import { EdgeDistribution } from './components/distribution.ts';
import { EncodingPipeline, UPLOADS_PREFIX, uploadTriggerName } from './components/encoding-pipeline.ts';
import { MediaStorage } from './components/media-storage.ts';
import { ProgressApi } from './components/progress-api.ts';
import { SigningKey } from './components/signing-key.ts';
import { Tables } from './components/tables.ts';
import { fetchJwks, issuerConfigFor, PLACEHOLDER_KEY_PAIR_ID } from './issuer-config.ts';
import { progressApiConfigFor, progressApiConfigJson } from './progress-api-config.ts';
import { assertActivePrivateKey, cognitoIssuer, type StackConfig } from './stack-config.ts';

export interface ProgramOptions {
  /** Where the built artifacts are (default: dist/ of this repository). */
  readonly artifacts?: Partial<ArtifactPaths>;
  /** The spec builder (default: edge/distribution-spec.ts's defineDistribution). */
  readonly defineSpec?: (input: DistributionInput) => DistributionSpec;
  /** How to get the user pool's JWKS when the stack does not pin one (default: HTTPS fetch). */
  readonly fetchJwks?: (uri: string) => Promise<JSONWebKeySet>;
  /** Repository root for `playerDir` (default: infra/..). */
  readonly root?: string;
  /**
   * `lectern audit` reads the stack file, where the private key is an encrypted secret it
   * cannot (and need not) read: the secret then holds a placeholder and the check that the
   * private key matches the active public key is skipped. Never set for a deployment.
   */
  readonly withoutPrivateKey?: boolean;
}

export interface Lectern {
  readonly spec: DistributionSpec;
  readonly artifacts: LoadedArtifacts;
  readonly storage: MediaStorage;
  readonly tables: Tables;
  readonly signingKey: SigningKey;
  readonly edgeProvider: aws.Provider;
  readonly progressApi: ProgressApi;
  readonly edge: EdgeDistribution;
  readonly pipeline: EncodingPipeline;
  /** Present with the `autoCaptions` setting on. */
  readonly autoCaptions?: AutoCaptions;
  readonly outputs: Record<string, pulumi.Output<unknown>>;
}

/** Lambda@Edge functions must be created in us-east-1, whatever the stack's region. */
export const EDGE_REGION = 'us-east-1';

export function createLectern(config: StackConfig, options: ProgramOptions = {}): Lectern {
  const root = options.root ?? REPO_ROOT;
  const artifacts = loadArtifacts({ ...defaultArtifactPaths(root), ...options.artifacts });
  const spec = (options.defineSpec ?? defineDistribution)({
    corsAllowedOrigins: config.corsAllowedOrigins,
    // CloudFront assigns public key ids when the keys are created; the spec names each key by
    // its fingerprint name, and the Distribution component maps names to the real ids.
    trustedKeys: config.signing.trustedPublicKeys.map((k) => ({ id: k.name, publicKeyPem: k.publicKeyPem })),
    keyGroupName: `${config.namePrefix}-signers`,
  });

  // The static part of the issuer's config is checked now, so `pulumi preview` already fails on
  // a config the issuer would refuse; the full config.json is checked again once ids exist.
  issuerConfigFor({ config, spec, keyPairId: PLACEHOLDER_KEY_PAIR_ID, secretArn: 'preview', enrollmentsTable: 'preview', lessonsTable: 'preview', jwks: { keys: [] } });
  progressApiConfigFor({ config, spec, enrollmentsTable: 'preview', lessonsTable: 'preview', progressTable: 'preview', jwks: { keys: [] } });

  const privateKey = config.signing.privateKeyPem;
  if (privateKey === undefined && !options.withoutPrivateKey) throw new Error('lectern:signingPrivateKey is required (pulumi config set --secret lectern:signingPrivateKey < private.pem)');
  // The private key must be the active public key's other half, or every cookie would be
  // refused: checked before the secret is written (a failed check fails the deployment).
  const checkedPrivateKey = privateKey === undefined
    ? pulumi.secret('(not read by lectern audit)')
    : pulumi.secret(pulumi.output(privateKey).apply((pem) => assertActivePrivateKey(config, pem)));

  const storage = new MediaStorage('storage', {
    namePrefix: config.namePrefix,
    uploadsPrefix: UPLOADS_PREFIX,
    uploadRetentionDays: config.uploads.retentionDays,
    forceDestroy: config.forceDestroyBuckets,
  });
  const tables = new Tables('tables', { prefix: config.tablePrefix, deletionProtection: config.tableDeletionProtection });
  const signingKey = new SigningKey('signing-key', { namePrefix: config.namePrefix, keyName: config.signing.activeKey, privateKeyPem: checkedPrivateKey });

  // Explicit, so the edge function's Region never depends on the stack's aws:region. It keeps
  // the stack's aws:profile, the one setting of the default provider it would otherwise lose.
  const edgeProvider = new aws.Provider('edge-us-east-1', { region: EDGE_REGION, ...(aws.config.profile ? { profile: aws.config.profile } : {}) });
  const jwksUri = `${cognitoIssuer(config)}/.well-known/jwks.json`;
  const jwks = config.cognito.jwks ?? pulumi.output((options.fetchJwks ?? fetchJwks)(jwksUri));

  // The progress API (Lambda@Edge on /api/*), its config.json built from the table names.
  const progressApi = new ProgressApi('progress-api', {
    namePrefix: config.namePrefix,
    bundlePath: artifacts.progressApi.path,
    configJson: pulumi
      .all([tables.tables.enrollments.name, tables.tables.lessons.name, tables.tables.progress.name, jwks])
      .apply(([enrollmentsTable, lessonsTable, progressTable, keys]) =>
        progressApiConfigJson({ config, spec, enrollmentsTable, lessonsTable, progressTable, jwks: keys as JSONWebKeySet }),
      ),
    enrollmentsTableArn: tables.tables.enrollments.arn,
    lessonsTableArn: tables.tables.lessons.arn,
    progressTableArn: tables.tables.progress.arn,
    edgeProvider,
  });

  const edge = new EdgeDistribution('edge', {
    spec,
    config,
    edgeProvider,
    origins: { media: storage.media, player: storage.player, originAccessControlId: storage.originAccessControl.id },
    enrollmentsTable: tables.tables.enrollments,
    lessonsTable: tables.tables.lessons,
    signingSecretArn: signingKey.secret.arn,
    artifacts,
    jwks,
    ...(config.onDemandEncoding ? { onDemand: { uploadTriggerName: uploadTriggerName(config.namePrefix), region: config.region } } : {}),
    lambdaEdge: { 'progress-api': progressApi.qualifiedArn },
  });
  storage.allowDistribution(edge.distribution.arn);
  storage.mirrorCors(spec.cors);
  uploadPlayer(storage, path.resolve(root, config.playerDir), config.playerDir);
  // The watch page signs in at the Hosted UI with the first app client (player/page-config.ts).
  const pageConfig = playerPageConfig({ idpUrl: config.cognito.hostedUiUrl, clientId: config.cognito.clientIds[0]! });
  new aws.s3.BucketObjectv2(`player/${PLAYER_CONFIG_KEY}`, {
    bucket: storage.player.id,
    key: PLAYER_CONFIG_KEY,
    content: JSON.stringify(pageConfig),
    contentType: 'application/json',
    cacheControl: 'no-cache',
  }, { parent: storage });

  const pipeline = new EncodingPipeline('pipeline', {
    namePrefix: config.namePrefix,
    region: config.region,
    uploads: storage.uploads,
    media: storage.media,
    lessonsTable: tables.tables.lessons,
    nextLessonStoreArn: edge.nextLessonStore.arn,
    uploadTriggerBundle: artifacts.uploadTrigger.path,
    completionHandlerBundle: artifacts.completionHandler.path,
    logRetentionDays: config.logRetentionDays,
    onDemandEncoding: config.onDemandEncoding,
    autoCaptions: config.autoCaptions,
  });
  const autoCaptions = config.autoCaptions === null ? undefined : new AutoCaptions('auto-captions', {
    namePrefix: config.namePrefix,
    region: config.region,
    uploads: storage.uploads,
    media: storage.media,
    lessonsTable: tables.tables.lessons,
    completionRole: pipeline.completionRole,
    handlerBundle: loadTranscribeHandler(artifacts.paths).path,
    logRetentionDays: config.logRetentionDays,
  });

  const domainName = edge.distribution.domainName;
  const outputs: Record<string, pulumi.Output<unknown>> = {
    url: config.domain ? pulumi.output(`https://${config.domain.name}`) : pulumi.interpolate`https://${domainName}`,
    distributionId: edge.distribution.id,
    distributionDomainName: domainName,
    // Point the custom domain here (Route 53 alias, hosted zone Z2FDTNDATAQYW2, or a CNAME).
    dnsTarget: domainName,
    keyGroupId: edge.keyGroup.id,
    trustedKeyIds: pulumi.output(Object.fromEntries(Object.entries(edge.publicKeys).map(([keyName, key]) => [keyName, key.id]))),
    activeKeyPairId: edge.activeKeyPairId,
    signingKeySecretArn: signingKey.secret.arn,
    cookieIssuerVersionArn: edge.cookieIssuer.qualifiedArn,
    progressApiVersionArn: progressApi.qualifiedArn,
    viewerRequestFunctionArn: edge.viewerRequest.arn,
    nextLessonStoreArn: edge.nextLessonStore.arn,
    mediaBucket: storage.media.bucket,
    uploadsBucket: storage.uploads.bucket,
    uploadsPrefix: pulumi.output(UPLOADS_PREFIX),
    playerBucket: storage.player.bucket,
    tables: pulumi.output({
      enrollments: tables.tables.enrollments.name,
      lessons: tables.tables.lessons.name,
      progress: tables.tables.progress.name,
    }),
    mediaConvertQueueArn: pipeline.queue.arn,
    mediaConvertRoleArn: pipeline.mediaConvertRole.arn,
  };
  if (autoCaptions) outputs['transcribeHandlerArn'] = autoCaptions.handler.arn;
  return { spec, artifacts, storage, tables, signingKey, edgeProvider, progressApi, edge, pipeline, ...(autoCaptions ? { autoCaptions } : {}), outputs };
}

/**
 * Uploads the built player folder to the player bucket (keys = relative paths). Without the
 * watch page and the 403 page a deployment cannot serve a student, so their absence fails it.
 */
function uploadPlayer(storage: MediaStorage, dir: string, configured: string): void {
  for (const required of ['index.html', 'errors/403.html']) {
    if (!existsSync(path.join(dir, required))) {
      throw new Error(`lectern:playerDir (${configured}) has no ${required}: run \`npm run build\` first, or point playerDir at the built player`);
    }
  }
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(dir);
  for (const file of files.sort()) {
    const key = path.relative(dir, file).split(path.sep).join('/');
    if (key === PLAYER_CONFIG_KEY) continue; // written by the program, from the stack config
    new aws.s3.BucketObjectv2(`player/${key}`, {
      bucket: storage.player.id,
      key,
      source: new pulumi.asset.FileAsset(file),
      contentType: contentTypeFor(key),
      cacheControl: key.endsWith('.html') || key.endsWith('.json') ? 'no-cache' : 'public, max-age=300',
    }, { parent: storage });
  }
}
