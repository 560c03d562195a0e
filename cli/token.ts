import { existsSync, readFileSync } from 'node:fs';
import { dataPaths } from '../local/data-paths.ts';
import { createLocalIdp } from '../local/idp.ts';
import { loadIdpKeys } from '../local/idp-keys.ts';
import { LOCAL_ISSUER } from '../local/stack-config.ts';
import { DEFAULT_PORT } from '../local/start.ts';
import { parseArgs, UsageError } from './args.ts';
import { dataDirFromEnv } from './env.ts';

/** `lectern token <email> [--id] [--ttl <seconds>]`: a token from the local IdP, printed alone. */
export async function tokenCommand(argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { boolean: ['id'], value: ['ttl'] });
  const email = positionals[0];
  if (!email || positionals.length > 1) throw new UsageError('usage: lectern token <email> [--id] [--ttl <seconds>]');
  let ttlSeconds = 3600;
  if (flags['ttl'] !== undefined) {
    ttlSeconds = Number(flags['ttl']);
    if (!Number.isInteger(ttlSeconds) || Math.abs(ttlSeconds) > 31_536_000) throw new UsageError('--ttl must be a whole number of seconds (negative for an expired token)');
  }
  const dataDir = dataDirFromEnv();
  const runtimeFile = dataPaths(dataDir).runtime;
  // The running IdP's URL; before the first start, the default port's. Its tokens carry the
  // local stack's Cognito issuer, which the deployed issuer is pinned to.
  const idpUrl = existsSync(runtimeFile)
    ? (JSON.parse(readFileSync(runtimeFile, 'utf8')) as { idpUrl: string }).idpUrl
    : `http://127.0.0.1:${Number(process.env['PORT'] ?? DEFAULT_PORT) + 1}`;
  const idp = createLocalIdp({ baseUrl: idpUrl, keys: await loadIdpKeys(dataDir), issuer: LOCAL_ISSUER });
  process.stdout.write(`${await idp.mint({ email, use: flags['id'] ? 'id' : 'access', ttlSeconds })}\n`);
  return 0;
}
