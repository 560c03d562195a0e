/**
 * Completion handler (AWS Lambda) for EventBridge `MediaConvert Job State Change` events.
 *
 * COMPLETE: publish the job's output exactly as the local publisher does:
 *   1. read MediaConvert's multivariant playlist from the job's version prefix;
 *   2. rewrite it for the lesson folder (every URI prefixed with the version, checked to be a
 *      safe relative URI), start variant (best rendition of at most 480 lines) first;
 *   3. check every playlist it names exists (HeadObject);
 *   4. write `courses/<c>/<l>/master.m3u8` LAST: before this, nothing new is playable, and
 *      players of the previous version keep their (immutable) segments;
 *   5. update the lesson record (status, duration, renditions, manifest/poster/thumbnail keys);
 *   6. update the next-lesson KeyValueStore for the course (UpdateKeys with the store's ETag,
 *      retried on a conflict).
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
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isHandledJobState } from './job-states.ts';
import { sessionDataLines } from '../lesson-session-data.ts';
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
import { isCourseId, isLessonId } from '../../edge/course-id.ts';
import { lessonKeyPrefix, newVersionId } from '../encode-lesson.ts';
import { isSafeRelativeUri } from '../hls-playlist.ts';
import { buildNextLessonMap, getLesson, listCourseLessons, markFailed, markPublished, type PendingVersion, type RenditionSummary } from '../lessons.ts';
import { START_SHORT_SIDE } from '../master-playlist.ts';
import type { CompletionHandlerConfig } from './config.ts';

export const DETAIL_TYPE = 'MediaConvert Job State Change';

export interface OutputGroupDetail {
  readonly type: string;
  readonly playlistFilePaths: readonly string[];
  readonly outputs: readonly { outputFilePaths: readonly string[]; durationInMs?: number; widthInPx?: number; heightInPx?: number }[];
}

export interface JobStateChange {
  readonly jobId: string;
  readonly status: string;
  readonly courseId: string;
  readonly lessonId: string;
  readonly version: string;
  readonly attempt: number;
  readonly errorCode?: number;
  readonly errorMessage?: string;
  readonly outputGroups: readonly OutputGroupDetail[];
}

const VERSION_RE = /^v[0-9a-z]{9}-[0-9a-f]{4}$/;

/** Pure: an EventBridge event -> the change, or null when it is not a lectern job's state change. */
export function parseJobStateChange(event: unknown): JobStateChange | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, any>;
  if (e['source'] !== 'aws.mediaconvert' || e['detail-type'] !== DETAIL_TYPE) return null;
  const d = e['detail'];
  if (typeof d !== 'object' || d === null || typeof d.jobId !== 'string' || typeof d.status !== 'string') return null;
  const meta = (d.userMetadata ?? {}) as Record<string, unknown>;
  const { courseId, lessonId, version } = meta;
  if (!isCourseId(courseId) || !isLessonId(lessonId) || typeof version !== 'string' || !VERSION_RE.test(version)) return null;
  const attempt = Number(meta['attempt'] ?? '1');
  const groups: OutputGroupDetail[] = Array.isArray(d.outputGroupDetails)
    ? d.outputGroupDetails.map((g: any) => ({
        type: String(g?.type ?? ''),
        playlistFilePaths: Array.isArray(g?.playlistFilePaths) ? g.playlistFilePaths.filter((p: unknown) => typeof p === 'string') : [],
        outputs: Array.isArray(g?.outputDetails)
          ? g.outputDetails.map((o: any) => ({
              outputFilePaths: Array.isArray(o?.outputFilePaths) ? o.outputFilePaths.filter((p: unknown) => typeof p === 'string') : [],
              ...(typeof o?.durationInMs === 'number' ? { durationInMs: o.durationInMs } : {}),
              ...(typeof o?.videoDetails?.widthInPx === 'number' ? { widthInPx: o.videoDetails.widthInPx } : {}),
              ...(typeof o?.videoDetails?.heightInPx === 'number' ? { heightInPx: o.videoDetails.heightInPx } : {}),
            }))
          : [],
      }))
    : [];
  return {
    jobId: d.jobId,
    status: d.status,
    courseId,
    lessonId,
    version,
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
    ...(typeof d.errorCode === 'number' ? { errorCode: d.errorCode } : {}),
    ...(typeof d.errorMessage === 'string' ? { errorMessage: d.errorMessage } : {}),
    outputGroups: groups,
  };
}

// ---------- master playlist rewrite (pure) ----------

export class PublishError extends Error {
  override name = 'PublishError';
}

function attributes(list: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
  return out;
}

export interface RewrittenMaster {
  readonly text: string;
  /** Keys (relative to the lesson folder) of every playlist the master names. */
  readonly playlists: readonly string[];
  readonly renditions: readonly RenditionSummary[];
  /** Relative key of the first image-stream (scrub thumbnails) playlist, if any. */
  readonly thumbnails?: string;
}

/**
 * Pure: MediaConvert's multivariant playlist (written at `<version>/index.m3u8`) -> the lesson's
 * `master.m3u8` one folder up. Every URI must be a safe relative URI (no scheme, no `..`); each
 * gets the version prefix. The start variant (best rendition with a short side of at most 480)
 * goes first, the others follow from the highest bandwidth down, as in the local master.
 */
export function rewriteMasterPlaylist(text: string, version: string, posterKey?: string): RewrittenMaster {
  // posterKey: the frame capture's key relative to the version folder, e.g. `poster.0000001.jpg`.
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines[0] !== '#EXTM3U') throw new PublishError('MediaConvert playlist has no #EXTM3U header');
  const prefix = (uri: string): string => {
    if (!isSafeRelativeUri(uri)) throw new PublishError(`MediaConvert playlist names an unsafe URI: ${uri}`);
    return `${version}/${uri}`;
  };
  const playlists: string[] = [];
  const others: string[] = [];
  const variants: { inf: string; uri: string; bandwidth: number; width: number; height: number }[] = [];
  let thumbnails: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const uri = lines[++i];
      if (uri === undefined || uri.startsWith('#')) throw new PublishError('EXT-X-STREAM-INF without a URI line');
      const attrs = attributes(line.slice('#EXT-X-STREAM-INF:'.length));
      const [w, h] = (attrs.get('RESOLUTION') ?? '0x0').split('x').map(Number) as [number, number];
      const rewritten = prefix(uri);
      playlists.push(rewritten);
      variants.push({ inf: line, uri: rewritten, bandwidth: Number(attrs.get('BANDWIDTH') ?? 0), width: w || 0, height: h || 0 });
      continue;
    }
    if (!line.startsWith('#')) throw new PublishError(`URI line without EXT-X-STREAM-INF: ${line}`);
    const withUri = line.replace(/URI="([^"]*)"/, (_m, uri: string) => {
      const rewritten = prefix(uri);
      playlists.push(rewritten);
      if (line.startsWith('#EXT-X-IMAGE-STREAM-INF') && thumbnails === undefined) thumbnails = rewritten;
      return `URI="${rewritten}"`;
    });
    others.push(withUri);
  }
  if (variants.length === 0) throw new PublishError('MediaConvert playlist has no variants');
  const sorted = [...variants].sort((a, b) => b.bandwidth - a.bandwidth);
  const short = (v: { width: number; height: number }) => Math.min(v.width, v.height);
  const start = sorted.find((v) => short(v) > 0 && short(v) <= START_SHORT_SIDE) ?? sorted[sorted.length - 1]!;
  const ordered = [start, ...sorted.filter((v) => v !== start)];
  // Where the poster and thumbnails are (lesson-session-data.ts): the poster is a frame capture
  // named by MediaConvert, relative to the version folder; the thumbnails the image stream.
  const images = sessionDataLines({
    ...(posterKey !== undefined ? { poster: prefix(posterKey) } : {}),
    ...(thumbnails !== undefined ? { thumbnails } : {}),
  });
  const out = ['#EXTM3U', ...images, ...others, ...ordered.flatMap((v) => [v.inf, v.uri])];
  return {
    text: `${out.join('\n')}\n`,
    playlists,
    renditions: sorted.map((v) => ({ name: `${short(v)}p`, width: v.width, height: v.height, bandwidth: v.bandwidth })),
    ...(thumbnails !== undefined ? { thumbnails } : {}),
  };
}

/** Pure: `s3://bucket/key` -> {bucket, key}, or null. */
export function parseS3Url(url: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

/** Pure: the next-lesson entries of one course as they are vs as they should be -> the writes. */
export function kvsChanges(
  current: ReadonlyMap<string, string>,
  desired: readonly { key: string; value: string }[],
): { puts: { Key: string; Value: string }[]; deletes: { Key: string }[] } {
  const want = new Map(desired.map((d) => [d.key, d.value]));
  const puts = [...want].filter(([k, v]) => current.get(k) !== v).map(([Key, Value]) => ({ Key, Value }));
  const deletes = [...current.keys()].filter((k) => !want.has(k)).map((Key) => ({ Key }));
  return { puts, deletes };
}

/** Pure: a ERROR's retry decision. */
export function shouldRetry(change: Pick<JobStateChange, 'errorCode' | 'attempt'>, config: Pick<CompletionHandlerConfig, 'maxAttempts' | 'transientErrorCodes'>): boolean {
  return change.errorCode !== undefined && config.transientErrorCodes.includes(change.errorCode) && change.attempt < config.maxAttempts;
}

/** Pure: MediaConvert error code -> the record's errorKind (1010-1099: the input file itself). */
export function errorKindFor(code: number | undefined): string {
  // 1010-1099: the input could not be read as media; 1404: the input object could not be
  // opened (missing, or not readable by the role). Both mean the upload must be redone
  // (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_error_codes.html).
  if (code === 1404) return 'mediaconvert-input';
  return code !== undefined && code >= 1010 && code < 1100 ? 'mediaconvert-input' : 'mediaconvert';
}

// ---------- I/O ----------

export interface CompletionDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly mediaConvert: Pick<MediaConvertClient, 'send'>;
  readonly dynamo: DynamoDBClient;
  /** Null when config.keyValueStoreArn is null. */
  readonly keyValueStore: Pick<CloudFrontKeyValueStoreClient, 'send'> | null;
  readonly newVersion?: () => string;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type CompletionResult =
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'published'; readonly manifestKey: string; readonly kvs: { puts: number; deletes: number } | 'not configured' }
  | { readonly outcome: 'resubmitted'; readonly jobId: string; readonly attempt: number }
  | { readonly outcome: 'failed'; readonly message: string };

function versionOfKey(key: string | undefined): string | undefined {
  const v = key?.split('/')[3];
  return v && VERSION_RE.test(v) ? v : undefined;
}

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
    log({ msg: 'lesson published', courseId: change.courseId, lessonId: change.lessonId, jobId: change.jobId, version: change.version, kvs });
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
        Key: { courseId: { S: change.courseId }, lessonId: { S: change.lessonId } },
        UpdateExpression: 'SET jobId = :j, updatedAt = :now',
        ExpressionAttributeValues: { ':j': { S: jobId }, ':now': { S: new Date().toISOString() } },
      }),
    );
    log({ msg: 'job resubmitted', courseId: change.courseId, lessonId: change.lessonId, failedJobId: change.jobId, errorCode: change.errorCode, jobId, attempt });
    return { outcome: 'resubmitted', jobId, attempt };
  }

  async function fail(change: JobStateChange, message: string, kind: string): Promise<CompletionResult> {
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
    const current = versionOfKey(record.posterKey) ?? versionOfKey(record.thumbnailsKey);
    if (current !== undefined && current > change.version) return { outcome: 'ignored', reason: `version ${current} is newer` };

    if (change.status === 'COMPLETE') {
      try {
        return await publish(change);
      } catch (error) {
        if (error instanceof PublishError) return fail(change, error.message, 'publish');
        throw error; // S3/DynamoDB trouble: let Lambda retry the event
      }
    }
    if (change.status === 'CANCELED') return fail(change, `MediaConvert job ${change.jobId} was canceled`, 'canceled');
    if (shouldRetry(change, config)) return resubmit(change);
    const message = `MediaConvert error ${change.errorCode ?? '?'}: ${change.errorMessage ?? 'no message'} (job ${change.jobId}, attempt ${change.attempt} of ${config.maxAttempts})`;
    return fail(change, message, errorKindFor(change.errorCode));
  };
}
