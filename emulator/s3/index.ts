/**
 * A local stand-in for Amazon S3, reached through the real `@aws-sdk/client-s3` (point the
 * client's `endpoint`, or AWS_ENDPOINT_URL_S3, at `endpoint`). Buckets are folders, objects
 * plain files in them (what the local CloudFront origin serves), metadata sidecar JSON files.
 *
 * Operations: PutObject (aws-chunked bodies, trailing checksums), GetObject (Range,
 * conditional headers), HeadObject, DeleteObject, CopyObject, ListObjectsV2, HeadBucket and
 * multipart uploads. Others answer 501 NotImplemented.
 *
 * Production code never imports this; the local stack (local/stand-ins.ts) and tests do.
 */
export { startS3StandIn, type S3StandIn, type S3StandInOptions } from './server.ts';
export { readObjectMetadata, type ObjectMetadata, type ContentHeaders } from './object-metadata.ts';
export {
  notificationRulesFrom,
  matchingTargets,
  toS3Event,
  encodeEventKey,
  type BucketNotificationInputs,
  type LambdaFunctionNotificationInput,
  type NotificationRule,
  type ObjectCreatedRecord,
  type ObjectCreatedEventName,
  type S3EventMessage,
  type S3EventOptions,
} from './notifications.ts';
