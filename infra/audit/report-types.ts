/**
 * The audit report's shape: what `lectern audit` prints (report-markdown.ts) and writes as JSON,
 * and what report.ts fills from the program's recorded resources.
 */
import type { SessionAccess } from './session-access.ts';
import type { Violation } from './evaluate.ts';

export type Reach = 'public' | 'signed cookie or signed URL' | 'bearer token';

export interface PathEntry {
  readonly order: number;
  readonly pathPattern: string;
  readonly reach: Reach;
  readonly reachDetail: string;
  readonly edgeCode: string[];
  readonly origin: string;
  readonly allowedMethods: string[];
  readonly viewerProtocol: string;
  readonly cacheKey: string;
  readonly cors: string;
  readonly why: string;
}

export interface AuditReport {
  readonly stack: string;
  readonly source: string;
  readonly distribution: {
    readonly aliases: string[];
    readonly certificate: string;
    readonly minimumTls: string;
    readonly priceClass: string;
    readonly httpVersion: string;
    readonly defaultRootObject: string;
    readonly customErrorResponses: Array<{ errorCode: number; responseCode: number; responsePagePath: string; errorCachingMinTtl: number }>;
  };
  readonly paths: PathEntry[];
  readonly cookies: {
    readonly names: string[];
    readonly attributes: string;
    readonly example: string;
    readonly expires: string;
    readonly policyLifetimeSeconds: number;
    readonly access: SessionAccess;
    readonly policyResource: string;
    readonly hashAlgorithm: string;
    readonly signedUrlMode: string;
  };
  readonly tokens: { readonly issuer: string; readonly clientIds: string[]; readonly tokenUse: string[]; readonly enrollmentsTable: string; readonly jwks: string };
  readonly keyGroup: { readonly name: string; readonly members: Array<{ name: string; fingerprint: string; active: boolean; cloudFrontId: string }>; readonly signingKeySecret: string };
  readonly cors: { readonly allowedOrigins: string[]; readonly credentials: boolean; readonly methods: string[]; readonly headers: string[]; readonly exposeHeaders: string[]; readonly maxAgeSeconds: number };
  readonly securityHeaders: Record<string, string>;
  readonly edgeCode: Array<{ name: string; kind: string; runtime: string; region: string; published: boolean; artifact: string; bytes: number; sha256: string }>;
  readonly buckets: Array<{ name: string; publicAccessBlocked: boolean; readers: string }>;
  readonly violations: Violation[];
  readonly policiesChecked: number;
  readonly resourcesChecked: number;
  readonly notes: string[];
}
