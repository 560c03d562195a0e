/**
 * The stack settings Pulumi.yaml declares: their names, the kind of value each holds and the
 * defaults. main.ts reads them through pulumi.Config, the audit from the stack file, and a test
 * keeps Pulumi.yaml equal to this declaration.
 */

export const CONFIG_NAMESPACE = 'lectern';

/**
 * Defaults, exactly as declared in Pulumi.yaml (a test keeps the two equal). Keys without a
 * default here are required.
 */
export const CONFIG_DEFAULTS = {
  cognitoTokenUse: ['access', 'id'],
  cognitoJwks: '',
  corsAllowedOrigins: [],
  viewerOrigins: [],
  cookieTtlSeconds: 50,
  cookieSameSite: 'None',
  priceClass: 'PriceClass_100',
  domainName: '',
  certificateArn: '',
  activeSigningKey: '',
  signingHashAlgorithm: 'SHA1',
  tablePrefix: '',
  uploadRetentionDays: 14,
  forceDestroyBuckets: false,
  tableDeletionProtection: true,
  logRetentionDays: 30,
  onDemandEncoding: false,
  autoCaptions: 'off',
  playerDir: 'dist/player',
} as const satisfies Record<string, unknown>;

/** Every key the program reads, with the kind of value it holds (how main.ts reads it). */
export const CONFIG_KEYS = {
  cognitoRegion: 'string',
  cognitoUserPoolId: 'string',
  cognitoClientIds: 'array',
  cognitoTokenUse: 'array',
  cognitoJwks: 'string',
  cognitoHostedUiUrl: 'string',
  corsAllowedOrigins: 'array',
  viewerOrigins: 'array',
  cookieTtlSeconds: 'integer',
  cookieSameSite: 'string',
  priceClass: 'string',
  domainName: 'string',
  certificateArn: 'string',
  trustedPublicKeys: 'array',
  activeSigningKey: 'string',
  signingPrivateKey: 'secret',
  signingHashAlgorithm: 'string',
  tablePrefix: 'string',
  uploadRetentionDays: 'integer',
  forceDestroyBuckets: 'boolean',
  tableDeletionProtection: 'boolean',
  logRetentionDays: 'integer',
  onDemandEncoding: 'boolean',
  autoCaptions: 'string',
  playerDir: 'string',
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A setting that cannot be used: the message names the key, so `pulumi preview` says which. */
export class StackConfigError extends Error {
  override name = 'StackConfigError';
}
