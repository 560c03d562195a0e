/**
 * The stack's configuration, as one typed, validated value. Pulumi.yaml declares every key (with
 * its description and default); `parseStackConfig` checks them all before a single resource is
 * declared, so a bad stack file fails `pulumi preview` with a message naming the key.
 *
 * The same parser serves `pulumi up` (values read through pulumi.Config, see main.ts) and
 * `lectern audit` (values read from the stack YAML file, see audit/stack-file.ts).
 */
import type * as pulumi from '@pulumi/pulumi';
import type { JSONWebKeySet } from 'jose';
import { assertCorsOrigin } from '../edge/distribution-spec.ts';
import { describePublicKey, publicKeyOf } from './signing-key-names.ts';
import { autoCaptionsSetting, bool, fail, int, logRetention, oneOf, str, strings, type Raw } from './stack-config-fields.ts';
import { CONFIG_DEFAULTS, CONFIG_NAMESPACE, StackConfigError } from './stack-config-keys.ts';

export type PriceClass = 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
export type SameSite = 'None' | 'Lax' | 'Strict';

export interface TrustedPublicKey {
  /** `key-<12 hex>`: the first 12 hex digits of the SHA-256 of the key's DER (SPKI). */
  readonly name: string;
  /** Full SHA-256 hex of the SPKI DER, for the audit. */
  readonly fingerprint: string;
  /** PEM, normalised to end with one newline (CloudFront stores it verbatim). */
  readonly publicKeyPem: string;
}

export interface StackConfig {
  /** Pulumi stack name. */
  readonly stack: string;
  /** The stack's region (`aws:region`): buckets, tables, pipeline, the signing-key secret. */
  readonly region: string;
  /** Prefix of physical names: `lectern-<stack>`. */
  readonly namePrefix: string;
  readonly cognito: {
    readonly region: string;
    readonly userPoolId: string;
    readonly clientIds: readonly string[];
    readonly tokenUse: readonly ('access' | 'id')[];
    /** JWKS to bake instead of fetching `<issuer>/.well-known/jwks.json` at deploy time. */
    readonly jwks?: JSONWebKeySet;
    /** Hosted UI (managed login) base URL, `https://<domain>`: where the watch page signs in. */
    readonly hostedUiUrl: string;
  };
  readonly corsAllowedOrigins: readonly string[];
  /**
   * Where viewers reach the distribution, `scheme://host[:port]`: the only Hosts the edge
   * functions answer (viewerHosts) and the watch page's callback URLs (watchCallbackUrls).
   */
  readonly viewerOrigins: readonly string[];
  readonly cookie: { readonly ttlSeconds: number; readonly sameSite: SameSite };
  readonly priceClass: PriceClass;
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  readonly signing: {
    readonly trustedPublicKeys: readonly TrustedPublicKey[];
    /** Name (`key-…`) of the key the cookie issuer signs with. */
    readonly activeKey: string;
    readonly algorithm: 'SHA1' | 'SHA256';
    /** The active key's private PEM, a Pulumi secret. Absent only in `lectern audit`. */
    readonly privateKeyPem?: pulumi.Input<string>;
  };
  readonly tablePrefix: string;
  /** Raw uploads (under `uploads/`, the upload trigger's convention) expire after these days. */
  readonly uploads: { readonly retentionDays: number };
  readonly forceDestroyBuckets: boolean;
  readonly tableDeletionProtection: boolean;
  readonly logRetentionDays: number;
  /**
   * Seed 003's on-demand mode: an upload is only registered, and the first student to ask
   * for the lesson (GET /auth/lessons/<c>/<l>) starts its encode. Default false: every upload
   * is encoded at once.
   */
  readonly onDemandEncoding: boolean;
  /**
   * Automatic captions with Amazon Transcribe (infra/components/auto-captions.ts): null (`off`,
   * the default), `identify`, or a Transcribe language code such as `en-US`.
   */
  readonly autoCaptions: string | null;
  /** Folder (relative to the repository root) whose files are uploaded to the player bucket. */
  readonly playerDir: string;
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export interface StackContext {
  readonly stack: string;
  readonly region: string;
}

/**
 * Validates raw config values (native YAML types, or the strings pulumi.Config returns) into a
 * StackConfig. `privateKeyPem` is passed separately because it is a secret Output.
 */
export function parseStackConfig(raw: Raw, context: StackContext, privateKeyPem?: pulumi.Input<string>): StackConfig {
  if (!/^[a-zA-Z0-9_.-]+$/.test(context.stack)) throw new StackConfigError(`stack name ${JSON.stringify(context.stack)} is not usable in resource names`);
  if (!REGION.test(context.region)) throw new StackConfigError(`aws:region must be set to an AWS region (got ${JSON.stringify(context.region)})`);
  const stackSlug = context.stack.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const namePrefix = `lectern-${stackSlug}`;

  const cognitoRegion = str(raw, 'cognitoRegion', true);
  if (!REGION.test(cognitoRegion)) fail('cognitoRegion', 'must be an AWS region such as eu-west-1');
  const userPoolId = str(raw, 'cognitoUserPoolId', true);
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) fail('cognitoUserPoolId', 'must look like <region>_<id>, e.g. eu-west-1_AbCdEf123');
  if (!userPoolId.startsWith(`${cognitoRegion}_`)) fail('cognitoUserPoolId', `must belong to lectern:cognitoRegion (${cognitoRegion})`);
  const clientIds = strings(raw, 'cognitoClientIds', true);
  const tokenUse = strings(raw, 'cognitoTokenUse', false);
  if (tokenUse.length === 0 || !tokenUse.every((t) => t === 'access' || t === 'id')) fail('cognitoTokenUse', 'must list "access" and/or "id"');
  const jwksText = str(raw, 'cognitoJwks', false);
  let jwks: JSONWebKeySet | undefined;
  if (jwksText) {
    try {
      jwks = JSON.parse(jwksText) as JSONWebKeySet;
    } catch {
      fail('cognitoJwks', 'must be the JSON of a JWKS ({"keys":[...]})');
    }
    if (!jwks || !Array.isArray(jwks.keys)) fail('cognitoJwks', 'must be the JSON of a JWKS ({"keys":[...]})');
  }

  const hostedUiUrl = str(raw, 'cognitoHostedUiUrl', true).replace(/\/+$/, '');
  // A loopback http URL is the local stack's IdP (`npm start`); a browser allows plain http
  // only there, the way OAuth 2.0 for native apps allows loopback redirects (RFC 8252 §7.3).
  if (!/^https:\/\/[a-z0-9.-]+$/i.test(hostedUiUrl) && !/^http:\/\/(?:127\.0\.0\.1|localhost):\d{1,5}$/.test(hostedUiUrl)) {
    fail('cognitoHostedUiUrl', 'must be the Hosted UI base URL, https://<domain> with no path, e.g. https://lectern.auth.eu-west-1.amazoncognito.com (or a loopback http://127.0.0.1:<port> for a local stack)');
  }

  const corsAllowedOrigins = strings(raw, 'corsAllowedOrigins', false);
  for (const origin of corsAllowedOrigins) {
    try {
      assertCorsOrigin(origin);
    } catch (error) {
      fail('corsAllowedOrigins', (error as Error).message);
    }
  }

  const domainName = str(raw, 'domainName', false).toLowerCase();
  const certificateArn = str(raw, 'certificateArn', false);
  if (domainName && !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) fail('domainName', 'must be a DNS name such as video.example.com');
  if (Boolean(domainName) !== Boolean(certificateArn)) fail(domainName ? 'certificateArn' : 'domainName', 'must be set together with the other (a custom domain needs its certificate)');
  if (certificateArn && !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    fail('certificateArn', 'must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)');
  }

  const viewerOrigins = strings(raw, 'viewerOrigins', false);
  // Plain http only for a loopback host: the local stack's listener (as for cognitoHostedUiUrl).
  for (const origin of viewerOrigins) {
    if (!/^https:\/\/[a-z0-9.-]+$/.test(origin) && !/^http:\/\/(?:127\.0\.0\.1|localhost):\d{1,5}$/.test(origin)) {
      fail('viewerOrigins', `must list lower-case origins, https://<host> with no path (or a loopback http://localhost:<port> for a local stack); got ${JSON.stringify(origin)}`);
    }
  }
  if (domainName && viewerOrigins.length === 0) viewerOrigins.push(`https://${domainName}`);

  const pems = strings(raw, 'trustedPublicKeys', true);
  const trustedPublicKeys: TrustedPublicKey[] = pems.map((pem, index) => {
    try {
      const normalised = pem.trim() + '\n';
      return { ...describePublicKey(normalised), publicKeyPem: normalised };
    } catch {
      fail('trustedPublicKeys', `[${index}] is not a PEM public key`);
    }
  });
  if (new Set(trustedPublicKeys.map((k) => k.name)).size !== trustedPublicKeys.length) fail('trustedPublicKeys', 'lists the same key twice');
  if (trustedPublicKeys.length > 5) fail('trustedPublicKeys', 'may hold at most 5 keys (CloudFront key group quota)');
  const names = trustedPublicKeys.map((k) => k.name);
  let activeKey = str(raw, 'activeSigningKey', false);
  if (!activeKey) {
    if (trustedPublicKeys.length !== 1) fail('activeSigningKey', `is required when several keys are trusted; one of ${names.join(', ')}`);
    activeKey = names[0] as string;
  }
  if (!names.includes(activeKey)) fail('activeSigningKey', `must name a trusted key; one of ${names.join(', ')}`);

  const tablePrefix = str(raw, 'tablePrefix', false) || `${namePrefix}-`;
  if (!/^[a-zA-Z0-9_.-]{1,200}$/.test(tablePrefix)) fail('tablePrefix', 'may only hold letters, digits, _ . -');
  const playerDir = str(raw, 'playerDir', false) || CONFIG_DEFAULTS.playerDir;

  return {
    stack: context.stack,
    region: context.region,
    namePrefix,
    cognito: { region: cognitoRegion, userPoolId, clientIds, tokenUse: tokenUse as ('access' | 'id')[], ...(jwks ? { jwks } : {}), hostedUiUrl },
    corsAllowedOrigins,
    viewerOrigins,
    cookie: { ttlSeconds: int(raw, 'cookieTtlSeconds', 10, 86_400), sameSite: oneOf(raw, 'cookieSameSite', ['None', 'Lax', 'Strict'] as const) },
    priceClass: oneOf(raw, 'priceClass', ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const),
    ...(domainName ? { domain: { name: domainName, certificateArn } } : {}),
    signing: {
      trustedPublicKeys,
      activeKey,
      algorithm: oneOf(raw, 'signingHashAlgorithm', ['SHA1', 'SHA256'] as const),
      ...(privateKeyPem !== undefined ? { privateKeyPem } : {}),
    },
    tablePrefix,
    uploads: { retentionDays: int(raw, 'uploadRetentionDays', 1, 3650) },
    forceDestroyBuckets: bool(raw, 'forceDestroyBuckets'),
    tableDeletionProtection: bool(raw, 'tableDeletionProtection'),
    logRetentionDays: logRetention(raw),
    onDemandEncoding: bool(raw, 'onDemandEncoding'),
    autoCaptions: autoCaptionsSetting(raw),
    playerDir,
  };
}

/** Returns the PEM when it is the private half of the active trusted key; throws otherwise. */
export function assertActivePrivateKey(config: StackConfig, privateKeyPem: string): string {
  const active = config.signing.trustedPublicKeys.find((k) => k.name === config.signing.activeKey);
  let derived: string;
  try {
    derived = publicKeyOf(privateKeyPem);
  } catch {
    throw new StackConfigError(`${CONFIG_NAMESPACE}:signingPrivateKey is not a PEM private key`);
  }
  if (!active || describePublicKey(derived).fingerprint !== active.fingerprint) {
    throw new StackConfigError(`${CONFIG_NAMESPACE}:signingPrivateKey does not belong to the active key ${config.signing.activeKey}`);
  }
  return privateKeyPem;
}

/** The Cognito issuer URL tokens carry in `iss`. */
export function cognitoIssuer(config: StackConfig): string {
  return cognitoIssuerUrl(config.cognito.region, config.cognito.userPoolId);
}

/** The `iss` of a user pool's tokens. */
export function cognitoIssuerUrl(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * The Hosts the edge functions answer, baked into their config as `allowedHosts`. Empty (no
 * viewerOrigins, no custom domain): whatever Host CloudFront routes to the distribution, which
 * is only its own domain names (edge/host-check.ts says why that is enough there).
 */
export function viewerHosts(config: StackConfig): string[] {
  return config.viewerOrigins.map((origin) => new URL(origin).host);
}

/**
 * The callback (and sign-out) URLs the first app client registers: the watch page signs in
 * with `redirect_uri` = `<its origin>/watch/` (player/src/auth.ts). The local IdP's app client
 * registers exactly these, so a sign-in that works locally works against Cognito.
 */
export function watchCallbackUrls(config: StackConfig): string[] {
  // Cognito registers plain http for localhost only (https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/cognitoidentityprovider/aws.sdk.kotlin.services.cognitoidentityprovider.model/-create-user-pool-client-request/callback-urls.html),
  // so a page at http://127.0.0.1:<port> is served but cannot sign in, locally as on AWS.
  return config.viewerOrigins.filter((origin) => origin.startsWith('https://') || new URL(origin).hostname === 'localhost').map((origin) => `${origin}/watch/`);
}
