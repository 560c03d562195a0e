/**
 * Baked configs of the two pipeline Lambdas (config.json beside each bundle, written at deploy
 * by the Pulumi program with write*Config, validated when the function loads: a bad deploy
 * fails its first cold start, not a student's upload). Same approach as the cookie issuer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFields, type Json } from '../../edge/config-fields.ts';
import { TRANSCRIBE_LANGUAGE } from './transcribe-job.ts';

export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
}

/** Only for tests and local stand-ins: AWS endpoints pointed at local servers. */
export interface Endpoints {
  readonly dynamo?: string;
  readonly s3?: string;
  readonly mediaConvert?: string;
  readonly keyValueStore?: string;
  readonly transcribe?: string;
}

export interface UploadTriggerConfig {
  readonly region: string;
  /** Physical name of the lessons table, e.g. `lectern-prod-lessons`. */
  readonly lessonsTable: string;
  /** Bucket uploads arrive in (`uploads/<courseId>/<lessonId>/<file>`); events from others are ignored. */
  readonly uploadsBucket: string;
  /** Bucket the encoded lessons are written to (`courses/<courseId>/<lessonId>/<version>/`). */
  readonly mediaBucket: string;
  readonly mediaConvert: {
    /** IAM role MediaConvert assumes: read uploads, write media. */
    readonly role: string;
    /** On-demand queue ARN; default queue when absent. */
    readonly queue?: string;
  };
  /**
   * true (default): every upload is encoded at once. false: uploads are only registered
   * (`pending`) and encoded the first time a student asks (on-demand, via the cookie issuer's
   * async invoke of this function).
   */
  readonly encodeOnUpload: boolean;
  /** Also encode the optional 240p rung. Default false. */
  readonly includeOptional: boolean;
  /** Cache-Control of master.m3u8 when a late caption file rewrites it (as CompletionHandlerConfig). Default `max-age=10`. */
  readonly masterCacheControl: string;
  readonly endpoints: Endpoints;
}

export interface CompletionHandlerConfig {
  readonly region: string;
  readonly lessonsTable: string;
  readonly mediaBucket: string;
  /**
   * ARN of the CloudFront KeyValueStore the viewer-request function reads next lessons from;
   * null: the map is not updated here (a stack without next-lesson prefetch).
   */
  readonly keyValueStoreArn: string | null;
  /** Total job attempts for a transient MediaConvert error (the first counts). Default 2. */
  readonly maxAttempts: number;
  /** MediaConvert error codes worth one more try. Default 1999 and 3999 (unknown/internal errors). */
  readonly transientErrorCodes: readonly number[];
  /** Cache-Control of the published master.m3u8, the only mutable object. Default `max-age=10`. */
  readonly masterCacheControl: string;
  /** Start Amazon Transcribe on each published lesson (pipeline/aws/auto-captions.ts); null: off (default). */
  readonly autoCaptions: AutoCaptionsConfig | null;
  readonly endpoints: Endpoints;
}

export interface AutoCaptionsConfig {
  /** A Transcribe language code (`en-US`) or `identify` (Transcribe's language identification). */
  readonly language: string;
  /** Where the lesson's source upload is (the lesson record's sourceKey). */
  readonly uploadsBucket: string;
}

/** The transcribe handler (pipeline/aws/transcribe-handler.ts): publishes finished jobs' captions. */
export interface TranscribeHandlerConfig {
  readonly region: string;
  readonly lessonsTable: string;
  readonly mediaBucket: string;
  readonly masterCacheControl: string;
  readonly endpoints: Endpoints;
}

const { obj, str, optStr, bool, int } = configFields((message) => new PipelineConfigError(message));

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function bucket(o: Json, key: string, where: string): string {
  const value = str(o, key, where);
  if (!BUCKET.test(value)) throw new PipelineConfigError(`${where}.${key} must be an S3 bucket name`);
  return value;
}

function endpoints(o: Json): Endpoints {
  const e = obj(o['endpoints'] ?? {}, 'config.endpoints');
  const out: Record<string, string> = {};
  for (const key of ['dynamo', 's3', 'mediaConvert', 'keyValueStore', 'transcribe'] as const) {
    const value = optStr(e, key, 'config.endpoints');
    if (value !== undefined) {
      if (!/^https?:\/\/[^\s]+$/.test(value)) throw new PipelineConfigError(`config.endpoints.${key} must be a URL`);
      out[key] = value;
    }
  }
  return out;
}

export function parseUploadTriggerConfig(raw: unknown): UploadTriggerConfig {
  const c = obj(raw, 'config');
  const mc = obj(c['mediaConvert'], 'config.mediaConvert');
  const role = str(mc, 'role', 'config.mediaConvert');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(role)) throw new PipelineConfigError('config.mediaConvert.role must be an IAM role ARN');
  const queue = optStr(mc, 'queue', 'config.mediaConvert');
  if (queue !== undefined && !/^arn:aws[a-z-]*:mediaconvert:[a-z0-9-]+:\d{12}:queues\/.+$/.test(queue)) {
    throw new PipelineConfigError('config.mediaConvert.queue must be a MediaConvert queue ARN');
  }
  return {
    region: str(c, 'region', 'config'),
    lessonsTable: str(c, 'lessonsTable', 'config'),
    uploadsBucket: bucket(c, 'uploadsBucket', 'config'),
    mediaBucket: bucket(c, 'mediaBucket', 'config'),
    mediaConvert: { role, ...(queue !== undefined ? { queue } : {}) },
    encodeOnUpload: bool(c, 'encodeOnUpload', 'config', true),
    includeOptional: bool(c, 'includeOptional', 'config', false),
    masterCacheControl: str(c, 'masterCacheControl', 'config', 'max-age=10'),
    endpoints: endpoints(c),
  };
}

export function parseCompletionHandlerConfig(raw: unknown): CompletionHandlerConfig {
  const c = obj(raw, 'config');
  const kvs = c['keyValueStoreArn'] ?? null;
  if (kvs !== null && (typeof kvs !== 'string' || !/^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[\w-]+$/.test(kvs))) {
    throw new PipelineConfigError('config.keyValueStoreArn must be a CloudFront KeyValueStore ARN or null');
  }
  const codes = c['transientErrorCodes'] ?? [1999, 3999];
  if (!Array.isArray(codes) || !codes.every((n) => Number.isInteger(n) && n >= 1000 && n <= 9999)) {
    throw new PipelineConfigError('config.transientErrorCodes must be a list of MediaConvert error codes (1000-9999)');
  }
  return {
    region: str(c, 'region', 'config'),
    lessonsTable: str(c, 'lessonsTable', 'config'),
    mediaBucket: bucket(c, 'mediaBucket', 'config'),
    keyValueStoreArn: kvs as string | null,
    maxAttempts: int(c, 'maxAttempts', 'config', 2, 1, 5),
    transientErrorCodes: codes as number[],
    masterCacheControl: str(c, 'masterCacheControl', 'config', 'max-age=10'),
    autoCaptions: autoCaptions(c['autoCaptions'] ?? null),
    endpoints: endpoints(c),
  };
}

function autoCaptions(raw: unknown): AutoCaptionsConfig | null {
  if (raw === null) return null;
  const a = obj(raw, 'config.autoCaptions');
  const language = str(a, 'language', 'config.autoCaptions');
  if (language !== 'identify' && !TRANSCRIBE_LANGUAGE.test(language)) {
    throw new PipelineConfigError('config.autoCaptions.language must be a Transcribe language code (e.g. en-US) or identify');
  }
  return { language, uploadsBucket: bucket(a, 'uploadsBucket', 'config.autoCaptions') };
}

export function parseTranscribeHandlerConfig(raw: unknown): TranscribeHandlerConfig {
  const c = obj(raw, 'config');
  return {
    region: str(c, 'region', 'config'),
    lessonsTable: str(c, 'lessonsTable', 'config'),
    mediaBucket: bucket(c, 'mediaBucket', 'config'),
    masterCacheControl: str(c, 'masterCacheControl', 'config', 'max-age=10'),
    endpoints: endpoints(c),
  };
}

export async function writeTranscribeHandlerConfig(bundleDir: string, raw: unknown): Promise<void> {
  const config = parseTranscribeHandlerConfig(raw);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(config, null, 2));
}

/** Writes a validated config.json beside a built bundle (what the deploy zips with it). */
export async function writeUploadTriggerConfig(bundleDir: string, raw: unknown): Promise<void> {
  const config = parseUploadTriggerConfig(raw);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(config, null, 2));
}

export async function writeCompletionHandlerConfig(bundleDir: string, raw: unknown): Promise<void> {
  const config = parseCompletionHandlerConfig(raw);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(config, null, 2));
}
