import { ConfigError, configFields } from '../config-fields.ts';
import { assertCorsOrigin } from '../distribution-spec.ts';
import { parseTokenSettings, type TokenSettings } from '../token-settings.ts';

/**
 * The progress API's configuration. Lambda@Edge has no environment variables, so this is baked
 * next to the bundle at deploy (config.json beside index.mjs, see infra/progress-api-config.ts)
 * and validated once when the function loads: a bad deploy fails at cold start, never on a
 * student's request. Token settings: edge/token-settings.ts, shared with the cookie issuer.
 *
 * Time budget: a Lambda@Edge viewer-request function has 5 s in all ("Function timeout",
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 * The enrollment, lesson and progress reads run side by side, each with its own timeout, and
 * every table call is also cut off when the request's `budgetMs` runs out, so a slow table
 * answers 503 + Retry-After well inside the limit, even with a JWKS refresh before it.
 */
export interface ProgressApiConfig extends TokenSettings {
  /** Scheme of this distribution, for telling same-origin calls from cross-origin ones. Default https. */
  readonly scheme: 'https' | 'http';
  /** Hosts served. Empty: any well-formed Host (CloudFront sets it to the distribution's). */
  readonly allowedHosts: readonly string[];
  /** Exact origins allowed to call with credentials (embeds on other sites): the distribution's allowlist. */
  readonly corsAllowedOrigins: readonly string[];
  /** Milliseconds the whole request may spend on table calls. Default 3500, at most 4500. */
  readonly budgetMs: number;
  readonly enrollments: DynamoTable;
  /** Default region and endpoint: the enrollments'. Default table `lectern-lessons`. */
  readonly lessons: DynamoTable;
  /** Default region and endpoint: the enrollments'. Default table `lectern-progress`. */
  readonly progress: DynamoTable & {
    /** Conditional writes tried when other reports race on one record. Default 4. */
    readonly writeAttempts: number;
  };
}

export interface DynamoTable {
  readonly region: string;
  readonly tableName: string;
  /** Only for local runs and tests (dynalite). */
  readonly endpoint?: string;
  /** Milliseconds per call, its retry included. Default 1000. */
  readonly timeoutMs: number;
}

const fail = (message: string) => new ConfigError(message);
const fields = configFields(fail);
const { obj, str, optStr, int, strings, oneOf } = fields;

export function parseProgressApiConfig(raw: unknown): ProgressApiConfig {
  const c = obj(raw, 'config');
  const token = parseTokenSettings(c, fields, fail);
  const corsAllowedOrigins = strings(c, 'corsAllowedOrigins', 'config', []);
  for (const origin of corsAllowedOrigins) {
    try {
      assertCorsOrigin(origin);
    } catch (error) {
      throw new ConfigError(`config.corsAllowedOrigins: ${(error as Error).message}`);
    }
  }

  const e = obj(c['enrollments'], 'config.enrollments');
  const region = str(e, 'region', 'config.enrollments');
  const endpoint = optStr(e, 'endpoint', 'config.enrollments');
  const table = (o: Record<string, unknown>, where: string, fallbackName?: string): DynamoTable => {
    const tableEndpoint = optStr(o, 'endpoint', where) ?? endpoint;
    return {
      region: str(o, 'region', where, region),
      tableName: str(o, 'tableName', where, fallbackName),
      ...(tableEndpoint ? { endpoint: tableEndpoint } : {}),
      timeoutMs: int(o, 'timeoutMs', where, 1000, 100, 4000),
    };
  };
  const p = obj(c['progress'] ?? {}, 'config.progress');

  return {
    ...token,
    scheme: oneOf(c, 'scheme', 'config', ['https', 'http'] as const, 'https'),
    allowedHosts: strings(c, 'allowedHosts', 'config', []).map((h) => h.toLowerCase()),
    corsAllowedOrigins,
    budgetMs: int(c, 'budgetMs', 'config', 3500, 500, 4500),
    enrollments: table(e, 'config.enrollments'),
    lessons: table(obj(c['lessons'] ?? {}, 'config.lessons'), 'config.lessons', 'lectern-lessons'),
    progress: {
      ...table(p, 'config.progress', 'lectern-progress'),
      writeAttempts: int(p, 'writeAttempts', 'config.progress', 4, 1, 8),
    },
  };
}
