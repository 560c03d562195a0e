import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { parseTranscribeHandlerConfig } from '../../pipeline/aws/config.ts';
import { JOB_NAME_PREFIX, TRANSCRIBE_DETAIL_TYPE, TRANSCRIBE_HANDLED_STATES, TRANSCRIBE_SOURCE, TRANSCRIPTS_PREFIX } from '../../pipeline/aws/transcribe-job.ts';
import { PIPELINE_RUNTIME, UPLOADS_PREFIX } from './encoding-pipeline.ts';

export interface AutoCaptionsArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly uploads: aws.s3.Bucket;
  readonly media: aws.s3.Bucket;
  readonly lessonsTable: aws.dynamodb.Table;
  /** The completion handler's role: it starts the jobs (pipeline/aws/auto-captions.ts). */
  readonly completionRole: aws.iam.Role;
  /** Built handler (dist/pipeline/transcribe-handler/index.mjs). */
  readonly handlerBundle: string;
  readonly logRetentionDays: number;
}

const FUNCTION = 'transcribe-handler';

/**
 * Automatic captions (stack setting `autoCaptions`): the completion handler starts an Amazon
 * Transcribe job on each published lesson's upload, and Transcribe's `Transcribe Job State
 * Change` events for lectern jobs (COMPLETED, FAILED) go through an EventBridge rule to the
 * transcribe handler, which publishes the WebVTT as a machine-generated subtitle rendition.
 *
 * Transcribe reads the media and writes its output with the permissions of whoever calls
 * StartTranscriptionJob (no data access role), so the completion handler's role gets read of
 * uploads and write of `transcripts/` in the media bucket, and nothing else new:
 * https://docs.aws.amazon.com/transcribe/latest/dg/security_iam_id-based-policy-examples.html
 * Job ARNs are `arn:aws:transcribe:<region>:<account>:transcription-job/<name>`; every lectern
 * job name starts with JOB_NAME_PREFIX, so both roles are limited to those.
 */
export class AutoCaptions extends pulumi.ComponentResource {
  readonly handler: aws.lambda.Function;
  readonly rule: aws.cloudwatch.EventRule;
  /** The validated config.json zipped beside the bundle. */
  readonly handlerConfig: pulumi.Output<string>;

  constructor(name: string, args: AutoCaptionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:pipeline:AutoCaptions', name, {}, opts);
    const child = { parent: this };
    const jobs = `arn:aws:transcribe:${args.region}:*:transcription-job/${JOB_NAME_PREFIX}*`;

    new aws.iam.RolePolicy(`${name}-start-jobs`, {
      role: args.completionRole.id,
      policy: pulumi.all([args.uploads.arn, args.media.arn]).apply(([uploadsArn, mediaArn]) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          // Get: a redelivered COMPLETE finds its job started, and publishes a finished one's captions again.
          { Sid: 'StartTranscription', Effect: 'Allow', Action: ['transcribe:StartTranscriptionJob', 'transcribe:GetTranscriptionJob'], Resource: jobs },
          { Sid: 'TranscribeReadsUploads', Effect: 'Allow', Action: 's3:GetObject', Resource: `${uploadsArn}/${UPLOADS_PREFIX}*` },
          { Sid: 'TranscribeWritesTranscripts', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `${mediaArn}/${TRANSCRIPTS_PREFIX}*` },
        ],
      })),
    }, child);

    const role = new aws.iam.Role(`${name}-${FUNCTION}`, {
      description: `lectern pipeline: ${FUNCTION}`,
      assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }, child);
    new aws.iam.RolePolicyAttachment(`${name}-${FUNCTION}-logs`, { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole }, child);
    new aws.iam.RolePolicy(`${name}-${FUNCTION}`, {
      role: role.id,
      policy: pulumi.all([args.media.arn, args.lessonsTable.arn]).apply(([mediaArn, tableArn]) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadJobs', Effect: 'Allow', Action: 'transcribe:GetTranscriptionJob', Resource: jobs },
          { Sid: 'ReadTranscripts', Effect: 'Allow', Action: 's3:GetObject', Resource: `${mediaArn}/${TRANSCRIPTS_PREFIX}*` },
          // Reads the master and the start variant's playlist and fragments; writes subtitle files, then the master.
          { Sid: 'PublishCaptions', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${mediaArn}/courses/*` },
          { Sid: 'ListMedia', Effect: 'Allow', Action: 's3:ListBucket', Resource: mediaArn },
          { Sid: 'RecordCaptions', Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: tableArn },
        ],
      })),
    }, child);

    this.handlerConfig = pulumi
      .all([args.lessonsTable.name, args.media.bucket])
      .apply(([lessonsTable, mediaBucket]) => JSON.stringify(parseTranscribeHandlerConfig({ region: args.region, lessonsTable, mediaBucket }), null, 2) + '\n');

    const functionName = `${args.namePrefix}-${FUNCTION}`;
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-${FUNCTION}`, { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays }, child);
    this.handler = new aws.lambda.Function(`${name}-${FUNCTION}`, {
      name: functionName,
      description: 'lectern: Transcribe job state -> machine-generated captions',
      role: role.arn,
      runtime: PIPELINE_RUNTIME,
      architectures: ['x86_64'],
      handler: 'index.handler',
      code: this.handlerConfig.apply((json) => new pulumi.asset.AssetArchive({
        'index.mjs': new pulumi.asset.FileAsset(args.handlerBundle),
        'config.json': new pulumi.asset.StringAsset(json),
      })),
      memorySize: 256,
      timeout: 120,
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
    }, { ...child, dependsOn: [logGroup] });

    this.rule = new aws.cloudwatch.EventRule(`${name}-job-state`, {
      name: `${args.namePrefix}-transcribe-job-state`,
      description: `lectern: Transcribe ${TRANSCRIBE_HANDLED_STATES.join('/')} of lectern jobs`,
      eventPattern: JSON.stringify({
        source: [TRANSCRIBE_SOURCE],
        'detail-type': [TRANSCRIBE_DETAIL_TYPE],
        // Every state change of the account's jobs in these states: the handler drops other
        // projects' jobs by name before any AWS call. (A `prefix` filter on the name would
        // narrow it further; the local event bus matches exact values only, and the local
        // stack must route what this rule routes.)
        detail: { TranscriptionJobStatus: [...TRANSCRIBE_HANDLED_STATES] },
      }),
    }, child);
    new aws.cloudwatch.EventTarget(`${name}-job-state`, {
      rule: this.rule.name,
      arn: this.handler.arn,
      retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 },
    }, child);
    new aws.lambda.Permission(`${name}-events-invoke`, {
      action: 'lambda:InvokeFunction',
      function: this.handler.name,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    }, child);

    this.registerOutputs({ transcribeHandlerArn: this.handler.arn, ruleArn: this.rule.arn });
  }
}
