import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dynamoClient } from '../tables/client.ts';
import { DEFAULT_TABLE_PREFIX } from '../tables/schema.ts';
import { encodeLesson } from '../pipeline/encode-lesson.ts';
import { resolveFfmpegTools } from '../pipeline/ffmpeg-path.ts';
import { createProgressWriter } from '../pipeline/progress.ts';
import { DEMO_LESSONS } from './demo-data.ts';
import { LOCAL_REGION, type LocalSystem } from './start.ts';

/**
 * The demo course, made on first start: a short synthetic clip per lesson (a test pattern with
 * a tone), run through the real encoding pipeline, so what a newcomer watches is exactly what
 * `lectern encode` publishes. Lessons already published are skipped.
 */
export async function seedDemoMedia(system: LocalSystem, log: (line: string) => void): Promise<void> {
  const missing = DEMO_LESSONS.filter((l) => !existsSync(join(system.mediaRoot, 'courses', l.courseId, l.lessonId, 'master.m3u8')));
  if (missing.length === 0) return;
  const ffmpeg = await resolveFfmpegTools();
  const sources = join(system.dataDir, 'demo-sources');
  await mkdir(sources, { recursive: true });
  const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint: system.dynamoEndpoint });
  try {
    log(`lectern: encoding ${missing.length} demo lesson(s) with ${ffmpeg.ffmpeg} (${ffmpeg.source.ffmpeg}; first start only)`);
    let previous: Record<string, string> = {};
    for (const lesson of DEMO_LESSONS) {
      if (missing.includes(lesson)) {
        const source = join(sources, `${lesson.courseId}-${lesson.lessonId}.mp4`);
        await synthesize(ffmpeg.ffmpeg, source, lesson.seconds, DEMO_LESSONS.indexOf(lesson));
        const n = missing.indexOf(lesson) + 1;
        const bar = createProgressWriter(process.stdout, `demo ${n}/${missing.length} ${lesson.courseId}/${lesson.lessonId}`);
        await encodeLesson({
          onProgress: (p) => bar.update(p),
          input: source,
          courseId: lesson.courseId,
          lessonId: lesson.lessonId,
          title: lesson.title,
          ...(previous[lesson.courseId] ? { after: previous[lesson.courseId] } : {}),
          dataDir: system.dataDir,
          dynamo,
          tablePrefix: DEFAULT_TABLE_PREFIX,
        });
        bar.finish();
        log(`  published ${lesson.courseId}/${lesson.lessonId}`);
      }
      previous = { ...previous, [lesson.courseId]: lesson.lessonId };
    }
    await rm(sources, { recursive: true, force: true });
  } finally {
    dynamo.destroy();
  }
}

/** A 1280x720 test pattern with a moving hue and a tone; each lesson looks different. */
function synthesize(ffmpeg: string, out: string, seconds: number, variant: number): Promise<void> {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${seconds},hue=h=${variant * 70}`,
    '-f', 'lavfi', '-i', `sine=frequency=${330 + variant * 110}:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg could not make the demo clip: ${stderr.trim()}`))));
  });
}
