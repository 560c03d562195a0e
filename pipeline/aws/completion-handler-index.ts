/**
 * Lambda entry of the completion handler (bundled to dist/pipeline/completion-handler/index.mjs),
 * for the EventBridge rule on `MediaConvert Job State Change` (COMPLETE, ERROR, CANCELED).
 * Config: config.json beside the bundle, validated at load.
 */
// CloudFront KeyValueStore requests are signed with SigV4a; this registers the pure-JS signer
// (no native CRT module in the Lambda bundle).
import '@aws-sdk/signature-v4a';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import { TranscribeClient } from '@aws-sdk/client-transcribe';
import { readFileSync } from 'node:fs';
import { dynamoClient } from '../../tables/client.ts';
import { parseCompletionHandlerConfig } from './config.ts';
import { loopbackAgent } from './loopback-agent.ts';
import { createCompletionHandler } from './completion-handler.ts';

const config = parseCompletionHandlerConfig(JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8')));
const e = config.endpoints;
const local = { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const handle = createCompletionHandler(config, {
  s3: new S3Client({ region: config.region, ...(e.s3 ? { endpoint: e.s3, forcePathStyle: true, ...local } : {}) }),
  mediaConvert: new MediaConvertClient({ region: config.region, ...(e.mediaConvert ? { endpoint: e.mediaConvert, ...local } : {}) }),
  dynamo: dynamoClient({ region: config.region, ...(e.dynamo ? { endpoint: e.dynamo } : {}) }),
  // KeyValueStore's API is global (SigV4a over all regions); the region only seeds the client.
  keyValueStore: config.keyValueStoreArn
    ? new CloudFrontKeyValueStoreClient({
        region: 'us-east-1',
        ...(e.keyValueStore ? { endpoint: e.keyValueStore, ...local, requestHandler: { httpAgent: loopbackAgent() } } : {}),
      })
    : null,
  transcribe: config.autoCaptions ? new TranscribeClient({ region: config.region, ...(e.transcribe ? { endpoint: e.transcribe, ...local } : {}) }) : null,
});

export const handler = (event: unknown) => handle(event);
