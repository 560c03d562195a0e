/**
 * A local stand-in for AWS Secrets Manager's GetSecretValue, reached through the real
 * `@aws-sdk/client-secrets-manager` (the client's `endpoint`, or
 * AWS_ENDPOINT_URL_SECRETS_MANAGER). The cookie issuer reads its CloudFront signing key this
 * way (edge/cookie-issuer/key-source.ts).
 *
 * Production code never imports this; the local stack (local/stand-ins.ts) and tests do.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../loopback-server.ts';
import { SecretStore, type SecretSpec } from './secret-store.ts';
import { createSecretsManagerHandler } from './server.ts';

export type { SecretSpec } from './secret-store.ts';

export interface SecretsManagerStandInOptions {
  readonly secrets: readonly SecretSpec[];
  readonly log?: (line: string) => void;
  /** Port on 127.0.0.1; default any free port. */
  readonly port?: number;
}

export interface SecretsManagerStandIn {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startSecretsManagerStandIn(options: SecretsManagerStandInOptions): Promise<SecretsManagerStandIn> {
  const server = createServer(createSecretsManagerHandler(new SecretStore(options.secrets), options.log ?? (() => {})));
  const listening = await listenOnLoopback(server, options.port);
  return {
    endpoint: listening.endpoint,
    close: listening.close,
  };
}
