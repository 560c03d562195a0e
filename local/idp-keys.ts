/**
 * The local IdP's RS256 signing key, made once per data dir and kept on disk so tokens and the
 * JWKS the stack config bakes survive a restart. Apart from the IdP: the stack config needs the
 * public key set before any IdP is running.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';
import { dataPaths } from './data-paths.ts';

export interface IdpKeys {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** The signing key lives in `<dataDir>/keys/idp-signing.jwk.json`, made on first use. */
export async function loadIdpKeys(dataDir: string): Promise<IdpKeys> {
  const { idpSigningKey: file, keys } = dataPaths(dataDir);
  if (existsSync(file)) {
    const privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    return { kid: privateJwk.kid as string, privateJwk, publicJwk };
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  Object.assign(privateJwk, { kid, alg: 'RS256', use: 'sig' });
  await mkdir(keys, { recursive: true });
  await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  return loadIdpKeys(dataDir);
}

/** The key set the pool publishes: what the stack config bakes, before the IdP answers. */
export function publicJwks(keys: IdpKeys): JSONWebKeySet {
  return { keys: [keys.publicJwk] };
}
