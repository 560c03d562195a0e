import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { createEdgeLambda } from './edge-lambda.ts';

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
    const lambda = createEdgeLambda(this, name, {
      functionName: `${args.namePrefix}-progress-api`,
      roleDescription: 'lectern progress API (Lambda@Edge)',
      functionDescription: 'lectern: /api/progress resume and completion (decided from what was watched), for the player',
      bundlePath: args.bundlePath,
      configJson: args.configJson,
      edgeProvider: args.edgeProvider,
      statements: pulumi.all([args.progressTableArn, args.enrollmentsTableArn, args.lessonsTableArn]).apply(([progressArn, enrollmentsArn, lessonsArn]) => [
        { Sid: 'ReadAndWriteProgress', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: progressArn },
        { Sid: 'ReadEnrollments', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: enrollmentsArn },
        { Sid: 'ReadLessonDurations', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: lessonsArn },
      ]),
    });
    this.role = lambda.role;
    this.function = lambda.function;
    this.qualifiedArn = lambda.qualifiedArn;
    this.configJson = lambda.configJson;

    this.registerOutputs({ qualifiedArn: this.qualifiedArn, roleArn: this.role.arn });
  }
}
