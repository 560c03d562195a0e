import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { EDGE_FUNCTION_TAG, EDGE_RUNTIME, EDGE_VIEWER_MAX_MEMORY_MB, EDGE_VIEWER_MAX_TIMEOUT_S } from './cookie-issuer.ts';

export interface ProgressApiArgs {
  readonly namePrefix: string;
  /** dist/edge/progress-api/index.mjs, as built. */
  readonly bundlePath: string;
  /** The validated config.json (see infra/progress-api-config.ts). */
  readonly configJson: pulumi.Input<string>;
  readonly enrollmentsTableArn: pulumi.Input<string>;
  /** Read for each lesson's real duration (completion is judged against it). */
  readonly lessonsTableArn: pulumi.Input<string>;
  readonly progressTableArn: pulumi.Input<string>;
  /** An explicit us-east-1 provider: Lambda@Edge functions must live there. */
  readonly edgeProvider: aws.Provider;
}

/**
 * The progress API as Lambda@Edge on the /api/* behavior (viewer request, body included, no
 * origin: it generates every response): the built bundle plus its config.json in one zip, in
 * us-east-1, published (CloudFront runs numbered versions only), with a role both
 * lambda.amazonaws.com and edgelambda.amazonaws.com may assume and exactly these data
 * permissions: GetItem and UpdateItem on the progress table (read, then one conditional write),
 * GetItem on enrollments and on lessons.
 */
export class ProgressApi extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.Function;
  /** `arn:aws:lambda:us-east-1:…:function:<name>:<version>`: what the distribution runs. */
  readonly qualifiedArn: pulumi.Output<string>;
  readonly configJson: pulumi.Output<string>;

  constructor(name: string, args: ProgressApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:edge:ProgressApi', name, {}, opts);
    const edge = { parent: this, provider: args.edgeProvider };

    this.role = new aws.iam.Role(`${name}-role`, {
      description: 'lectern progress API (Lambda@Edge)',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] },
          Action: 'sts:AssumeRole',
        }],
      }),
    }, edge);
    // Lambda@Edge writes logs in the Region where each replica runs, so logs:* cannot be
    // narrowed to one Region's log group; the managed basic-execution policy covers them.
    const logs = new aws.iam.RolePolicyAttachment(`${name}-logs`, {
      role: this.role.name,
      policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
    }, edge);
    const access = new aws.iam.RolePolicy(`${name}-access`, {
      role: this.role.id,
      policy: pulumi.all([args.progressTableArn, args.enrollmentsTableArn, args.lessonsTableArn]).apply(([progressArn, enrollmentsArn, lessonsArn]) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadAndWriteProgress', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: progressArn },
          { Sid: 'ReadEnrollments', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: enrollmentsArn },
          { Sid: 'ReadLessonDurations', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: lessonsArn },
        ],
      })),
    }, edge);

    this.configJson = pulumi.output(args.configJson);
    const code = this.configJson.apply((json) => new pulumi.asset.AssetArchive({
      'index.mjs': new pulumi.asset.FileAsset(args.bundlePath),
      'config.json': new pulumi.asset.StringAsset(json),
    }));

    this.function = new aws.lambda.Function(name, {
      name: `${args.namePrefix}-progress-api`,
      description: 'lectern: /api/progress resume and completion (decided from what was watched), for the player',
      role: this.role.arn,
      runtime: EDGE_RUNTIME,
      architectures: ['x86_64'],
      handler: 'index.handler',
      code,
      memorySize: EDGE_VIEWER_MAX_MEMORY_MB,
      timeout: EDGE_VIEWER_MAX_TIMEOUT_S,
      publish: true,
      tags: { [EDGE_FUNCTION_TAG]: 'viewer-request' },
    }, { ...edge, dependsOn: [logs, access] });
    this.qualifiedArn = this.function.qualifiedArn;

    this.registerOutputs({ qualifiedArn: this.qualifiedArn, roleArn: this.role.arn });
  }
}
