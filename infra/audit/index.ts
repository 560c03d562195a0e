/**
 * `lectern audit`: builds the real program under Pulumi's mocks from a stack's settings, runs
 * the policy pack over what it declares, and reports who can reach what.
 */
import path from 'node:path';
import { parseIssuerConfig } from '../../edge/cookie-issuer/config.ts';
import { parseProgressApiConfig } from '../../edge/progress-api/config.ts';
import type { DistributionInput, DistributionSpec } from '../../edge/distribution-spec.ts';
import { runUnderMocks } from '../mock-run.ts';
import { parseStackConfig, type StackConfig } from '../stack-config.ts';
import { prepareArtifacts } from './artifacts.ts';
import { evaluatePolicies } from './evaluate.ts';
import { buildReport } from './report.ts';
import type { AuditReport } from './report-types.ts';
import { toMarkdown } from './report-markdown.ts';
import { INFRA_DIR, readStackFile } from './stack-file.ts';

export interface AuditOptions {
  /** A stack file; default infra/Pulumi.<stack>.yaml. */
  readonly stackFile?: string;
  /** Stack name; default `sample` (infra/Pulumi.sample.yaml). */
  readonly stack?: string;
  /** A spec builder to audit instead of edge/distribution-spec.ts's defineDistribution. */
  readonly defineSpec?: (input: DistributionInput) => DistributionSpec;
  /** Build the edge artifacts fresh instead of reading dist/. */
  readonly build?: boolean;
}

export interface AuditResult {
  readonly report: AuditReport;
  readonly markdown: string;
  /** True when a mandatory policy is violated (or spec and program disagree). */
  readonly failed: boolean;
}

/** JWKS used under mocks: the real one is fetched from Cognito at deploy time. */
const AUDIT_JWKS = { keys: [] };

export async function runAudit(options: AuditOptions = {}): Promise<AuditResult> {
  const file = options.stackFile ?? path.join(INFRA_DIR, `Pulumi.${options.stack ?? 'sample'}.yaml`);
  const stackFile = readStackFile(file);
  const config: StackConfig = parseStackConfig(stackFile.raw, { stack: stackFile.stack, region: stackFile.region });
  const artifacts = await prepareArtifacts({ forceBuild: options.build ?? false });
  try {
    const run = await runUnderMocks(config, {
      artifacts: artifacts.paths,
      withoutPrivateKey: true,
      fetchJwks: async () => AUDIT_JWKS,
      ...(options.defineSpec ? { defineSpec: options.defineSpec } : {}),
    });
    const configJson = await new Promise<string>((resolve) => run.lectern.edge.cookieIssuer.configJson.apply((json) => { resolve(json); return json; }));
    const issuerConfig = parseIssuerConfig(JSON.parse(configJson));
    const progressJson = await new Promise<string>((resolve) => run.lectern.progressApi.configJson.apply((json) => { resolve(json); return json; }));
    const progressApiConfig = parseProgressApiConfig(JSON.parse(progressJson));
    const { violations, policiesChecked, resourcesChecked } = await evaluatePolicies(run);
    const notes = [
      ...artifacts.notes,
      'Read under Pulumi mocks: resource ids and ARNs are placeholders until `pulumi up`; everything else is what the program declares.',
      'The private signing key is a secret and is not read; at deploy the program checks it belongs to the active key.',
      ...(config.cognito.jwks ? [] : ['The JWKS is fetched from Cognito at deploy time; the audit does not fetch it.']),
      'CloudFront applies custom error responses distribution-wide, also (AWS documents no exception) to responses edge code generates: the cookie issuer and the progress API never answer 403 (not enrolled is 409), so their JSON errors reach the player.',
      ...(stackFile.secureKeys.length ? [`Encrypted settings not read: ${stackFile.secureKeys.join(', ')}.`] : []),
    ];
    const report = buildReport({ run, issuerConfig, progressApiConfig, violations, policiesChecked, resourcesChecked, source: path.relative(process.cwd(), file) || file, notes });
    return { report, markdown: toMarkdown(report), failed: report.violations.some((v) => v.level === 'mandatory') };
  } finally {
    await artifacts.cleanup();
  }
}
