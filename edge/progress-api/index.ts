/**
 * The Lambda@Edge entry point (bundled to dist/edge/progress-api/index.mjs). The config is the
 * config.json deployed beside the bundle: validated here, at load, so a bad deploy fails its
 * first cold start loudly instead of judging progress on a wrong assumption.
 */
import { readFileSync } from 'node:fs';
import { parseProgressApiConfig } from './config.ts';
import { createProgressApiDeps } from './create-api.ts';
import { createHandler } from './handler.ts';

const config = parseProgressApiConfig(JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8')));

export const handler = createHandler(config, createProgressApiDeps(config));
