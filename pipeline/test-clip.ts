/**
 * The short clip the encode tests start from: 6 s, 426x240 at 30 fps, a mono 440 Hz tone;
 * it stands in for a short camera clip and encodes in about a second.
 */
import { runProcess } from './run.ts';

export async function synthesizeTestClip(ffmpeg: string, out: string): Promise<void> {
  const r = await runProcess(ffmpeg, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=426x240:rate=30:duration=6',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '1', '-shortest', out,
  ]);
  if (r.code !== 0) throw new Error(`could not synthesize the test clip: ${r.stderr}`);
}
