import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/**
 * Node.js runtimes Lambda@Edge lists as supported ("Restrictions on Lambda@Edge", Supported
 * runtimes): https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-edge-function-restrictions.html
 * nodejs20.x is deprecated in Lambda on 2026-04-30, so the issuer runs on nodejs22.x.
 */
export const EDGE_NODE_RUNTIMES = ['nodejs20.x', 'nodejs22.x'] as const;
export const EDGE_RUNTIME = 'nodejs22.x';
/** Viewer-trigger quotas: 128 MB memory, 5 s timeout (Quotas on Lambda@Edge). */
export const EDGE_VIEWER_MAX_MEMORY_MB = 128;
export const EDGE_VIEWER_MAX_TIMEOUT_S = 5;
/** Tag that marks a function as Lambda@Edge (the policy pack holds such functions to the edge rules). */
export const EDGE_FUNCTION_TAG = 'lectern:edge-function';

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
    const edge = { parent: this, provider: args.edgeProvider };

    this.role = new aws.iam.Role(`${name}-role`, {
      description: 'lectern cookie issuer (Lambda@Edge)',
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
      policy: pulumi.all([args.enrollmentsTableArn, args.lessonsTableArn, args.signingSecretArn]).apply(([tableArn, lessonsArn, secretArn]) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
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
        ],
      })),
    }, edge);

    this.configJson = pulumi.output(args.configJson);
    const code = this.configJson.apply((json) => new pulumi.asset.AssetArchive({
      'index.mjs': new pulumi.asset.FileAsset(args.bundlePath),
      'config.json': new pulumi.asset.StringAsset(json),
    }));

    this.function = new aws.lambda.Function(name, {
      name: `${args.namePrefix}-cookie-issuer`,
      description: 'lectern: POST /auth/session trades a Cognito JWT for course-scoped CloudFront signed cookies',
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
