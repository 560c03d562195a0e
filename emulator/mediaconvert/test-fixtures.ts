/**
 * Shared by the stand-in's tests: temporary bucket folders, a tiny generated source (ffmpeg
 * testsrc + sine), a stand-in with the events it emitted, and a real MediaConvertClient on it.
 */
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { runProcess } from '../../pipeline/run.ts';
import { startMediaConvertStandIn, type MediaConvertEvent, type MediaConvertStandIn, type MediaConvertStandInOptions } from './index.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '111122223333';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/lectern-mediaconvert`;
export const QUEUE = `arn:aws:mediaconvert:${REGION}:${ACCOUNT}:queues/lectern`;
export const RESERVED_QUEUE = `arn:aws:mediaconvert:${REGION}:${ACCOUNT}:queues/reserved`;
export const UPLOADS = 'lectern-uploads-test';
export const MEDIA = 'lectern-media-test';
export const SOURCE_KEY = 'uploads/intro-to-hls/lesson-1/welcome.mp4';

export interface Harness {
  readonly dir: string;
  readonly buckets: Readonly<Record<string, string>>;
  readonly standIn: MediaConvertStandIn;
  readonly client: MediaConvertClient;
  readonly events: MediaConvertEvent[];
  readonly logs: string[];
  /** Every file under a bucket's folder, as keys. */
  keys(bucket: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A small 16:9 test source: colour bars with a counter, and a sine tone. */
export async function makeSource(path: string, seconds: number, size = '854x480'): Promise<void> {
  const { ffmpeg } = await resolveFfmpegTools();
  await mkdir(dirname(path), { recursive: true });
  const run = await runProcess(ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ]);
  if (run.code !== 0) throw new Error(`ffmpeg could not make the test source: ${run.stderr}`);
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    const p = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

export async function startHarness(options: Partial<MediaConvertStandInOptions> & { sourceSeconds?: number } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'lectern-mc-test-'));
  const buckets: Record<string, string> = { [UPLOADS]: join(dir, 'uploads'), [MEDIA]: join(dir, 'media') };
  for (const root of Object.values(buckets)) await mkdir(root, { recursive: true });
  if (options.sourceSeconds !== undefined) await makeSource(join(buckets[UPLOADS]!, SOURCE_KEY), options.sourceSeconds);
  const events: MediaConvertEvent[] = [];
  const logs: string[] = [];
  const standIn = await startMediaConvertStandIn({
    region: REGION,
    account: ACCOUNT,
    roles: [ROLE],
    queues: [QUEUE],
    reservedQueues: [RESERVED_QUEUE],
    bucketRoot: (bucket) => buckets[bucket],
    emit: (event) => {
      events.push(event);
    },
    log: (line) => logs.push(line),
    ...options,
  });
  const client = new MediaConvertClient({ endpoint: standIn.endpoint, region: REGION, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  return {
    dir,
    buckets,
    standIn,
    client,
    events,
    logs,
    keys: async (bucket) => (await walk(buckets[bucket]!)).map((p) => relative(buckets[bucket]!, p).split('\\').join('/')).sort(),
    async close() {
      client.destroy();
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The statuses of the events one job emitted, in order. */
export function statusesOf(events: readonly MediaConvertEvent[], jobId: string): string[] {
  return events.filter((e) => e.detail.jobId === jobId).map((e) => e.detail.status);
}
