/**
 * The MediaConvert job of an upload, pure: toMediaConvertJob's job for the action's source and
 * version, with a ClientRequestToken from the bucket, key and S3 sequencer (a repeated event
 * gets the original job back) and the attempt, source, trigger and the sidecars' latest cues in
 * user metadata (the completion handler reads them back). upload-trigger.ts submits it.
 */
import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { createHash } from 'node:crypto';
import { LADDER, type Ladder } from '../ladder.ts';
import { toMediaConvertJob } from '../mediaconvert-job.ts';
import type { SidecarCaption } from '../mediaconvert-job-captions.ts';
import { latestCuesMetadata } from './caption-cue-check.ts';
import type { UploadTriggerConfig } from './config.ts';
import type { UploadAction } from './upload-trigger.ts';

/** Pure: the CreateJob input for an action (the ladder's job + attempt, source and trigger in user metadata). */
export function jobFor(
  action: UploadAction,
  config: Pick<UploadTriggerConfig, 'mediaBucket' | 'mediaConvert' | 'includeOptional'>,
  version: string,
  ladder: Ladder = LADDER,
  captions: readonly SidecarCaption[] = [],
): CreateJobCommandInput {
  const job = toMediaConvertJob(
    ladder,
    {
      fileInput: `s3://${action.bucket}/${action.key}`,
      courseId: action.courseId,
      lessonId: action.lessonId,
      includeOptional: config.includeOptional,
      ...(captions.length > 0 && { captions }),
    },
    {
      destination: `s3://${config.mediaBucket}/courses/${action.courseId}/${action.lessonId}/${version}/`,
      version,
      role: config.mediaConvert.role,
      ...(config.mediaConvert.queue !== undefined ? { queue: config.mediaConvert.queue } : {}),
    },
  );
  const token = createHash('sha256')
    .update(`${action.bucket}\n${action.captionKey ?? action.key}\n${action.sequencer ?? `on-demand:${version}`}`)
    .digest('hex')
    .slice(0, 64);
  return {
    ...job,
    ClientRequestToken: token,
    UserMetadata: {
      ...job.UserMetadata,
      attempt: '1',
      sourceKey: action.key.slice(0, 256),
      trigger: action.captionKey !== undefined ? 'captions' : action.kind,
      ...latestCuesMetadata(captions),
    },
  };
}
