/**
 * The Lambda@Edge entry point (bundled to dist/edge/cookie-issuer/index.mjs). The config is
 * the config.json deployed beside the bundle: validated here, at load, so a bad deploy fails
 * its first cold start loudly instead of issuing cookies on a wrong assumption.
 */
import { readFileSync } from 'node:fs';
import { parseIssuerConfig } from './config.ts';
import { createIssuerDeps } from './create-issuer.ts';
import { createHandler } from './handler.ts';

const config = parseIssuerConfig(JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8')));

export const handler = createHandler(config, createIssuerDeps(config));
