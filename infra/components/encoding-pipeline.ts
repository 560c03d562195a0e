import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { parseCompletionHandlerConfig, parseUploadTriggerConfig } from '../../pipeline/aws/config.ts';
import { HANDLED_JOB_STATES } from '../../pipeline/aws/job-states.ts';

/**
 * Node.js runtime of the pipeline Lambdas. Lambda's Node.js runtimes page lists nodejs22.x
 * (deprecation 2027-04-30) and nodejs20.x (2026-04-30):
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 */

const UPLOAD_TRIGGER = 'upload-trigger';

/**
 * The upload trigger's function name, known before it exists: the cookie issuer (created
 * first, in us-east-1) names it in its config to invoke it in on-demand mode.
 */
export function uploadTriggerName(namePrefix: string): string {
  return `${namePrefix}-${UPLOAD_TRIGGER}`;
}

export const PIPELINE_RUNTIME = 'nodejs22.x';

/**
 * Where uploads land: `uploads/<courseId>/<lessonId>/<file>` is the upload trigger's convention
 * (pipeline/aws/upload-trigger.ts); the S3 notification only fires under it.
 */
export const UPLOADS_PREFIX = 'uploads/';

export interface EncodingPipelineArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly uploads: aws.s3.Bucket;
  readonly media: aws.s3.Bucket;
  readonly lessonsTable: aws.dynamodb.Table;
  /** The viewer-request function's KeyValueStore; the completion handler updates the next-lesson map. */
  readonly nextLessonStoreArn: pulumi.Input<string>;
  /** The built handlers (dist/pipeline/<name>/index.mjs: ESM, export `handler`). */
  readonly uploadTriggerBundle: string;
  readonly completionHandlerBundle: string;
  readonly logRetentionDays: number;
  /** Register uploads only; the cookie issuer starts encodes on first request. */
  readonly onDemandEncoding: boolean;
  /** The `autoCaptions` setting: the completion handler starts Transcribe jobs in this language (components/auto-captions.ts). */
  readonly autoCaptions?: string | null;
}

const assumeRole = (service: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

/**
 * The encoding pipeline on AWS: an upload in the uploads bucket starts the upload trigger, which
 * submits a MediaConvert job (the ladder as MediaConvert settings) to the lectern queue under the
 * MediaConvert role; MediaConvert's `Job State Change` events (COMPLETE, ERROR, CANCELED) for that queue go
 * through an EventBridge rule to the completion handler, which publishes the lesson (master
 * playlist last), updates the lessons table and the next-lesson KeyValueStore.
 */
export class EncodingPipeline extends pulumi.ComponentResource {
  readonly queue: aws.mediaconvert.Queue;
  readonly mediaConvertRole: aws.iam.Role;
  readonly uploadTrigger: aws.lambda.Function;
  readonly completionHandler: aws.lambda.Function;
  /** The completion handler's role (auto captions add their statements to it). */
  readonly completionRole: aws.iam.Role;
  readonly jobStateRule: aws.cloudwatch.EventRule;
  /** The validated config.json zipped beside each bundle. */
  readonly uploadTriggerConfig: pulumi.Output<string>;
  readonly completionHandlerConfig: pulumi.Output<string>;

  constructor(name: string, args: EncodingPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:pipeline:EncodingPipeline', name, {}, opts);
    const child = { parent: this };
    const prefix = args.namePrefix;

    this.queue = new aws.mediaconvert.Queue(`${name}-queue`, {
      name: `${prefix}-encode`,
      description: 'lectern lesson encodes (on-demand: Automated ABR cannot use reserved queues)',
      pricingPlan: 'ON_DEMAND',
      status: 'ACTIVE',
    }, child);

    // MediaConvert reads raw uploads and writes versioned lesson folders, nothing else.
    this.mediaConvertRole = new aws.iam.Role(`${name}-mediaconvert`, {
      description: 'lectern: MediaConvert reads uploads, writes encoded lessons',
      assumeRolePolicy: assumeRole('mediaconvert.amazonaws.com'),
    }, child);
    new aws.iam.RolePolicy(`${name}-mediaconvert`, {
      role: this.mediaConvertRole.id,
      policy: pulumi.all([args.uploads.arn, args.media.arn]).apply(([uploadsArn, mediaArn]) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadUploads', Effect: 'Allow', Action: 's3:GetObject', Resource: `${uploadsArn}/${UPLOADS_PREFIX}*` },
          { Sid: 'WriteLessons', Effect: 'Allow', Action: 's3:PutObject', Resource: `${mediaArn}/courses/*` },
          { Sid: 'LocateBuckets', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: [uploadsArn, mediaArn] },
        ],
      })),
    }, child);

    const lambdaRole = (role: string, statements: pulumi.Input<unknown[]>): aws.iam.Role => {
      const r = new aws.iam.Role(`${name}-${role}`, { description: `lectern pipeline: ${role}`, assumeRolePolicy: assumeRole('lambda.amazonaws.com') }, child);
      new aws.iam.RolePolicyAttachment(`${name}-${role}-logs`, { role: r.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole }, child);
      new aws.iam.RolePolicy(`${name}-${role}`, {
        role: r.id,
        policy: pulumi.output(statements).apply((s) => JSON.stringify({ Version: '2012-10-17', Statement: s })),
      }, child);
      return r;
    };
    const passMediaConvertRole = (roleArn: string) => ({
      Sid: 'PassRoleToMediaConvert',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: roleArn,
      Condition: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
    });
    // pipeline/lessons.ts reads and writes lesson records (get, query, scan a course, update).
    const lessonsAccess = (tableArn: string) => ({
      Sid: 'LessonRecords',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
      Resource: tableArn,
    });

    const triggerRole = lambdaRole('upload-trigger', pulumi
      .all([args.lessonsTable.arn, this.queue.arn, this.mediaConvertRole.arn, args.uploads.arn, args.media.arn])
      .apply(([tableArn, queueArn, roleArn, uploadsArn, mediaArn]) => [
        { Sid: 'SubmitJobs', Effect: 'Allow', Action: 'mediaconvert:CreateJob', Resource: queueArn },
        // Sidecar caption files beside an upload are listed and read before a job is submitted
        // (pipeline/aws/upload-sidecars.ts); ListBucket only under the upload prefix.
        { Sid: 'ReadSidecars', Effect: 'Allow', Action: 's3:GetObject', Resource: `${uploadsArn}/${UPLOADS_PREFIX}*` },
        { Sid: 'ListSidecars', Effect: 'Allow', Action: 's3:ListBucket', Resource: uploadsArn, Condition: { StringLike: { 's3:prefix': [`${UPLOADS_PREFIX}*`] } } },
        // A caption file uploaded after its video is published goes into the published lesson:
        // its master, start playlist and first fragments are read, new subtitle files and the
        // master written (pipeline/aws/late-captions.ts). Never deletes.
        { Sid: 'CaptionPublishedLessons', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${mediaArn}/courses/*` },
        { Sid: 'FindEndpoint', Effect: 'Allow', Action: 'mediaconvert:DescribeEndpoints', Resource: '*' },
        passMediaConvertRole(roleArn),
        lessonsAccess(tableArn),
      ]));

    const completionRole = this.completionRole = lambdaRole('completion-handler', pulumi
      .all([args.media.arn, args.lessonsTable.arn, args.nextLessonStoreArn, this.queue.arn, this.mediaConvertRole.arn])
      .apply(([mediaArn, tableArn, kvsArn, queueArn, roleArn]) => [
        // Reads the job's playlists, checks each exists (HeadObject: GetObject, and ListBucket so a
        // missing one is 404), writes master.m3u8 last.
        { Sid: 'PublishLessons', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${mediaArn}/courses/*` },
        { Sid: 'ListLessons', Effect: 'Allow', Action: 's3:ListBucket', Resource: mediaArn },
        { Sid: 'ReadJobs', Effect: 'Allow', Action: ['mediaconvert:GetJob', 'mediaconvert:DescribeEndpoints'], Resource: '*' },
        { Sid: 'RetryJobs', Effect: 'Allow', Action: 'mediaconvert:CreateJob', Resource: queueArn },
        passMediaConvertRole(roleArn),
        lessonsAccess(tableArn),
        {
          Sid: 'NextLessonMap',
          Effect: 'Allow',
          Action: ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:ListKeys', 'cloudfront-keyvaluestore:UpdateKeys'],
          Resource: kvsArn,
        },
      ]));

    // Like the cookie issuer, the pipeline Lambdas read a config.json baked beside the bundle
    // (pipeline/aws/config.ts), validated here with their own parsers before it is zipped.
    this.uploadTriggerConfig = pulumi
      .all([args.lessonsTable.name, args.uploads.bucket, args.media.bucket, this.mediaConvertRole.arn, this.queue.arn])
      .apply(([lessonsTable, uploadsBucket, mediaBucket, role, queue]) => JSON.stringify(parseUploadTriggerConfig({
        region: args.region,
        lessonsTable,
        uploadsBucket,
        mediaBucket,
        mediaConvert: { role, queue },
        encodeOnUpload: !args.onDemandEncoding,
      }), null, 2) + '\n');
    this.completionHandlerConfig = pulumi
      .all([args.lessonsTable.name, args.media.bucket, args.nextLessonStoreArn, args.uploads.bucket])
      .apply(([lessonsTable, mediaBucket, keyValueStoreArn, uploadsBucket]) => JSON.stringify(parseCompletionHandlerConfig({
        region: args.region,
        lessonsTable,
        mediaBucket,
        keyValueStoreArn,
        autoCaptions: args.autoCaptions ? { language: args.autoCaptions, uploadsBucket } : null,
      }), null, 2) + '\n');

    const fn = (fnName: string, role: aws.iam.Role, bundle: string, config: pulumi.Output<string>, timeout: number, description: string): aws.lambda.Function => {
      const functionName = `${prefix}-${fnName}`;
      const logGroup = new aws.cloudwatch.LogGroup(`${name}-${fnName}`, {
        name: `/aws/lambda/${functionName}`,
        retentionInDays: args.logRetentionDays,
      }, child);
      return new aws.lambda.Function(`${name}-${fnName}`, {
        name: functionName,
        description,
        role: role.arn,
        runtime: PIPELINE_RUNTIME,
        architectures: ['x86_64'],
        handler: 'index.handler',
        code: config.apply((json) => new pulumi.asset.AssetArchive({
          'index.mjs': new pulumi.asset.FileAsset(bundle),
          'config.json': new pulumi.asset.StringAsset(json),
        })),
        memorySize: 256,
        timeout,
        loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      }, { ...child, dependsOn: [logGroup] });
    };

    this.uploadTrigger = fn(UPLOAD_TRIGGER, triggerRole, args.uploadTriggerBundle, this.uploadTriggerConfig, 30, 'lectern: S3 upload -> MediaConvert job');
    this.completionHandler = fn('completion-handler', completionRole, args.completionHandlerBundle, this.completionHandlerConfig, 120, 'lectern: MediaConvert job state -> published lesson');

    // Uploads -> trigger.
    const s3Invoke = new aws.lambda.Permission(`${name}-s3-invokes-trigger`, {
      action: 'lambda:InvokeFunction',
      function: this.uploadTrigger.name,
      principal: 's3.amazonaws.com',
      sourceArn: args.uploads.arn,
    }, child);
    new aws.s3.BucketNotification(`${name}-uploads`, {
      bucket: args.uploads.id,
      lambdaFunctions: [{ lambdaFunctionArn: this.uploadTrigger.arn, events: ['s3:ObjectCreated:*'], filterPrefix: UPLOADS_PREFIX }],
    }, { ...child, dependsOn: [s3Invoke] });

    // MediaConvert job state changes for our queue -> completion handler: every status it acts on.
    this.jobStateRule = new aws.cloudwatch.EventRule(`${name}-job-state`, {
      name: `${prefix}-mediaconvert-job-state`,
      description: `lectern: MediaConvert ${HANDLED_JOB_STATES.join('/')} for the lectern queue`,
      eventPattern: pulumi.output(this.queue.arn).apply((queueArn) => JSON.stringify({
        source: ['aws.mediaconvert'],
        'detail-type': ['MediaConvert Job State Change'],
        detail: { status: [...HANDLED_JOB_STATES], queue: [queueArn] },
      })),
    }, child);
    new aws.cloudwatch.EventTarget(`${name}-job-state`, {
      rule: this.jobStateRule.name,
      arn: this.completionHandler.arn,
      retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 },
    }, child);
    new aws.lambda.Permission(`${name}-events-invoke-completion`, {
      action: 'lambda:InvokeFunction',
      function: this.completionHandler.name,
      principal: 'events.amazonaws.com',
      sourceArn: this.jobStateRule.arn,
    }, child);

    this.registerOutputs({
      queueArn: this.queue.arn,
      mediaConvertRoleArn: this.mediaConvertRole.arn,
      uploadTriggerArn: this.uploadTrigger.arn,
      completionHandlerArn: this.completionHandler.arn,
    });
  }
}
