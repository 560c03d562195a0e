import { assertCorsOrigin } from '../distribution-spec.ts';
import { ConfigError, configFields } from '../config-fields.ts';
import { parseTokenSettings, type TokenSettings } from '../token-settings.ts';

/**
 * The cookie issuer's configuration. Lambda@Edge has no environment variables, so this is
 * baked next to the bundle at build/deploy time (config.json beside index.mjs) and validated
 * once when the function loads: a bad deploy fails at cold start, never on a student's request.
 */
export interface IssuerConfig extends TokenSettings {
  readonly enrollments: {
    readonly region: string;
    readonly tableName: string;
    /** Only for local (dynalite). */
    readonly endpoint?: string;
    /** Milliseconds for the whole lookup including its retry. Default 1500. */
    readonly timeoutMs: number;
  };
  readonly signing: {
    /** The CloudFront public key id in the trusted key group. */
    readonly keyPairId: string;
    /** Default SHA1 (what every CloudFront supports); SHA256 is selectable. */
    readonly algorithm: 'SHA1' | 'SHA256';
    readonly key:
      | { readonly source: 'pem-file'; readonly path: string }
      | { readonly source: 'secrets-manager'; readonly secretId: string; readonly region: string; readonly timeoutMs: number };
  };
  readonly cookie: {
    /**
     * Seconds a session's policy stays valid, and so the bound on how long a revoked enrollment
     * or a signed-out student keeps media access (never longer than the token's own exp).
     * Default 50: the player renews silently at 60 % of it, about 120 renewals per student-hour.
     */
    readonly ttlSeconds: number;
    /**
     * Default None: embedders load media from another site, and browsers only send
     * cross-site cookies marked None. The cookie only grants GETs of one course's media.
     */
    readonly sameSite: 'None' | 'Lax' | 'Strict';
  };
  /** Scheme of the policy Resource. Default https (the distribution is HTTPS only). */
  readonly scheme: 'https' | 'http';
  /** Hosts the Resource may name. Empty: the viewer's Host header (CloudFront sets it). */
  readonly allowedHosts: readonly string[];
  /** Exact origins allowed to call /auth/session with credentials. */
  readonly corsAllowedOrigins: readonly string[];
  /** The lessons table, read by GET /auth/lessons/<courseId>/<lessonId>. */
  readonly lessons: {
    /** Default: the enrollments region. */
    readonly region: string;
    /** Default `lectern-lessons`. */
    readonly tableName: string;
    /** Only for local (dynalite). Default: the enrollments endpoint. */
    readonly endpoint?: string;
    /** Milliseconds per table call (read, then the claim). Default 1000. */
    readonly timeoutMs: number;
  };
  /** On-demand encodes: a registered, not yet encoded lesson answers 202 and is encoded once. */
  readonly onDemand: {
    /** Seconds in Retry-After while a lesson encodes. Default 5. */
    readonly retryAfterSeconds: number;
    /** Seconds after which an `encoding` claim is considered lost and may be retaken. Default 21600 (6 h). */
    readonly staleEncodingSeconds: number;
    /**
     * Who starts the encode. `none` (default): nobody here (the upload trigger encodes on upload);
     * `http`: the local system's encode-request endpoint (loopback URL + bearer secret);
     * `lambda`: an async invoke of the upload-trigger function (InvocationType Event).
     */
    readonly requester:
      | { readonly kind: 'none' }
      | { readonly kind: 'lambda'; readonly functionName: string; readonly region: string; readonly timeoutMs: number };
  };
}

const fail = (message: string) => new ConfigError(message);
const fields = configFields(fail);
const { obj, str, int, strings, oneOf } = fields;

export function parseIssuerConfig(raw: unknown): IssuerConfig {
  const c = obj(raw, 'config');
  const token = parseTokenSettings(c, fields, fail);

  const e = obj(c['enrollments'], 'config.enrollments');
  const s = obj(c['signing'], 'config.signing');
  const k = obj(s['key'], 'config.signing.key');
  const keySource = oneOf(k, 'source', 'config.signing.key', ['pem-file', 'secrets-manager'] as const, 'pem-file');
  const key: IssuerConfig['signing']['key'] =
    keySource === 'pem-file'
      ? { source: 'pem-file', path: str(k, 'path', 'config.signing.key') }
      : {
          source: 'secrets-manager',
          secretId: str(k, 'secretId', 'config.signing.key'),
          region: str(k, 'region', 'config.signing.key'),
          timeoutMs: int(k, 'timeoutMs', 'config.signing.key', 1500, 100, 4000),
        };
  const keyPairId = str(s, 'keyPairId', 'config.signing');
  if (!/^[A-Z0-9]{8,32}$/.test(keyPairId)) throw new ConfigError('config.signing.keyPairId must look like a CloudFront public key id (e.g. K2JCJMDEHXQW5F)');
  const ck = obj(c['cookie'] ?? {}, 'config.cookie');
  const corsAllowedOrigins = strings(c, 'corsAllowedOrigins', 'config', []);
  for (const origin of corsAllowedOrigins) {
    try {
      assertCorsOrigin(origin);
    } catch (error) {
      throw new ConfigError(`config.corsAllowedOrigins: ${(error as Error).message}`);
    }
  }
  const endpoint = e['endpoint'];
  if (endpoint !== undefined && typeof endpoint !== 'string') throw new ConfigError('config.enrollments.endpoint must be a string');
  const enrollmentsRegion = str(e, 'region', 'config.enrollments');

  const l = obj(c['lessons'] ?? {}, 'config.lessons');
  const lessonsEndpoint = l['endpoint'] ?? endpoint;
  if (lessonsEndpoint !== undefined && typeof lessonsEndpoint !== 'string') throw new ConfigError('config.lessons.endpoint must be a string');
  const od = obj(c['onDemand'] ?? {}, 'config.onDemand');
  const rq = obj(od['requester'] ?? { kind: 'none' }, 'config.onDemand.requester');
  const kind = oneOf(rq, 'kind', 'config.onDemand.requester', ['none', 'lambda'] as const, 'none');
  let requester: IssuerConfig['onDemand']['requester'];
  if (kind === 'lambda') {
    requester = {
      kind,
      functionName: str(rq, 'functionName', 'config.onDemand.requester'),
      region: str(rq, 'region', 'config.onDemand.requester', enrollmentsRegion),
      timeoutMs: int(rq, 'timeoutMs', 'config.onDemand.requester', 1500, 100, 4000),
    };
  } else {
    requester = { kind: 'none' };
  }

  return {
    ...token,
    enrollments: {
      region: enrollmentsRegion,
      tableName: str(e, 'tableName', 'config.enrollments'),
      ...(endpoint ? { endpoint } : {}),
      timeoutMs: int(e, 'timeoutMs', 'config.enrollments', 1500, 100, 4000),
    },
    signing: {
      keyPairId,
      algorithm: oneOf(s, 'algorithm', 'config.signing', ['SHA1', 'SHA256'] as const, 'SHA1'),
      key,
    },
    cookie: {
      ttlSeconds: int(ck, 'ttlSeconds', 'config.cookie', 50, 10, 86_400),
      sameSite: oneOf(ck, 'sameSite', 'config.cookie', ['None', 'Lax', 'Strict'] as const, 'None'),
    },
    scheme: oneOf(c, 'scheme', 'config', ['https', 'http'] as const, 'https'),
    allowedHosts: strings(c, 'allowedHosts', 'config', []),
    corsAllowedOrigins,
    lessons: {
      region: str(l, 'region', 'config.lessons', enrollmentsRegion),
      tableName: str(l, 'tableName', 'config.lessons', 'lectern-lessons'),
      ...(lessonsEndpoint ? { endpoint: lessonsEndpoint } : {}),
      timeoutMs: int(l, 'timeoutMs', 'config.lessons', 1000, 100, 4000),
    },
    onDemand: {
      retryAfterSeconds: int(od, 'retryAfterSeconds', 'config.onDemand', 5, 1, 600),
      staleEncodingSeconds: int(od, 'staleEncodingSeconds', 'config.onDemand', 21_600, 60, 7 * 86_400),
      requester,
    },
  };
}
