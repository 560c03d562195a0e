/**
 * Completion handler (AWS Lambda) for EventBridge `MediaConvert Job State Change` events.
 *
 * COMPLETE: publish the job's output exactly as the local publisher does:
 *   1. read MediaConvert's multivariant playlist from the job's version prefix;
 *   2. rewrite it for the lesson folder (every URI prefixed with the version, checked to be a
 *      safe relative URI), start variant (best rendition of at most 480 lines) first, subtitle
 *      renditions as the local publisher writes them;
 *   3. check every playlist it names exists (HeadObject), and that no caption sidecar's cue
 *      starts after the encoded end (caption-cue-check.ts: refused as `captions`, as locally);
 *   4. write `courses/<c>/<l>/master.m3u8` LAST: before this, nothing new is playable, and
 *      players of the previous version keep their (immutable) segments;
 *   5. update the lesson record (status, duration, renditions, manifest/poster/thumbnail keys);
 *   6. update the next-lesson KeyValueStore for the course (UpdateKeys with the store's ETag,
 *      retried on a conflict).
 *   7. with config.autoCaptions, start the lesson's Transcribe job (auto-captions.ts; never
 *      fails the publish).
 * ERROR: a transient error code (config.transientErrorCodes) is resubmitted into a fresh version
 * prefix while attempts (user metadata `attempt`) are under config.maxAttempts; otherwise the
 * failure and MediaConvert's message are recorded (a published version stays published).
 * CANCELED: recorded as a failure. Other statuses are ignored.
 *
 * Events for jobs that are not ours (no lectern user metadata) or that a newer job superseded
 * are ignored, so a late COMPLETE never publishes an older version over a newer one.
 *
 * The MediaConvert output is CMAF: audio is its own rendition group (EXT-X-MEDIA) and scrub
 * thumbnails are an image-stream playlist (EXT-X-IMAGE-STREAM-INF), not the local WebVTT sprite
 * index: `thumbnailsKey` points at that playlist.
 *
 * Pure parts: completion-event.ts (event parsing, retry and KeyValueStore decisions) and
 * completion-rewrite.ts (the master playlist rewrite).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ConflictException,
  DescribeKeyValueStoreCommand,
  ListKeysCommand,
  UpdateKeysCommand,
  type CloudFrontKeyValueStoreClient,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CreateJobCommand, GetJobCommand, type CreateJobCommandInput, type MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { isHandledJobState, JOB_STATE } from './job-states.ts';
import { lessonKeyPrefix, newVersionId } from '../encode-lesson.ts';
import { buildNextLessonMap, getLesson, listCourseLessons, markFailed, markPublished, type PendingVersion } from '../lessons.ts';
import type { CompletionHandlerConfig } from './config.ts';
import { lessonKey, publishedVersionOf } from '../../tables/lessons.ts';
import { errorKindFor, kvsChanges, parseJobStateChange, parseS3Url, shouldRetry, type JobStateChange } from './completion-event.ts';
import { PublishError, rewriteMasterPlaylist } from './completion-rewrite.ts';
import type { LessonErrorKind } from '../errors.ts';
import type { TranscribeClient } from '@aws-sdk/client-transcribe';
import { startAutoCaptions } from './auto-captions.ts';
import { checkLatestCues } from './caption-cue-check.ts';
import { CaptionError } from '../captions/caption-error.ts';

// The pure parts, where the handler's importers have always found them.
export { DETAIL_TYPE, errorKindFor, kvsChanges, parseJobStateChange, parseS3Url, shouldRetry, type JobStateChange, type OutputGroupDetail } from './completion-event.ts';
export { PublishError, rewriteMasterPlaylist, type RewrittenMaster } from './completion-rewrite.ts';

// ---------- I/O ----------

export interface CompletionDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly mediaConvert: Pick<MediaConvertClient, 'send'>;
  readonly dynamo: DynamoDBClient;
  /** Null when config.keyValueStoreArn is null. */
  readonly keyValueStore: Pick<CloudFrontKeyValueStoreClient, 'send'> | null;
  /** Null or absent when config.autoCaptions is null. */
  readonly transcribe?: Pick<TranscribeClient, 'send'> | null;
  readonly newVersion?: () => string;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type CompletionResult =
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'published'; readonly manifestKey: string; readonly kvs: { puts: number; deletes: number } | 'not configured' }
  | { readonly outcome: 'resubmitted'; readonly jobId: string; readonly attempt: number }
  | { readonly outcome: 'failed'; readonly message: string };


export function createCompletionHandler(config: CompletionHandlerConfig, deps: CompletionDeps): (event: unknown) => Promise<CompletionResult> {
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const newVersion = deps.newVersion ?? (() => newVersionId());
  const table = config.lessonsTable;

  async function readText(key: string): Promise<string> {
    const result = await deps.s3.send(new GetObjectCommand({ Bucket: config.mediaBucket, Key: key }));
    if (!result.Body) throw new PublishError(`s3://${config.mediaBucket}/${key} has no body`);
    return result.Body.transformToString('utf-8');
  }

  async function syncNextLessons(courseId: string, pending?: PendingVersion): Promise<{ puts: number; deletes: number } | 'not configured'> {
    if (!config.keyValueStoreArn || !deps.keyValueStore) return 'not configured';
    const kvs = deps.keyValueStore;
    const arn = config.keyValueStoreArn;
    const desired = buildNextLessonMap(await listCourseLessons(deps.dynamo, table, courseId), pending ? { pending } : {}).data;
    for (let attempt = 1; ; attempt++) {
      const { ETag } = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
      const current = new Map<string, string>();
      let token: string | undefined;
      do {
        const page = await kvs.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 50, ...(token ? { NextToken: token } : {}) }));
        for (const item of page.Items ?? []) {
          if (item.Key?.startsWith(`${courseId}/`) && item.Value !== undefined) current.set(item.Key, item.Value);
        }
        token = page.NextToken;
      } while (token);
      const { puts, deletes } = kvsChanges(current, desired);
      if (puts.length === 0 && deletes.length === 0) return { puts: 0, deletes: 0 };
      try {
        await kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: ETag, Puts: puts, Deletes: deletes }));
        return { puts: puts.length, deletes: deletes.length };
      } catch (error) {
        const conflict = error instanceof ConflictException || (error as { name?: string }).name === 'ConflictException';
        if (!conflict || attempt >= 3) throw error;
      }
    }
  }

  async function publish(change: JobStateChange): Promise<CompletionResult> {
    const prefix = lessonKeyPrefix(change.courseId, change.lessonId);
    const versionPrefix = `${prefix}/${change.version}/`;
    const ours = (url: string) => {
      const p = parseS3Url(url);
      return p && p.bucket === config.mediaBucket && p.key.startsWith(versionPrefix) ? p.key : null;
    };
    const cmaf = change.outputGroups.find((g) => g.type === 'CMAF_GROUP' || g.type === 'HLS_GROUP');
    const masterKey = cmaf?.playlistFilePaths.map(ours).find((k): k is string => k !== null && k.endsWith('.m3u8'));
    if (!cmaf || !masterKey) throw new PublishError(`job ${change.jobId}: no HLS playlist under s3://${config.mediaBucket}/${versionPrefix}`);
    const poster = change.outputGroups
      .filter((g) => g.type === 'FILE_GROUP')
      .flatMap((g) => g.outputs.flatMap((o) => o.outputFilePaths))
      .map(ours)
      .filter((k): k is string => k !== null && /\.jpe?g$/i.test(k))
      .pop();
    const rewritten = rewriteMasterPlaylist(await readText(masterKey), change.version, poster?.slice(versionPrefix.length));
    for (const relative of rewritten.playlists) {
      await deps.s3.send(new HeadObjectCommand({ Bucket: config.mediaBucket, Key: `${prefix}/${relative}` })).catch((error: Error) => {
        throw new PublishError(`job ${change.jobId}: ${prefix}/${relative} is missing (${error.name})`);
      });
    }
    const durationMs = Math.max(0, ...change.outputGroups.flatMap((g) => g.outputs.map((o) => o.durationInMs ?? 0)));
    // Before anything names the version: a caption cue after the end refuses the lesson, as locally.
    if (durationMs > 0) checkLatestCues(change.latestCues, durationMs / 1000);

    // The edge serves only the versions the KeyValueStore lists: list this one before a master
    // names it (a store that is not configured serves nothing under /courses/ anyway).
    const listed = await syncNextLessons(change.courseId, { courseId: change.courseId, lessonId: change.lessonId, version: change.version });
    // Last media write: the lesson becomes playable in its new version here, and only here.
    const manifestKey = `${prefix}/master.m3u8`;
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: config.mediaBucket,
        Key: manifestKey,
        Body: rewritten.text,
        ContentType: 'application/vnd.apple.mpegurl',
        CacheControl: config.masterCacheControl,
      }),
    );
    await markPublished(deps.dynamo, table, change.courseId, change.lessonId, {
      version: change.version,
      manifestKey,
      durationSeconds: Math.round(durationMs) / 1000,
      renditions: rewritten.renditions,
      ...(poster !== undefined ? { posterKey: poster } : {}),
      ...(rewritten.thumbnails !== undefined ? { thumbnailsKey: `${prefix}/${rewritten.thumbnails}` } : {}),
    });
    const synced = await syncNextLessons(change.courseId);
    const kvs = listed === 'not configured' || synced === 'not configured' ? synced : { puts: listed.puts + synced.puts, deletes: listed.deletes + synced.deletes };
    log({ msg: 'lesson published', courseId: change.courseId, lessonId: change.lessonId, jobId: change.jobId, version: change.version, kvs, captions: rewritten.subtitles.map((t) => t.language) });
    // Never throws: a lesson whose automatic captions cannot start stays published (auto-captions.ts).
    await startAutoCaptions(config, { s3: deps.s3, dynamo: deps.dynamo, transcribe: deps.transcribe ?? null, log }, change);
    return { outcome: 'published', manifestKey, kvs };
  }

  async function resubmit(change: JobStateChange): Promise<CompletionResult> {
    const { Job } = await deps.mediaConvert.send(new GetJobCommand({ Id: change.jobId }));
    if (!Job?.Settings || !Job.Role) throw new PublishError(`job ${change.jobId}: GetJob returned no settings to resubmit`);
    const version = newVersion();
    // The same settings into a fresh version prefix: partial output of the failed job is never mixed in.
    const settings = JSON.parse(JSON.stringify(Job.Settings).split(`/${change.version}/`).join(`/${version}/`)) as CreateJobCommandInput['Settings'];
    const attempt = change.attempt + 1;
    const input: CreateJobCommandInput = {
      Role: Job.Role,
      ...(Job.Queue ? { Queue: Job.Queue } : {}),
      ...(Job.AccelerationSettings ? { AccelerationSettings: Job.AccelerationSettings } : {}),
      ...(Job.StatusUpdateInterval ? { StatusUpdateInterval: Job.StatusUpdateInterval } : {}),
      Settings: settings,
      UserMetadata: { ...(Job.UserMetadata ?? {}), version, attempt: String(attempt), previousJobId: change.jobId },
      ClientRequestToken: createHash('sha256').update(`${change.jobId}\n${attempt}`).digest('hex').slice(0, 64),
    };
    const created = await deps.mediaConvert.send(new CreateJobCommand(input));
    const jobId = created.Job?.Id;
    if (!jobId) throw new PublishError('MediaConvert returned no job id for the resubmission');
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: lessonKey(change.courseId, change.lessonId),
        UpdateExpression: 'SET jobId = :j, updatedAt = :now',
        ExpressionAttributeValues: { ':j': { S: jobId }, ':now': { S: new Date().toISOString() } },
      }),
    );
    log({ msg: 'job resubmitted', courseId: change.courseId, lessonId: change.lessonId, failedJobId: change.jobId, errorCode: change.errorCode, jobId, attempt });
    return { outcome: 'resubmitted', jobId, attempt };
  }

  async function fail(change: JobStateChange, message: string, kind: LessonErrorKind): Promise<CompletionResult> {
    await markFailed(deps.dynamo, table, change.courseId, change.lessonId, message, undefined, kind);
    log({ msg: 'lesson failed', courseId: change.courseId, lessonId: change.lessonId, jobId: change.jobId, message });
    return { outcome: 'failed', message };
  }

  return async (event) => {
    const change = parseJobStateChange(event);
    if (!change) return { outcome: 'ignored', reason: 'not a state change of a lectern job' };
    if (!isHandledJobState(change.status)) return { outcome: 'ignored', reason: `status ${change.status}` };
    const record = await getLesson(deps.dynamo, table, change.courseId, change.lessonId);
    if (!record) return { outcome: 'ignored', reason: 'no such lesson record' };
    if (record.jobId !== undefined && record.jobId !== change.jobId) return { outcome: 'ignored', reason: `superseded by job ${record.jobId}` };
    const current = publishedVersionOf(record);
    if (current !== undefined && current > change.version) return { outcome: 'ignored', reason: `version ${current} is newer` };

    if (change.status === JOB_STATE.COMPLETE) {
      try {
        return await publish(change);
      } catch (error) {
        if (error instanceof PublishError) return fail(change, error.message, 'publish');
        if (error instanceof CaptionError) return fail(change, error.message, 'captions');
        throw error; // S3/DynamoDB trouble: let Lambda retry the event
      }
    }
    if (change.status === JOB_STATE.CANCELED) return fail(change, `MediaConvert job ${change.jobId} was canceled`, 'canceled');
    if (shouldRetry(change, config)) return resubmit(change);
    const message = `MediaConvert error ${change.errorCode ?? '?'}: ${change.errorMessage ?? 'no message'} (job ${change.jobId}, attempt ${change.attempt} of ${config.maxAttempts})`;
    return fail(change, message, errorKindFor(change.errorCode));
  };
}
