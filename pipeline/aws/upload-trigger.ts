/**
 * Upload trigger (AWS Lambda): an upload to `uploads/<courseId>/<lessonId>/<file>` becomes a
 * MediaConvert job built by toMediaConvertJob, with course, lesson, version, attempt and source
 * in the job's user metadata (the completion handler reads them back).
 *
 * Accepts three payloads:
 * - an S3 event notification (Records[], `ObjectCreated:*`; keys arrive URL-encoded);
 * - the EventBridge form of the same (`detail-type: Object Created`);
 * - an on-demand encode request (edge/encode-request.ts) from the cookie issuer's async invoke.
 *
 * With `encodeOnUpload: false` an upload is only registered (`pending` + sourceKey): the lesson
 * is encoded the first time a student asks for it.
 *
 * Captions: sidecar files `<name>.<lang>.vtt|srt` beside `<name>.<ext>` are read and checked
 * before anything is submitted (upload-sidecars.ts); a malformed one marks the lesson failed
 * (`captions`, with `file:line: reason`) and submits nothing. A caption file uploaded after its
 * video was published is added to the published lesson without a job (late-captions.ts: a bad
 * one changes nothing and is recorded in `lateCaptions*`, the lesson stays published); one that
 * arrives while the lesson's encode is in flight re-encodes it with every sidecar
 * (sourceForCaptions says why).
 *
 * Idempotency: S3 may deliver an event twice. The job's ClientRequestToken is derived from the
 * bucket, key and the event's sequencer (MediaConvert returns the original job for a repeated
 * token within a minute), and an event whose sequencer is not newer than the lesson's last
 * handled upload is skipped.
 *
 * The handler is thin: `planUploadEvent` (pure) decides what to do per record; `createUploadTrigger`
 * does the I/O with injected clients.
 */
import { CreateJobCommand, type MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseEncodeRequest, type EncodeRequest } from '../../edge/encode-request.ts';
import { newVersionId } from '../encode-lesson.ts';
import { LADDER } from '../ladder.ts';
import { getLesson, markFailed, prepareLesson, releaseEncodeClaim } from '../lessons.ts';
import type { SidecarCaption } from '../mediaconvert-job-captions.ts';
import { CaptionError } from '../captions/caption-error.ts';
import { handleLateSidecar } from './late-captions.ts';
import { setSourceVersion } from './late-captions-record.ts';
import { loadUploadSidecars, parseCaptionKey, sourceForCaptions } from './upload-sidecars.ts';
import { objectsOf, sequencerNewer } from './upload-event.ts';
import { jobFor } from './upload-job.ts';

// The pure event parts, where the trigger's importers have always found them.
export { decodeS3Key, sequencerNewer } from './upload-event.ts';
export { jobFor } from './upload-job.ts';
import { parseSourceKey } from '../sources.ts';
import { lessonKey } from '../../tables/lessons.ts';
import type { UploadTriggerConfig } from './config.ts';
import type { LessonErrorKind } from '../errors.ts';

export interface UploadAction {
  /** `captions`: a caption file arrived (`key`); resolved to its video's upload by the handler. */
  readonly kind: 'encode' | 'register' | 'on-demand' | 'captions';
  readonly bucket: string;
  readonly key: string;
  readonly courseId: string;
  readonly lessonId: string;
  /** S3's sequencer for the event (hex, ordered per key); absent for on-demand requests. */
  readonly sequencer?: string;
  /** The caption file whose arrival this upload stands for (its key and sequencer make the job's token). */
  readonly captionKey?: string;
}

export interface Skipped {
  readonly key: string;
  readonly reason: string;
}

/** Pure: an event -> what to do with each object in it, and what was skipped and why. */
export function planUploadEvent(event: unknown, config: Pick<UploadTriggerConfig, 'uploadsBucket' | 'encodeOnUpload'>): { actions: UploadAction[]; skipped: Skipped[] } {
  const request = parseEncodeRequest(event);
  if (request) {
    return { actions: [{ kind: 'on-demand', bucket: config.uploadsBucket, key: request.sourceKey, courseId: request.courseId, lessonId: request.lessonId }], skipped: [] };
  }
  const objects = objectsOf(event);
  if (objects === null) return { actions: [], skipped: [{ key: '', reason: 'not an S3 ObjectCreated event or an encode request' }] };
  const actions: UploadAction[] = [];
  const skipped: Skipped[] = [];
  for (const o of objects) {
    if (o.bucket !== config.uploadsBucket) {
      skipped.push({ key: o.key, reason: `bucket ${o.bucket} is not the uploads bucket` });
      continue;
    }
    const parsed = parseSourceKey(o.key);
    const caption = parsed ? null : parseCaptionKey(o.key);
    if (caption && o.size !== 0) {
      actions.push({ kind: 'captions', bucket: o.bucket, key: o.key, courseId: caption.courseId, lessonId: caption.lessonId, ...(o.sequencer !== undefined ? { sequencer: o.sequencer } : {}) });
      continue;
    }
    if (!parsed) {
      skipped.push({ key: o.key, reason: 'not uploads/<courseId>/<lessonId>/<file> with valid ids and a video extension' });
      continue;
    }
    if (o.size === 0) {
      skipped.push({ key: o.key, reason: 'empty object' });
      continue;
    }
    actions.push({
      kind: config.encodeOnUpload ? 'encode' : 'register',
      bucket: o.bucket,
      key: o.key,
      courseId: parsed.courseId,
      lessonId: parsed.lessonId,
      ...(o.sequencer !== undefined ? { sequencer: o.sequencer } : {}),
    });
  }
  return { actions, skipped };
}

export interface UploadTriggerDeps {
  readonly mediaConvert: Pick<MediaConvertClient, 'send'>;
  readonly dynamo: DynamoDBClient;
  /** Reads the uploads bucket (sidecar caption files) and the media bucket (published lessons that get late captions). */
  readonly s3: Pick<S3Client, 'send'>;
  readonly newVersion?: () => string;
  /** Revision names of late caption files (captions/publish.ts newCaptionRevision). */
  readonly newRevision?: () => string;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface UploadTriggerResult {
  readonly submitted: { courseId: string; lessonId: string; jobId: string; version: string }[];
  readonly registered: { courseId: string; lessonId: string; sourceKey: string }[];
  /** Lessons whose caption files were refused: nothing submitted; marked failed, unless published (then recorded in `lateCaptions*`). */
  readonly refused: { courseId: string; lessonId: string; message: string }[];
  /** Late caption files published on the published lesson, no job submitted. */
  readonly captioned: { courseId: string; lessonId: string; language: string; uri: string; cues: number }[];
  readonly skipped: Skipped[];
}

export function createUploadTrigger(config: UploadTriggerConfig, deps: UploadTriggerDeps): (event: unknown) => Promise<UploadTriggerResult> {
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const newVersion = deps.newVersion ?? (() => newVersionId());
  const table = config.lessonsTable;

  /**
   * After a submit: the job, and the version it writes for the source (late-captions.ts tells
   * by it that a published version is this source's).
   */
  async function recordUpload(action: UploadAction, job: { jobId: string; version: string } | undefined): Promise<void> {
    // A caption file's sequencer is not comparable with the video's: never recorded.
    const sequencer = action.captionKey === undefined ? action.sequencer : undefined;
    const jobId = job?.jobId;
    if (sequencer === undefined && job === undefined) return;
    const sets: string[] = [];
    const values: Record<string, { S: string }> = {};
    if (job !== undefined) {
      sets.push('sourceVersion = :v');
      values[':v'] = { S: job.version };
    }
    if (sequencer !== undefined) {
      sets.push('uploadSequencer = :q');
      values[':q'] = { S: sequencer };
    }
    if (jobId !== undefined) {
      sets.push('jobId = :j');
      values[':j'] = { S: jobId };
    }
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: lessonKey(action.courseId, action.lessonId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async function submit(action: UploadAction, captions: readonly SidecarCaption[]): Promise<{ jobId: string; version: string }> {
    const version = newVersion();
    const result = await deps.mediaConvert.send(new CreateJobCommand(jobFor(action, config, version, LADDER, captions)));
    const jobId = result.Job?.Id;
    if (!jobId) throw new Error('MediaConvert returned no job id');
    return { jobId, version: result.Job?.UserMetadata?.['version'] ?? version };
  }

  /** The lesson's sidecars, checked; null when one is refused (the lesson is then marked failed). */
  async function captionsOrFail(action: UploadAction, out: UploadTriggerResult): Promise<readonly SidecarCaption[] | null> {
    try {
      return await loadUploadSidecars(deps.s3, action.bucket, action.key);
    } catch (error) {
      if (!(error instanceof CaptionError)) throw error; // S3 trouble: let Lambda retry the event
      await markFailed(deps.dynamo, table, action.courseId, action.lessonId, error.message, undefined, 'captions' satisfies LessonErrorKind);
      log({ msg: 'captions refused: nothing submitted', courseId: action.courseId, lessonId: action.lessonId, sourceKey: action.key, error: error.message });
      out.refused.push({ courseId: action.courseId, lessonId: action.lessonId, message: error.message });
      return null;
    }
  }

  return async (event) => {
    const { actions, skipped } = planUploadEvent(event, config);
    const out: UploadTriggerResult = { submitted: [], registered: [], refused: [], captioned: [], skipped: [...skipped] };
    for (const s of skipped) log({ msg: 'upload skipped', ...s });
    for (const planned of actions) {
      let action = planned;
      if (planned.kind === 'captions') {
        const record = await getLesson(deps.dynamo, table, planned.courseId, planned.lessonId);
        const source = sourceForCaptions(planned.key, record);
        if ('skip' in source) {
          out.skipped.push({ key: planned.key, reason: source.skip });
          log({ msg: 'upload skipped', key: planned.key, reason: source.skip });
          continue;
        }
        const late = await handleLateSidecar(
          { ...config, lessonsTable: table },
          { s3: deps.s3, dynamo: deps.dynamo, log, ...(deps.newRevision && { newRevision: deps.newRevision }) },
          record,
          { courseId: planned.courseId, lessonId: planned.lessonId, sourceKey: source.sourceKey, captionKey: planned.key },
        );
        if (late) {
          if (late.kind === 'captioned') out.captioned.push({ courseId: late.courseId, lessonId: late.lessonId, language: late.language, uri: late.uri, cues: late.cues });
          else out.refused.push({ courseId: late.courseId, lessonId: late.lessonId, message: late.message });
          continue;
        }
        const { sequencer, ...rest } = planned;
        action = { ...rest, kind: config.encodeOnUpload ? 'encode' : 'register', key: source.sourceKey, captionKey: planned.key, ...(sequencer !== undefined ? { sequencer } : {}) };
      }
      const where = { courseId: action.courseId, lessonId: action.lessonId, sourceKey: action.key };
      // Sequencers order events of one key: a caption file's says nothing about its video's.
      if (action.kind !== 'on-demand' && action.captionKey === undefined) {
        const existing = await getLesson(deps.dynamo, table, action.courseId, action.lessonId);
        const last = existing?.uploadSequencer;
        if (action.sequencer !== undefined && last !== undefined && !sequencerNewer(action.sequencer, last)) {
          out.skipped.push({ key: action.key, reason: 'an upload at least as new was already handled (duplicate event)' });
          log({ msg: 'upload skipped', key: action.key, reason: 'duplicate or older event' });
          continue;
        }
      }
      if (action.kind === 'register') {
        await prepareLesson(deps.dynamo, table, { courseId: action.courseId, lessonId: action.lessonId, status: 'pending', sourceKey: action.key });
        await setSourceVersion(deps.dynamo, table, action.courseId, action.lessonId, null); // no version is this source's yet
        // Checked now, while the author is at it, and again when the encode is asked for.
        if ((await captionsOrFail(action, out)) === null) continue;
        await recordUpload(action, undefined);
        out.registered.push({ courseId: action.courseId, lessonId: action.lessonId, sourceKey: action.key });
        log({ msg: 'upload registered for on-demand encoding', ...where });
        continue;
      }
      if (action.kind === 'encode') {
        await prepareLesson(deps.dynamo, table, { courseId: action.courseId, lessonId: action.lessonId, status: 'encoding', sourceKey: action.key });
        await setSourceVersion(deps.dynamo, table, action.courseId, action.lessonId, null); // no version is this source's yet
      }
      // After prepareLesson (sourceKey set): a caption file landing after this listing finds
      // the video in the record and re-submits, so none is ever missed.
      const captions = await captionsOrFail(action, out);
      if (captions === null) continue;
      try {
        const { jobId, version } = await submit(action, captions);
        if (action.kind === 'on-demand') {
          // `encoding` with the job id, unless the job already ended: a job that fails at once
          // can be recorded `failed` by the completion handler before this line runs.
          await deps.dynamo.send(new UpdateItemCommand({
            TableName: table,
            Key: lessonKey(action.courseId, action.lessonId),
            UpdateExpression: 'SET #s = :encoding, jobId = :j, sourceVersion = :v',
            ConditionExpression: '#s IN (:pending, :encoding)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':encoding': { S: 'encoding' }, ':pending': { S: 'pending' }, ':j': { S: jobId }, ':v': { S: version } },
          })).catch(async (error: unknown) => {
            if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
            // The job's version, without the job id: the completion handler has settled it.
            await setSourceVersion(deps.dynamo, table, action.courseId, action.lessonId, version);
          });
        } else {
          await recordUpload(action, { jobId, version });
        }
        out.submitted.push({ courseId: action.courseId, lessonId: action.lessonId, jobId, version });
        log({ msg: 'job submitted', ...where, jobId, version, trigger: action.kind, ...(action.captionKey !== undefined ? { captionKey: action.captionKey } : {}) });
      } catch (error) {
        const message = `the MediaConvert job could not be submitted: ${(error as Error).message}`;
        log({ msg: 'job submission failed', ...where, error: (error as Error).message });
        // On-demand: back to pending, so the next student request tries again. Upload: failed,
        // with the reason; Lambda's own retry of the event can still succeed.
        if (action.kind === 'on-demand') await releaseEncodeClaim(deps.dynamo, table, action.courseId, action.lessonId).catch(() => undefined);
        else await markFailed(deps.dynamo, table, action.courseId, action.lessonId, message, undefined, 'submit' satisfies LessonErrorKind).catch(() => undefined);
        throw error;
      }
    }
    return out;
  };
}

export type { EncodeRequest };
