import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { createEdgeLambda } from './edge-lambda.ts';

export interface CookieIssuerArgs {
  readonly namePrefix: string;
  /** dist/edge/cookie-issuer/index.mjs, as built. */
  readonly bundlePath: string;
  /** The validated config.json (see issuer-config.ts). */
  readonly configJson: pulumi.Input<string>;
  readonly enrollmentsTableArn: pulumi.Input<string>;
  /** Read by GET /auth/lessons/<course>/<lesson> (lesson status). */
  readonly lessonsTableArn: pulumi.Input<string>;
  readonly signingSecretArn: pulumi.Input<string>;
  /** An explicit us-east-1 provider: Lambda@Edge functions must live there. */
  readonly edgeProvider: aws.Provider;
  /** On-demand mode: the issuer claims a pending lesson and invokes the upload trigger. */
  readonly onDemand?: { readonly uploadTriggerName: string; readonly region: string };
}

/**
 * The cookie issuer as Lambda@Edge: the built bundle plus its config.json in one zip, in
 * us-east-1, published (CloudFront only runs numbered versions, never $LATEST or an alias), with
 * a role both lambda.amazonaws.com and edgelambda.amazonaws.com may assume and exactly these data
 * permissions: GetItem on the enrollments and lessons tables, GetSecretValue on the signing key
 * (and, in on-demand mode, UpdateItem on lessons plus InvokeFunction on the upload trigger).
 */
export class CookieIssuer extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.Function;
  /** `arn:aws:lambda:us-east-1:…:function:<name>:<version>`: what the distribution runs. */
  readonly qualifiedArn: pulumi.Output<string>;
  readonly configJson: pulumi.Output<string>;

  constructor(name: string, args: CookieIssuerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:edge:CookieIssuer', name, {}, opts);
    const lambda = createEdgeLambda(this, name, {
      functionName: `${args.namePrefix}-cookie-issuer`,
      roleDescription: 'lectern cookie issuer (Lambda@Edge)',
      functionDescription: 'lectern: POST /auth/session trades a Cognito JWT for course-scoped CloudFront signed cookies',
      bundlePath: args.bundlePath,
      configJson: args.configJson,
      edgeProvider: args.edgeProvider,
      statements: pulumi.all([args.enrollmentsTableArn, args.lessonsTableArn, args.signingSecretArn]).apply(([tableArn, lessonsArn, secretArn]) => [
        { Sid: 'ReadEnrollments', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn },
        { Sid: 'ReadLessonStatus', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: lessonsArn },
        { Sid: 'ReadSigningKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn },
        // On-demand: the pending -> encoding claim is a conditional UpdateItem, then an
        // asynchronous invoke of the upload trigger (the account is fixed by the trigger's own
        // resource policy, so the ARN names any account rather than looking it up).
        ...(args.onDemand
          ? [
              { Sid: 'ClaimPendingLessons', Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: lessonsArn },
              { Sid: 'StartEncodes', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:${args.onDemand.region}:*:function:${args.onDemand.uploadTriggerName}` },
            ]
          : []),
      ]),
    });
    this.role = lambda.role;
    this.function = lambda.function;
    this.qualifiedArn = lambda.qualifiedArn;
    this.configJson = lambda.configJson;

    this.registerOutputs({ qualifiedArn: this.qualifiedArn, roleArn: this.role.arn });
  }
}
