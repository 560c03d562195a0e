/**
 * Lambda entry of the transcribe handler (bundled to dist/pipeline/transcribe-handler/index.mjs),
 * for the EventBridge rule on `Transcribe Job State Change` (COMPLETED, FAILED) of lectern jobs.
 * Config: config.json beside the bundle, validated at load.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { TranscribeClient } from '@aws-sdk/client-transcribe';
import { readFileSync } from 'node:fs';
import { dynamoClient } from '../../tables/client.ts';
import { parseTranscribeHandlerConfig } from './config.ts';
import { createTranscribeHandler } from './transcribe-handler.ts';

const config = parseTranscribeHandlerConfig(JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8')));
const e = config.endpoints;
const local = { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const handle = createTranscribeHandler(config, {
  s3: new S3Client({ region: config.region, ...(e.s3 ? { endpoint: e.s3, forcePathStyle: true, ...local } : {}) }),
  transcribe: new TranscribeClient({ region: config.region, ...(e.transcribe ? { endpoint: e.transcribe, ...local } : {}) }),
  dynamo: dynamoClient({ region: config.region, ...(e.dynamo ? { endpoint: e.dynamo } : {}) }),
});

export const handler = (event: unknown) => handle(event);
