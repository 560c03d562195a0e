/**
 * Lambda entry of the upload trigger (bundled to dist/pipeline/upload-trigger/index.mjs). Its
 * config is the config.json deployed beside the bundle, validated at load.
 */
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { dynamoClient } from '../../tables/client.ts';
import { parseUploadTriggerConfig } from './config.ts';
import { createUploadTrigger } from './upload-trigger.ts';

const config = parseUploadTriggerConfig(JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8')));
const endpoints = config.endpoints;
// Only with an endpoint (tests, the local stack): stand-ins accept any credentials.
const local = { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const trigger = createUploadTrigger(config, {
  mediaConvert: new MediaConvertClient({ region: config.region, ...(endpoints.mediaConvert ? { endpoint: endpoints.mediaConvert, ...local } : {}) }),
  dynamo: dynamoClient({ region: config.region, ...(endpoints.dynamo ? { endpoint: endpoints.dynamo } : {}) }),
  // The sidecar caption files beside an upload (ListObjectsV2 + GetObject on the uploads bucket).
  s3: new S3Client({ region: config.region, ...(endpoints.s3 ? { endpoint: endpoints.s3, forcePathStyle: true, ...local } : {}) }),
});

export const handler = (event: unknown) => trigger(event);
