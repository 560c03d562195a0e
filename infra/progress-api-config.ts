/**
 * The progress API's config.json, built from stack config and resource outputs and validated
 * with the function's own parser (edge/progress-api/config.ts) before it is zipped beside the
 * bundle: a config the function would refuse at cold start never reaches a deployment.
 */
import type { JSONWebKeySet } from 'jose';
import type { DistributionSpec } from '../edge/distribution-spec.ts';
import { parseProgressApiConfig, type ProgressApiConfig } from '../edge/progress-api/config.ts';
import { viewerHosts, type StackConfig } from './stack-config.ts';
import { tokenSettingsFor } from './token-settings.ts';

export interface ProgressApiConfigInputs {
  readonly config: StackConfig;
  readonly spec: DistributionSpec;
  readonly enrollmentsTable: string;
  readonly lessonsTable: string;
  readonly progressTable: string;
  readonly jwks: JSONWebKeySet;
}

export function progressApiConfigFor(inputs: ProgressApiConfigInputs): ProgressApiConfig {
  const { config, spec } = inputs;
  return parseProgressApiConfig({
    // The same pool, clients and token kinds the cookie issuer accepts.
    ...tokenSettingsFor(config, inputs.jwks),
    scheme: 'https',
    // The same Hosts as the cookie issuer: the stack's viewer origins (by default the custom
    // domain); with none, the Host CloudFront passes.
    allowedHosts: viewerHosts(config),
    // Embeds on other origins save progress with credentials: the distribution's allowlist.
    corsAllowedOrigins: spec.cors.allowedOrigins,
    // The tables live in the stack's region; the function runs at edge locations everywhere.
    enrollments: { region: config.region, tableName: inputs.enrollmentsTable },
    lessons: { region: config.region, tableName: inputs.lessonsTable },
    progress: { region: config.region, tableName: inputs.progressTable },
  });
}

/** The exact bytes of config.json in the deployment zip. */
export function progressApiConfigJson(inputs: ProgressApiConfigInputs): string {
  return JSON.stringify(progressApiConfigFor(inputs), null, 2) + '\n';
}
