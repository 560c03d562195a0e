/**
 * The short clip the tests start from: by default 6 s, 426x240 at 30 fps, a mono 440 Hz tone;
 * it stands in for a short camera clip and encodes in about a second. The deployed stack's
 * tests ask for 640x360 (MediaConvert's ladder never upscales, and its lowest rung is 360p).
 */
import { runProcess } from './run.ts';

export interface TestClipOptions {
  readonly size?: string;
  readonly rate?: number;
  readonly seconds?: number;
  readonly channels?: number;
}

export async function synthesizeTestClip(ffmpeg: string, out: string, options: TestClipOptions = {}): Promise<void> {
  const { size = '426x240', rate = 30, seconds = 6, channels = 1 } = options;
  const r = await runProcess(ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', String(channels), '-shortest', out,
  ]);
  if (r.code !== 0) throw new Error(`could not synthesize the test clip: ${r.stderr}`);
}
