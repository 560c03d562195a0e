/**
 * Edge code runs where CloudFront can run it: Lambda@Edge as a published version in us-east-1
 * within its restrictions, CloudFront Functions on cloudfront-js-2.0 within the code quota.
 */
import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../../edge/cloudfront-functions/quota.ts';
import { EDGE_FUNCTION_TAG, EDGE_NODE_RUNTIMES, EDGE_VIEWER_MAX_MEMORY_MB, EDGE_VIEWER_MAX_TIMEOUT_S } from '../components/edge-lambda.ts';
import { behaviorsOf, known, policy, regionOf, RESOURCE_TYPES as T } from './policy-kit.ts';

const EDGE_LAMBDA_ARN = /^arn:aws:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+:(\d+|\$LATEST|[A-Za-z0-9_-]+)$/;

export const lambdaEdgeUsEast1Published = policy(
  'lambda-edge-us-east-1-published',
  'Lambda@Edge runs a published, numbered version of a function in us-east-1 (never $LATEST or an alias).',
  'mandatory',
  [T.distribution, T.lambda],
  (props, args, report) => {
    if (args.type === T.lambda) {
      if (!props['tags']?.[EDGE_FUNCTION_TAG]) return;
      const region = regionOf(args);
      if (known(region) && region !== 'us-east-1') report(`edge function is created in ${region}; Lambda@Edge functions must be in us-east-1`);
      if (props['publish'] !== true) report('edge function must be published (publish: true) so CloudFront can run a numbered version');
      return;
    }
    for (const b of behaviorsOf(props)) {
      for (const association of b.lambdaFunctionAssociations ?? []) {
        const arn = association.lambdaArn;
        if (typeof arn !== 'string') continue;
        const match = EDGE_LAMBDA_ARN.exec(arn);
        if (!match) {
          report(`behavior ${b.pathPattern}: ${arn} is not a qualified Lambda ARN`);
          continue;
        }
        if (match[1] !== 'us-east-1') report(`behavior ${b.pathPattern}: Lambda@Edge function is in ${match[1]}, not us-east-1`);
        if (!/^\d+$/.test(match[2] as string)) report(`behavior ${b.pathPattern}: Lambda@Edge must name a numbered version, not ${match[2]}`);
      }
    }
  },
);

export const lambdaEdgeRestrictions = policy(
  'lambda-edge-restrictions',
  'Edge functions respect Lambda@Edge: a supported Node.js runtime, x86_64, no environment variables, layers or VPC, and the viewer-trigger limits (128 MB, 5 s).',
  'mandatory',
  [T.lambda],
  (props, _args, report) => {
    if (!props['tags']?.[EDGE_FUNCTION_TAG]) return;
    if (known(props['runtime']) && !(EDGE_NODE_RUNTIMES as readonly string[]).includes(props['runtime'])) report(`runtime ${props['runtime']} is not one Lambda@Edge supports (${EDGE_NODE_RUNTIMES.join(', ')})`);
    const architectures = props['architectures'] as string[] | undefined;
    if (architectures && architectures.some((a) => a !== 'x86_64')) report(`architectures ${architectures.join(', ')}: Lambda@Edge runs x86_64`);
    if (props['environment']?.['variables'] && Object.keys(props['environment']['variables']).length > 0) report('Lambda@Edge has no environment variables: bake config into the bundle');
    if (Array.isArray(props['layers']) && props['layers'].length > 0) report('Lambda@Edge does not support layers');
    if (props['vpcConfig']) report('Lambda@Edge cannot run in a VPC');
    if (props['tags'][EDGE_FUNCTION_TAG].startsWith('viewer')) {
      if (known(props['memorySize']) && props['memorySize'] > EDGE_VIEWER_MAX_MEMORY_MB) report(`memorySize ${props['memorySize']} MB exceeds the ${EDGE_VIEWER_MAX_MEMORY_MB} MB viewer-trigger quota`);
      if (known(props['timeout']) && props['timeout'] > EDGE_VIEWER_MAX_TIMEOUT_S) report(`timeout ${props['timeout']} s exceeds the ${EDGE_VIEWER_MAX_TIMEOUT_S} s viewer-trigger quota`);
    }
  },
);

export const cloudfrontFunctionRuntime = policy(
  'cloudfront-function-runtime',
  'CloudFront Functions run on cloudfront-js-2.0, are published (LIVE) and fit the 10 KB code quota.',
  'mandatory',
  [T.cloudfrontFunction],
  (props, _args, report) => {
    if (known(props['runtime']) && props['runtime'] !== 'cloudfront-js-2.0') report(`runtime ${props['runtime']}: use cloudfront-js-2.0 (KeyValueStore needs it)`);
    if (props['publish'] !== true) report('function is not published: CloudFront would keep running the previous LIVE code');
    if (typeof props['code'] === 'string' && Buffer.byteLength(props['code'], 'utf8') > CLOUDFRONT_FUNCTION_MAX_BYTES) report(`code is ${Buffer.byteLength(props['code'], 'utf8')} bytes, over the ${CLOUDFRONT_FUNCTION_MAX_BYTES}-byte quota`);
  },
);
