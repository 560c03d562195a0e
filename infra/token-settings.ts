/**
 * The token settings both Lambda@Edge functions bake (edge/token-settings.ts), mapped once
 * from the stack config: the same pool, app clients and token kinds for the cookie issuer
 * (infra/issuer-config.ts) and the progress API (infra/progress-api-config.ts). Defaults for
 * the rest (JWKS timeout and cooldown, clock skew, token size) are the edge parser's.
 */
import type { JSONWebKeySet } from 'jose';
import { cognitoIssuer, type StackConfig } from './stack-config.ts';

export interface TokenSettingsInput {
  readonly issuer: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: StackConfig['cognito']['tokenUse'];
  readonly jwks: JSONWebKeySet;
}

export function tokenSettingsFor(config: StackConfig, jwks: JSONWebKeySet): TokenSettingsInput {
  return {
    issuer: cognitoIssuer(config),
    clientIds: config.cognito.clientIds,
    tokenUse: config.cognito.tokenUse,
    jwks,
  };
}
