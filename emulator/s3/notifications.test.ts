import { describe, expect, it } from 'vitest';
import { decodeS3Key, planUploadEvent } from '../../pipeline/aws/upload-trigger.ts';
import { encodeEventKey, matchingTargets, notificationRulesFrom, toS3Event, type ObjectCreatedRecord } from './notifications.ts';

const TRIGGER = 'arn:aws:lambda:eu-west-1:111122223333:function:lectern-upload-trigger';
const THUMBS = 'arn:aws:lambda:eu-west-1:111122223333:function:lectern-thumbnails';

/** As the program records its BucketNotification (infra/components/encoding-pipeline.ts). */
const resources = [
  { type: 'aws:s3/bucket:Bucket', name: 'storage-uploads', inputs: {} },
  {
    type: 'aws:s3/bucketNotification:BucketNotification',
    name: 'pipeline-uploads',
    inputs: { bucket: 'lectern-uploads', lambdaFunctions: [{ lambdaFunctionArn: TRIGGER, events: ['s3:ObjectCreated:*'], filterPrefix: 'uploads/' }] },
  },
];

const record = (over: Partial<ObjectCreatedRecord> = {}): ObjectCreatedRecord => ({
  bucket: 'lectern-uploads',
  key: 'uploads/c1/l1/lesson one.mp4',
  size: 1234,
  eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  eventName: 'ObjectCreated:Put',
  sequencer: '0018EDBB5FB1AEB500',
  eventTime: '2026-01-02T03:04:05.678Z',
  ...over,
});

describe('S3 event notifications', () => {
  it("reads the rules from the program's recorded BucketNotification, skipping other resources", () => {
    expect(notificationRulesFrom(resources)).toEqual([
      { bucket: 'lectern-uploads', id: 'lectern-uploads-lambda-1', lambdaFunctionArn: TRIGGER, events: ['s3:ObjectCreated:*'], filterPrefix: 'uploads/', filterSuffix: '' },
    ]);
  });

  it('sends every ObjectCreated kind under the prefix to the trigger, and nothing else', () => {
    const rules = notificationRulesFrom(resources);
    for (const eventName of ['ObjectCreated:Put', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload'] as const) {
      expect(matchingTargets(rules, record({ eventName }))).toEqual([TRIGGER]);
    }
    expect(matchingTargets(rules, record({ key: 'courses/c1/l1/master.m3u8' }))).toEqual([]);
    expect(matchingTargets(rules, record({ bucket: 'lectern-media' }))).toEqual([]);
    expect(matchingTargets(rules, 'ObjectRemoved:Delete', 'uploads/c1/l1/a.mp4')).toEqual([]);
    expect(matchingTargets(rules, 's3:ObjectCreated:Put', 'uploads/c1/l1/a.mp4', 'lectern-uploads')).toEqual([TRIGGER]);
  });

  it('filters by prefix and suffix together, case-sensitively', () => {
    const rules = notificationRulesFrom({
      bucket: 'b',
      lambdaFunctions: [
        { lambdaFunctionArn: TRIGGER, events: ['s3:ObjectCreated:Put'], filterPrefix: 'uploads/', filterSuffix: '.mp4' },
        { lambdaFunctionArn: THUMBS, events: ['s3:ObjectCreated:*'], filterPrefix: 'uploads/', filterSuffix: '.jpg' },
      ],
    });
    expect(matchingTargets(rules, 'ObjectCreated:Put', 'uploads/a.mp4')).toEqual([TRIGGER]);
    expect(matchingTargets(rules, 'ObjectCreated:Copy', 'uploads/a.mp4')).toEqual([]);
    expect(matchingTargets(rules, 'ObjectCreated:Copy', 'uploads/a.jpg')).toEqual([THUMBS]);
    expect(matchingTargets(rules, 'ObjectCreated:Put', 'uploads/a.MP4')).toEqual([]);
    expect(matchingTargets(rules, 'ObjectCreated:Put', 'other/a.mp4')).toEqual([]);
  });

  it('refuses what S3 refuses: an unknown event type, and overlapping rules for one event type', () => {
    expect(() => notificationRulesFrom({ bucket: 'b', lambdaFunctions: [{ lambdaFunctionArn: TRIGGER, events: ['s3:ObjectCreated:Upload'] }] })).toThrow(/not an event type/);
    const overlapping = [
      { lambdaFunctionArn: TRIGGER, events: ['s3:ObjectCreated:*'], filterPrefix: 'uploads/' },
      { lambdaFunctionArn: THUMBS, events: ['s3:ObjectCreated:Put'], filterPrefix: 'uploads/c1/' },
    ];
    expect(() => notificationRulesFrom({ bucket: 'b', lambdaFunctions: overlapping })).toThrow(/ambiguously defined/);
    // Disjoint suffixes do not overlap.
    const disjoint = overlapping.map((f, i) => ({ ...f, filterSuffix: i === 0 ? '.mp4' : '.mov' }));
    expect(notificationRulesFrom({ bucket: 'b', lambdaFunctions: disjoint })).toHaveLength(2);
  });

  it('builds the documented event message, with the key URL-encoded as S3 encodes it', () => {
    const event = toS3Event({ ...record(), region: 'eu-west-1' });
    expect(event).toEqual({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'eu-west-1',
          eventTime: '2026-01-02T03:04:05.678Z',
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: expect.any(String) },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: expect.any(String),
            bucket: { name: 'lectern-uploads', ownerIdentity: { principalId: expect.any(String) }, arn: 'arn:aws:s3:::lectern-uploads' },
            object: { key: 'uploads/c1/l1/lesson+one.mp4', size: 1234, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0018EDBB5FB1AEB500' },
          },
        },
      ],
    });
  });

  it('encodes keys so that the upload trigger decodes them back', () => {
    for (const key of ['uploads/c1/l1/lesson one.mp4', 'uploads/c1/l1/a+b (1).mp4', "uploads/c1/l1/it's ~100%.mov", 'uploads/c1/l1/leçon.mp4']) {
      expect(decodeS3Key(encodeEventKey(key))).toBe(key);
    }
    expect(encodeEventKey('uploads/a b+c(1)*.mp4')).toBe('uploads/a+b%2Bc%281%29*.mp4');
    const plan = planUploadEvent(toS3Event({ ...record(), region: 'eu-west-1' }), { uploadsBucket: 'lectern-uploads', encodeOnUpload: true });
    expect(plan.actions).toEqual([expect.objectContaining({ key: 'uploads/c1/l1/lesson one.mp4', sequencer: '0018EDBB5FB1AEB500' })]);
  });
});
