/**
 * The local stack's configuration: a stack config like any `Pulumi.<stack>.yaml`, parsed by
 * the same parser `pulumi up` uses, whose values point at this machine (the local IdP as the
 * Cognito pool and Hosted UI, the local CloudFront key pair, the built player). The program
 * evaluated with it is the local system; nothing about the stack is configured anywhere else.
 */
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { REPO_ROOT } from '../infra/artifacts.ts';
import type { ConfigKey } from '../infra/stack-config-keys.ts';
import { cognitoIssuerUrl, parseStackConfig, type StackConfig } from '../infra/stack-config.ts';
import { DEFAULT_TABLE_PREFIX } from '../tables/schema.ts';
import { LOCAL_CLIENT_ID, LOCAL_USER_POOL_ID } from './idp.ts';

export const LOCAL_STACK = 'local';
/** Lambda@Edge lives in us-east-1; the local stack keeps everything there. */
export const LOCAL_REGION = 'us-east-1';

/** The `iss` of the local pool's tokens: what the deployed issuer and progress API are pinned to. */
export const LOCAL_ISSUER = cognitoIssuerUrl(LOCAL_REGION, LOCAL_USER_POOL_ID);

export type LocalStackSettings = Partial<Record<ConfigKey, unknown>>;

export interface LocalStackInputs {
  /** Where the local IdP answers (the Hosted UI's stand-in), `http://127.0.0.1:<port>`. */
  readonly idpUrl: string;
  readonly idpJwks: JSONWebKeySet;
  /**
   * The browser's own origins for the local distribution, `http://localhost:<port>` and
   * `http://127.0.0.1:<port>`: known only once its listener is bound (local/start.ts).
   */
  readonly viewerOrigins: readonly string[];
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
  /** The built player folder (uploaded to the player bucket by the program). */
  readonly playerDir: string;
  /** Further stack settings (tests: on-demand encoding, CORS origins of an embed). */
  readonly settings?: LocalStackSettings;
}

export function localStackConfig(inputs: LocalStackInputs): StackConfig {
  const extraOrigins = (inputs.settings?.corsAllowedOrigins as string[] | undefined) ?? [];
  const raw: LocalStackSettings = {
    cognitoRegion: LOCAL_REGION,
    cognitoUserPoolId: LOCAL_USER_POOL_ID,
    cognitoClientIds: [LOCAL_CLIENT_ID],
    cognitoHostedUiUrl: inputs.idpUrl,
    cognitoJwks: JSON.stringify(inputs.idpJwks),
    trustedPublicKeys: [inputs.publicKeyPem],
    tablePrefix: DEFAULT_TABLE_PREFIX,
    playerDir: path.relative(REPO_ROOT, inputs.playerDir) || '.',
    forceDestroyBuckets: true,
    tableDeletionProtection: false,
    ...inputs.settings,
    // Nothing in front of the local listener routes by Host as CloudFront does, so the edge
    // functions must refuse every Host but the distribution's own (a DNS-rebinding page sends
    // its own name); the IdP's app client registers these origins' watch pages, nothing else.
    viewerOrigins: [...inputs.viewerOrigins],
    // CloudFront serves viewers over HTTPS (every behavior redirects http); the local listener
    // stands for that HTTPS side but the browser still sees an http:// page, so its Origin
    // header names http://localhost:<port>. The issuer compares Origin with https://<host>;
    // listing the page's real origins lets the watch page's own requests through, exactly as
    // an allowlisted embed's are, and changes nothing else.
    corsAllowedOrigins: [...new Set([...inputs.viewerOrigins, ...extraOrigins])],
  };
  return parseStackConfig(raw, { stack: LOCAL_STACK, region: LOCAL_REGION }, inputs.privateKeyPem);
}
