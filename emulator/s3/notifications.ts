/**
 * S3 event notifications to Lambda, as a Pulumi `aws:s3/bucketNotification:BucketNotification`
 * declares them, in three pure steps:
 *
 * - notificationRulesFrom: the resource's `lambdaFunctions` as rules, with S3's checks on a
 *   notification configuration: only the documented event types ("Event notification types and
 *   destinations", https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html),
 *   and no two rules of one bucket whose event types, prefixes and suffixes overlap ("Configuring
 *   event notifications using object key name filtering",
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html:
 *   S3 refuses such a configuration as ambiguous).
 * - matchingTargets: the Lambda ARNs an event goes to: `s3:ObjectCreated:*` covers every
 *   `ObjectCreated:<api>`; the filters are a case-sensitive prefix and suffix of the key.
 * - toS3Event: the message Lambda receives, in the "Event message structure"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
 *   one record with eventVersion, eventSource `aws:s3`, awsRegion, eventTime, eventName without
 *   the `s3:` prefix, and `s3.object.key` URL-encoded as S3 encodes it ("red flower.jpg" becomes
 *   "red+flower.jpg"), size, eTag and sequencer.
 *
 * The topic and queue configurations (`topics`, `queues`) and `eventbridge` have no stand-in here.
 */

export type ObjectCreatedEventName = 'ObjectCreated:Put' | 'ObjectCreated:Post' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';

/** What the S3 stand-in reports once an object is fully written. */
export interface ObjectCreatedRecord {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** The ETag without quotes (as the event carries it). */
  readonly eTag: string;
  readonly eventName: ObjectCreatedEventName;
  readonly sequencer: string;
  /** ISO time the write finished. */
  readonly eventTime: string;
  readonly requestId?: string;
  readonly sourceIPAddress?: string;
}

/** One `lambdaFunctions` entry of a BucketNotification. */
export interface LambdaFunctionNotificationInput {
  readonly lambdaFunctionArn: string;
  readonly events: readonly string[];
  readonly filterPrefix?: string;
  readonly filterSuffix?: string;
  readonly id?: string;
}

/** The inputs of an `aws:s3/bucketNotification:BucketNotification`. */
export interface BucketNotificationInputs {
  /** The bucket's name (the program passes the bucket's id, which is its name). */
  readonly bucket: string;
  readonly lambdaFunctions?: readonly LambdaFunctionNotificationInput[];
}

export interface NotificationRule {
  readonly bucket: string;
  readonly id: string;
  readonly lambdaFunctionArn: string;
  readonly events: readonly string[];
  readonly filterPrefix: string;
  readonly filterSuffix: string;
}

const BUCKET_NOTIFICATION = 'aws:s3/bucketNotification:BucketNotification';

/** The event types S3 can send to SQS, SNS and Lambda (the notification types page). */
const EVENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  ObjectCreated: ['Put', 'Post', 'Copy', 'CompleteMultipartUpload'],
  ObjectRemoved: ['Delete', 'DeleteMarkerCreated'],
  ObjectRestore: ['Post', 'Completed', 'Delete'],
  Replication: ['OperationFailedReplication', 'OperationMissedThreshold', 'OperationReplicatedAfterThreshold', 'OperationNotTracked'],
  LifecycleExpiration: ['Delete', 'DeleteMarkerCreated'],
  ObjectTagging: ['Put', 'Delete'],
  ObjectAcl: ['Put'],
};
const SINGLE_EVENTS = new Set(['s3:TestEvent', 's3:ReducedRedundancyLostObject', 's3:LifecycleTransition', 's3:IntelligentTiering']);

function checkEventType(event: string): void {
  if (SINGLE_EVENTS.has(event)) return;
  const m = /^s3:([A-Za-z]+):(.+)$/.exec(event);
  const names = m ? EVENT_TYPES[m[1] as string] : undefined;
  if (!m || !names || (m[2] !== '*' && !names.includes(m[2] as string))) {
    throw new Error(`S3 notification event ${JSON.stringify(event)} is not an event type S3 supports (e.g. s3:ObjectCreated:*)`);
  }
}

/** Whether two configured event types can name the same event. */
function eventsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const [ca, na] = [a.split(':')[1], a.split(':')[2]];
  const [cb, nb] = [b.split(':')[1], b.split(':')[2]];
  return ca === cb && (na === '*' || nb === '*');
}

function overlaps(a: NotificationRule, b: NotificationRule): boolean {
  if (a.bucket !== b.bucket) return false;
  if (!a.events.some((ea) => b.events.some((eb) => eventsOverlap(ea, eb)))) return false;
  const prefixes = a.filterPrefix.startsWith(b.filterPrefix) || b.filterPrefix.startsWith(a.filterPrefix);
  const suffixes = a.filterSuffix.endsWith(b.filterSuffix) || b.filterSuffix.endsWith(a.filterSuffix);
  return prefixes && suffixes;
}

type Source = BucketNotificationInputs | { readonly type: string; readonly inputs: Record<string, unknown> };

function inputsOf(source: Source): BucketNotificationInputs | undefined {
  if ('type' in source && 'inputs' in source) return source.type === BUCKET_NOTIFICATION ? (source.inputs as unknown as BucketNotificationInputs) : undefined;
  return source as BucketNotificationInputs;
}

/**
 * Rules from BucketNotification inputs: one inputs object, a list of them, or the program's
 * recorded resources (`{type, inputs}`; resources of other types are skipped).
 */
export function notificationRulesFrom(source: Source | readonly Source[]): NotificationRule[] {
  const sources: readonly Source[] = Array.isArray(source) ? source : [source as Source];
  const rules: NotificationRule[] = [];
  for (const s of sources) {
    const inputs = inputsOf(s);
    if (!inputs) continue;
    if (typeof inputs.bucket !== 'string' || inputs.bucket === '') throw new Error('a BucketNotification needs its bucket name');
    (inputs.lambdaFunctions ?? []).forEach((fn, i) => {
      if (typeof fn.lambdaFunctionArn !== 'string' || !fn.lambdaFunctionArn) throw new Error(`${inputs.bucket}: lambdaFunctions[${i}] has no lambdaFunctionArn`);
      if (!Array.isArray(fn.events) || fn.events.length === 0) throw new Error(`${inputs.bucket}: lambdaFunctions[${i}] names no events`);
      fn.events.forEach(checkEventType);
      const rule: NotificationRule = {
        bucket: inputs.bucket,
        id: fn.id ?? `${inputs.bucket}-lambda-${i + 1}`,
        lambdaFunctionArn: fn.lambdaFunctionArn,
        events: [...fn.events],
        filterPrefix: fn.filterPrefix ?? '',
        filterSuffix: fn.filterSuffix ?? '',
      };
      const clash = rules.find((r) => overlaps(r, rule));
      if (clash) {
        throw new Error(`${inputs.bucket}: Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type (${clash.id} and ${rule.id})`);
      }
      rules.push(rule);
    });
  }
  return rules;
}

function ruleMatches(rule: NotificationRule, eventName: string, key: string): boolean {
  const event = eventName.startsWith('s3:') ? eventName : `s3:${eventName}`;
  const [, category, name] = event.split(':');
  const eventMatches = rule.events.some((e) => e === event || e === `s3:${category}:*`);
  return eventMatches && name !== undefined && key.startsWith(rule.filterPrefix) && key.endsWith(rule.filterSuffix);
}

/**
 * The Lambda ARNs an event goes to, in rule order, each once. Either a record (its bucket,
 * eventName and key) or an eventName and key (then rules of every bucket are considered: pass
 * the bucket too, or rules of one bucket only).
 */
export function matchingTargets(rules: readonly NotificationRule[], event: Pick<ObjectCreatedRecord, 'bucket' | 'key' | 'eventName'>): string[];
export function matchingTargets(rules: readonly NotificationRule[], eventName: string, key: string, bucket?: string): string[];
export function matchingTargets(rules: readonly NotificationRule[], eventOrName: string | Pick<ObjectCreatedRecord, 'bucket' | 'key' | 'eventName'>, key?: string, bucket?: string): string[] {
  const e = typeof eventOrName === 'string' ? { eventName: eventOrName, key: key ?? '', bucket } : eventOrName;
  const out: string[] = [];
  for (const rule of rules) {
    if (e.bucket !== undefined && rule.bucket !== e.bucket) continue;
    if (ruleMatches(rule, e.eventName, e.key) && !out.includes(rule.lambdaFunctionArn)) out.push(rule.lambdaFunctionArn);
  }
  return out;
}

/**
 * A key as S3 writes it into event messages: form URL encoding (space as `+`, everything but
 * letters, digits, `-_.*` percent-encoded as UTF-8), with `/` kept.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+'))
    .join('/');
}

export interface S3EventOptions {
  readonly region: string;
  readonly configurationId?: string;
  /** The principal that wrote the object (S3: `AWS:<IAM id>`). */
  readonly principalId?: string;
}

export interface S3EventMessage {
  readonly Records: readonly [Record<string, unknown>];
}

/** The event message S3 sends Lambda for an ObjectCreated record. */
export function toS3Event(input: Omit<ObjectCreatedRecord, 'eventTime'> & { readonly eventTime?: string } & S3EventOptions): S3EventMessage {
  const principalId = input.principalId ?? 'AWS:LOCALSTANDIN';
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: input.region,
        eventTime: input.eventTime ?? new Date().toISOString(),
        eventName: input.eventName,
        userIdentity: { principalId },
        requestParameters: { sourceIPAddress: input.sourceIPAddress ?? '127.0.0.1' },
        responseElements: { 'x-amz-request-id': input.requestId ?? '0000000000000000', 'x-amz-id-2': 'lectern/s3-stand-in' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: input.configurationId ?? 'lectern-local',
          bucket: { name: input.bucket, ownerIdentity: { principalId }, arn: `arn:aws:s3:::${input.bucket}` },
          object: { key: encodeEventKey(input.key), size: input.size, eTag: input.eTag, sequencer: input.sequencer },
        },
      },
    ],
  };
}
