/**
 * The S3 side of an upload event, pure: the objects an S3 notification (or its EventBridge form)
 * names, their keys decoded, and S3's per-key sequencer order. upload-trigger.ts decides what
 * to do with them.
 */

/** Pure: S3's URL-encoded notification key (`+` for spaces) -> the object key. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Pure: sequencers compare as hex strings of equal length (S3's documented rule). */
export function sequencerNewer(a: string, b: string | undefined): boolean {
  if (b === undefined) return true;
  const width = Math.max(a.length, b.length);
  return a.toUpperCase().padStart(width, '0') > b.toUpperCase().padStart(width, '0');
}

export interface RawObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number | undefined;
  readonly sequencer: string | undefined;
}

export function objectsOf(event: unknown): RawObject[] | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, any>;
  if (Array.isArray(e['Records'])) {
    return e['Records']
      .filter((r: any) => r?.eventSource === 'aws:s3' && typeof r?.eventName === 'string' && r.eventName.startsWith('ObjectCreated:'))
      .map((r: any) => ({
        bucket: String(r.s3?.bucket?.name ?? ''),
        key: decodeS3Key(String(r.s3?.object?.key ?? '')),
        size: typeof r.s3?.object?.size === 'number' ? r.s3.object.size : undefined,
        sequencer: typeof r.s3?.object?.sequencer === 'string' ? r.s3.object.sequencer : undefined,
      }));
  }
  if (e['source'] === 'aws.s3' && e['detail-type'] === 'Object Created' && typeof e['detail'] === 'object') {
    const d = e['detail'];
    return [
      {
        bucket: String(d.bucket?.name ?? ''),
        key: String(d.object?.key ?? ''), // EventBridge keys are not URL-encoded
        size: typeof d.object?.size === 'number' ? d.object.size : undefined,
        sequencer: typeof d.object?.sequencer === 'string' ? d.object.sequencer : undefined,
      },
    ];
  }
  return null;
}
