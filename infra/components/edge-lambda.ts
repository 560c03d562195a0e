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

export interface EdgeLambdaArgs {
  /** Physical function name. */
  readonly functionName: string;
  readonly roleDescription: string;
  readonly functionDescription: string;
  /** The built bundle (index.mjs); config.json is zipped beside it. */
  readonly bundlePath: string;
  /** The validated config.json (Lambda@Edge has no environment variables). */
  readonly configJson: pulumi.Input<string>;
  /** The function's data permissions, exactly: IAM policy statements. */
  readonly statements: pulumi.Input<unknown[]>;
  /** An explicit us-east-1 provider: Lambda@Edge functions must live there. */
  readonly edgeProvider: aws.Provider;
}

export interface EdgeLambda {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.Function;
  readonly qualifiedArn: pulumi.Output<string>;
  readonly configJson: pulumi.Output<string>;
}

/**
 * A viewer-request Lambda@Edge function as the components declare it, children of `parent`:
 * bundle + config.json in one zip, in us-east-1, published (CloudFront runs numbered versions
 * only), at the viewer-trigger quotas, with a role lambda.amazonaws.com and
 * edgelambda.amazonaws.com may assume, basic logging and exactly the given statements.
 */
export function createEdgeLambda(parent: pulumi.ComponentResource, name: string, args: EdgeLambdaArgs): EdgeLambda {
  const edge = { parent, provider: args.edgeProvider };
  const role = new aws.iam.Role(`${name}-role`, {
    description: args.roleDescription,
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
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
  }, edge);
  const access = new aws.iam.RolePolicy(`${name}-access`, {
    role: role.id,
    policy: pulumi.output(args.statements).apply((statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements })),
  }, edge);

  const configJson = pulumi.output(args.configJson);
  const code = configJson.apply((json) => new pulumi.asset.AssetArchive({
    'index.mjs': new pulumi.asset.FileAsset(args.bundlePath),
    'config.json': new pulumi.asset.StringAsset(json),
  }));
  const fn = new aws.lambda.Function(name, {
    name: args.functionName,
    description: args.functionDescription,
    role: role.arn,
    runtime: EDGE_RUNTIME,
    architectures: ['x86_64'],
    handler: 'index.handler',
    code,
    memorySize: EDGE_VIEWER_MAX_MEMORY_MB,
    timeout: EDGE_VIEWER_MAX_TIMEOUT_S,
    publish: true,
    tags: { [EDGE_FUNCTION_TAG]: 'viewer-request' },
  }, { ...edge, dependsOn: [logs, access] });
  return { role, function: fn, qualifiedArn: fn.qualifiedArn, configJson };
}
