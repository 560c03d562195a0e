/**
 * Lambda entry of the upload trigger (bundled to dist/pipeline/upload-trigger/index.mjs). Its
 * config is the config.json deployed beside the bundle, validated at load.
 */
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { readFileSync } from 'node:fs';
import { dynamoClient } from '../../tables/client.ts';
import { parseUploadTriggerConfig } from './config.ts';
import { createUploadTrigger } from './upload-trigger.ts';

const config = parseUploadTriggerConfig(JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8')));
const endpoints = config.endpoints;
const local = endpoints.mediaConvert ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {};

const trigger = createUploadTrigger(config, {
  mediaConvert: new MediaConvertClient({ region: config.region, ...(endpoints.mediaConvert ? { endpoint: endpoints.mediaConvert, ...local } : {}) }),
  dynamo: dynamoClient({ region: config.region, ...(endpoints.dynamo ? { endpoint: endpoints.dynamo } : {}) }),
});

export const handler = (event: unknown) => trigger(event);
