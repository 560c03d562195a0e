/**
 * The start of automatic captions: after the completion handler has published a lesson, one
 * Amazon Transcribe job on the lesson's source upload, with WebVTT subtitle output into
 * `transcripts/<course>/<lesson>/<version>/` of the media bucket (transcribe-job.ts says why
 * there and what Transcribe writes). Transcribe reads the media and writes the output with the
 * caller's permissions (no DataAccessRoleArn), so the completion handler's role holds them.
 *
 * Never throws and never touches the published lesson: a lesson whose captions cannot be
 * started stays published, and the reason is logged and put on its record.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetTranscriptionJobCommand, StartTranscriptionJobCommand, type LanguageCode, type StartTranscriptionJobCommandInput, type TranscribeClient } from '@aws-sdk/client-transcribe';
import { lessonKeyPrefix } from '../encode-lesson.ts';
import { subtitleTracksOf } from '../hls/index.ts';
import { getLesson } from '../lessons.ts';
import { recordAutoCaptions } from './auto-captions-record.ts';
import type { AutoCaptionsConfig, TranscribeHandlerConfig } from './config.ts';
import { createTranscribeHandler } from './transcribe-handler.ts';
import { planAutoCaptions, TRANSCRIBE_DETAIL_TYPE, TRANSCRIBE_SOURCE, transcriptPrefix, type TranscribeLesson } from './transcribe-job.ts';

export interface AutoCaptionsDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly dynamo: DynamoDBClient;
  /** Null when auto captions are off. */
  readonly transcribe: Pick<TranscribeClient, 'send'> | null;
  readonly log: (entry: Record<string, unknown>) => void;
}

export interface AutoCaptionsPlace extends TranscribeHandlerConfig {
  readonly autoCaptions: AutoCaptionsConfig | null;
}

export type AutoCaptionsStart =
  | { readonly outcome: 'off' }
  | { readonly outcome: 'started' | 'already started' | 'republished'; readonly jobName: string }
  | { readonly outcome: 'skipped'; readonly reason: string }
  | { readonly outcome: 'failed'; readonly message: string };

/** Pure: the StartTranscriptionJob request. */
export function startTranscriptionInput(lesson: TranscribeLesson, jobName: string, config: AutoCaptionsConfig, mediaBucket: string, sourceKey: string): StartTranscriptionJobCommandInput {
  return {
    TranscriptionJobName: jobName,
    Media: { MediaFileUri: `s3://${config.uploadsBucket}/${sourceKey}` },
    ...(config.language === 'identify' ? { IdentifyLanguage: true } : { LanguageCode: config.language as LanguageCode }),
    OutputBucketName: mediaBucket,
    OutputKey: transcriptPrefix(lesson),
    // 1: the index most players and tools expect (the API's default is 0).
    Subtitles: { Formats: ['vtt'], OutputStartIndex: 1 },
    Tags: [
      { Key: 'lectern:course', Value: lesson.courseId },
      { Key: 'lectern:lesson', Value: lesson.lessonId },
      { Key: 'lectern:version', Value: lesson.version },
    ],
  };
}

export async function startAutoCaptions(place: AutoCaptionsPlace, deps: AutoCaptionsDeps, lesson: TranscribeLesson): Promise<AutoCaptionsStart> {
  const config = place.autoCaptions;
  if (!config || !deps.transcribe) return { outcome: 'off' };
  const where = { courseId: lesson.courseId, lessonId: lesson.lessonId, version: lesson.version };
  const record = async (state: 'started' | 'skipped' | 'failed', jobName: string | undefined, detail: string) => {
    await recordAutoCaptions(deps.dynamo, place.lessonsTable, { ...where, state, ...(jobName ? { jobName } : {}), detail }).catch((error: Error) => {
      deps.log({ msg: 'auto captions: could not record', ...where, state, error: error.message });
    });
  };
  let jobName: string | undefined;
  try {
    const masterKey = `${lessonKeyPrefix(lesson.courseId, lesson.lessonId)}/master.m3u8`;
    const master = await deps.s3.send(new GetObjectCommand({ Bucket: place.mediaBucket, Key: masterKey }));
    const tracks = subtitleTracksOf((await master.Body?.transformToString('utf-8')) ?? '');
    const lessonRecord = await getLesson(deps.dynamo, place.lessonsTable, lesson.courseId, lesson.lessonId);
    const plan = planAutoCaptions(lesson, config.language, tracks, lessonRecord?.sourceKey);
    if (!plan.start) {
      deps.log({ msg: 'auto captions skipped', ...where, reason: plan.reason });
      await record('skipped', undefined, plan.reason);
      return { outcome: 'skipped', reason: plan.reason };
    }
    jobName = plan.jobName;
    await deps.transcribe.send(new StartTranscriptionJobCommand(startTranscriptionInput(lesson, jobName, config, place.mediaBucket, plan.sourceKey)));
    deps.log({ msg: 'auto captions started', ...where, jobName });
    await record('started', jobName, config.language);
    return { outcome: 'started', jobName };
  } catch (error) {
    const e = error as Error;
    // Job names are unique in the account: a redelivered COMPLETE event finds its job started,
    // and has just rewritten the master without the job's captions if it had finished.
    if (jobName && e.name === 'ConflictException') return republishIfDone(place, deps, jobName);
    const message = `could not start automatic captions: ${e.name}: ${e.message}`;
    deps.log({ msg: 'auto captions failed to start', ...where, jobName, error: message });
    await record('failed', jobName, message);
    return { outcome: 'failed', message };
  }
}

/** A finished job's captions published again (what its own event did), or nothing to do yet. */
async function republishIfDone(place: AutoCaptionsPlace, deps: AutoCaptionsDeps, jobName: string): Promise<AutoCaptionsStart> {
  try {
    const { TranscriptionJob: job } = await deps.transcribe!.send(new GetTranscriptionJobCommand({ TranscriptionJobName: jobName }));
    if (job?.TranscriptionJobStatus !== 'COMPLETED') return { outcome: 'already started', jobName };
    const event = { source: TRANSCRIBE_SOURCE, 'detail-type': TRANSCRIBE_DETAIL_TYPE, detail: { TranscriptionJobName: jobName, TranscriptionJobStatus: 'COMPLETED' } };
    const result = await createTranscribeHandler(place, { s3: deps.s3, transcribe: deps.transcribe!, dynamo: deps.dynamo, log: deps.log })(event);
    return result.outcome === 'published' ? { outcome: 'republished', jobName } : { outcome: 'already started', jobName };
  } catch (error) {
    const message = `could not publish the captions of ${jobName} again: ${(error as Error).name}: ${(error as Error).message}`;
    deps.log({ msg: 'auto captions failed to republish', jobName, error: message });
    return { outcome: 'failed', message };
  }
}
