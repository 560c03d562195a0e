import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { CorsSpec } from '../../edge/distribution-spec.ts';

export interface MediaStorageArgs {
  readonly namePrefix: string;
  /** Raw uploads land under this prefix of the uploads bucket, e.g. `uploads/`. */
  readonly uploadsPrefix: string;
  /** Days a raw upload is kept after it arrives (the encoded ladder lives in the media bucket). */
  readonly uploadRetentionDays: number;
  readonly forceDestroy: boolean;
}

interface PrivateBucket {
  readonly bucket: aws.s3.Bucket;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

/**
 * Media storage: three private buckets (media, raw uploads, the player) and the Origin Access
 * Control through which CloudFront, and nothing else, reads media and player. Every bucket:
 * all four public-access blocks on, ACLs disabled (BucketOwnerEnforced), SSE-S3 at rest, and a
 * bucket policy that refuses plain-HTTP requests. Raw uploads expire after a set number of days.
 *
 * The bucket policies that let the distribution read media and player need the distribution's
 * ARN, and the distribution needs these buckets: `allowDistribution` adds them once it exists.
 */
export class MediaStorage extends pulumi.ComponentResource {
  readonly media: aws.s3.Bucket;
  readonly uploads: aws.s3.Bucket;
  readonly player: aws.s3.Bucket;
  readonly originAccessControl: aws.cloudfront.OriginAccessControl;
  private readonly buckets: Record<'media' | 'uploads' | 'player', PrivateBucket>;
  private readonly prefix: string;

  constructor(name: string, args: MediaStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:storage:MediaStorage', name, {}, opts);
    this.prefix = name;
    const make = (kind: 'media' | 'uploads' | 'player', purpose: string): PrivateBucket => {
      const bucket = new aws.s3.Bucket(`${name}-${kind}`, {
        forceDestroy: args.forceDestroy,
        tags: { 'lectern:purpose': purpose },
      }, { parent: this });
      const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(`${name}-${kind}`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }, { parent: this });
      new aws.s3.BucketOwnershipControls(`${name}-${kind}`, {
        bucket: bucket.id,
        rule: { objectOwnership: 'BucketOwnerEnforced' },
      }, { parent: this });
      new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-${kind}`, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
      }, { parent: this });
      return { bucket, publicAccessBlock };
    };

    this.buckets = {
      media: make('media', 'encoded HLS ladders, read by CloudFront through OAC'),
      uploads: make('uploads', 'raw uploads, read by MediaConvert; never served'),
      player: make('player', 'player shell and error pages, read by CloudFront through OAC'),
    };
    this.media = this.buckets.media.bucket;
    this.uploads = this.buckets.uploads.bucket;
    this.player = this.buckets.player.bucket;

    new aws.s3.BucketLifecycleConfiguration(`${name}-uploads`, {
      bucket: this.uploads.id,
      rules: [
        {
          id: 'expire-raw-uploads',
          status: 'Enabled',
          filter: { prefix: args.uploadsPrefix },
          expiration: { days: args.uploadRetentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    }, { parent: this });
    new aws.s3.BucketLifecycleConfiguration(`${name}-media`, {
      bucket: this.media.id,
      rules: [{ id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }],
    }, { parent: this });

    // Origin Access Control (not the legacy Origin Access Identity): CloudFront signs every
    // origin request with SigV4 as the cloudfront.amazonaws.com service principal.
    this.originAccessControl = new aws.cloudfront.OriginAccessControl(`${name}-oac`, {
      name: `${args.namePrefix}-s3`,
      description: 'lectern: CloudFront reads the media and player buckets, signed (SigV4)',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    }, { parent: this });

    // The uploads bucket is never read by CloudFront: its policy only refuses plain HTTP.
    this.bucketPolicy('uploads', pulumi.output(this.uploads.arn).apply((arn) => JSON.stringify(policyDocument(arn, undefined))));

    this.registerOutputs({
      mediaBucket: this.media.bucket,
      uploadsBucket: this.uploads.bucket,
      playerBucket: this.player.bucket,
      originAccessControlId: this.originAccessControl.id,
    });
  }

  /**
   * Lets exactly one distribution read media and player: s3:GetObject on objects, and
   * s3:ListBucket on the bucket so a missing key is 404 (without it S3 answers 403, which at
   * the edge must only ever mean "signature"). Principal cloudfront.amazonaws.com, conditioned
   * on AWS:SourceArn = the distribution, so no other distribution, in any account, can use it.
   */
  allowDistribution(distributionArn: pulumi.Input<string>): void {
    for (const kind of ['media', 'player'] as const) {
      const document = pulumi
        .all([this.buckets[kind].bucket.arn, distributionArn])
        .apply(([bucketArn, sourceArn]) => JSON.stringify(policyDocument(bucketArn, sourceArn)));
      this.bucketPolicy(kind, document);
    }
  }

  /** S3 CORS rules on the media bucket, so preflights that reach S3 get the same allowlist. */
  mirrorCors(cors: CorsSpec): void {
    if (cors.allowedOrigins.length === 0) return;
    new aws.s3.BucketCorsConfiguration(`${this.prefix}-media`, {
      bucket: this.media.id,
      corsRules: [{
        allowedOrigins: [...cors.allowedOrigins],
        allowedMethods: cors.allowedMethods.filter((m) => m !== 'OPTIONS'),
        allowedHeaders: [...cors.allowedHeaders],
        exposeHeaders: [...cors.exposeHeaders],
        maxAgeSeconds: cors.maxAgeSeconds,
      }],
    }, { parent: this, dependsOn: [this.buckets.media.publicAccessBlock] });
  }

  private bucketPolicy(kind: 'media' | 'uploads' | 'player', policy: pulumi.Input<string>): aws.s3.BucketPolicy {
    const { bucket, publicAccessBlock } = this.buckets[kind];
    // After the public access block, so the policy is never evaluated against an open bucket.
    return new aws.s3.BucketPolicy(`${this.prefix}-${kind}`, { bucket: bucket.id, policy }, { parent: this, dependsOn: [publicAccessBlock] });
  }
}

interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** The bucket policy: deny plain HTTP; with a distribution ARN, allow that distribution to read. */
export function policyDocument(bucketArn: string, distributionArn: string | undefined): { Version: string; Statement: Statement[] } {
  const statements: Statement[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  if (distributionArn !== undefined) {
    statements.push(
      {
        Sid: 'CloudFrontReadsObjects',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
      },
      {
        Sid: 'CloudFrontListsSoMissingKeysAre404',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:ListBucket',
        Resource: bucketArn,
        Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
      },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}
