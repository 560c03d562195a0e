/**
 * The cookie issuer's config.json, built from stack config and resource outputs and validated
 * with the issuer's own parser (edge/cookie-issuer/config.ts) before it is zipped beside the
 * bundle: a config the issuer would refuse at cold start never reaches a deployment.
 */
import type { JSONWebKeySet } from 'jose';
import { parseIssuerConfig, type IssuerConfig } from '../edge/cookie-issuer/config.ts';
import type { DistributionSpec } from '../edge/distribution-spec.ts';
import { viewerHosts, type StackConfig } from './stack-config.ts';
import { tokenSettingsFor } from './token-settings.ts';

export interface IssuerConfigInputs {
  readonly config: StackConfig;
  readonly spec: DistributionSpec;
  /** CloudFront public key id of the active signing key (a PublicKey resource's id). */
  readonly keyPairId: string;
  /** ARN of the Secrets Manager secret holding the active private key. */
  readonly secretArn: string;
  readonly enrollmentsTable: string;
  readonly lessonsTable: string;
  readonly jwks: JSONWebKeySet;
  /** The upload trigger's function name, when on-demand encoding is on (stack config). */
  readonly uploadTriggerName?: string;
}

export function issuerConfigFor(inputs: IssuerConfigInputs): IssuerConfig {
  const { config, spec } = inputs;
  return parseIssuerConfig({
    ...tokenSettingsFor(config, inputs.jwks),
    enrollments: { region: config.region, tableName: inputs.enrollmentsTable },
    // GET /auth/lessons/<course>/<lesson> reads lesson status. By default the upload trigger
    // encodes every upload and the issuer requests nothing; in on-demand mode it invokes the
    // trigger asynchronously (an Event invoke answers at once, well inside the 5 s budget).
    lessons: { region: config.region, tableName: inputs.lessonsTable },
    onDemand: {
      requester: config.onDemandEncoding && inputs.uploadTriggerName
        ? { kind: 'lambda', functionName: inputs.uploadTriggerName, region: config.region }
        : { kind: 'none' },
    },
    signing: {
      keyPairId: inputs.keyPairId,
      algorithm: config.signing.algorithm,
      key: { source: 'secrets-manager', secretId: inputs.secretArn, region: config.region },
    },
    cookie: { ttlSeconds: config.cookie.ttlSeconds, sameSite: config.cookie.sameSite },
    scheme: 'https',
    // Policies may only name a host the stack serves (its viewer origins, by default the custom
    // domain); with none, the Host CloudFront passes (the distribution's own domain) is used.
    allowedHosts: viewerHosts(config),
    corsAllowedOrigins: spec.cors.allowedOrigins,
  });
}

/** The exact bytes of config.json in the deployment zip. */
export function issuerConfigJson(inputs: IssuerConfigInputs): string {
  return JSON.stringify(issuerConfigFor(inputs), null, 2) + '\n';
}

/** Placeholders of the right shape, to validate the static part of the config at preview time. */
export const PLACEHOLDER_KEY_PAIR_ID = 'KPREVIEWPLACEHOLDER';

/**
 * Fetches the user pool's JWKS at deploy time (the issuer bundles it so a cold start needs no
 * call to Cognito). Fails the deployment rather than baking an empty key set.
 */
export async function fetchJwks(uri: string, timeoutMs = 10_000): Promise<JSONWebKeySet> {
  const response = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`JWKS ${uri}: HTTP ${response.status}`);
  const body = (await response.json()) as JSONWebKeySet;
  if (!body || !Array.isArray(body.keys) || body.keys.length === 0) throw new Error(`JWKS ${uri}: no keys`);
  return body;
}
