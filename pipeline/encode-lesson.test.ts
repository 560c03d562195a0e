/**
 * Real encodes of tiny synthetic clips (testsrc2 + sine, a few seconds, 426x240 and smaller),
 * checked with ffprobe and with hls.js's playlist parser (the player's own), independently of
 * the pipeline's code. Every ffmpeg/ffprobe in this file runs one at a time: the tests of a file
 * run in sequence, and no other test file starts ffmpeg.
 */
import { M3U8Parser, PlaylistLevelType } from 'hls.js';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLesson, lessonKeyPrefix, originRoot, type EncodeLessonOptions, type EncodeLessonResult } from './encode-lesson.ts';
import { PipelineError } from './errors.ts';
import { resolveFfmpegTools, type FfmpegTools } from './ffmpeg-path.ts';
import { LADDER, type Ladder } from './ladder.ts';
import { getLesson, nextLessonMapPath } from './lessons.ts';
import { runProcess } from './run.ts';
import { synthesizeTestClip } from './test-clip.ts';
import { startLocalDynamo, type LocalDynamo } from './test-dynamo.ts';

/** The real ladder's settings with two tiny rungs, so a real encode takes about a second. */
const TEST_LADDER: Ladder = {
  ...LADDER,
  rungs: [
    { ...LADDER.rungs.find((r) => r.name === '240p')!, optional: false },
    { ...LADDER.rungs.find((r) => r.name === '240p')!, name: '144p', shortSide: 144, level: '1.3', optional: false },
  ],
};

let tools: FfmpegTools;
let db: LocalDynamo;
let work: string;
let dataDir: string;
let clip: string;

async function run(cmd: string, args: string[]): Promise<string> {
  const r = await runProcess(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function ffprobeJson(args: string[]): Promise<Record<string, any>> {
  return JSON.parse(await run(tools.ffprobe, ['-v', 'error', '-of', 'json', ...args]));
}

function options(extra: Partial<EncodeLessonOptions> & Pick<EncodeLessonOptions, 'lessonId'>): EncodeLessonOptions {
  return {
    input: clip,
    courseId: 'demo',
    dataDir,
    dynamo: db.dynamo,
    tablePrefix: db.tablePrefix,
    ladder: TEST_LADDER,
    ffmpegPath: tools.ffmpeg,
    ffprobePath: tools.ffprobe,
    ...extra,
  };
}

const lessonDir = (lessonId: string) => join(originRoot(dataDir), lessonKeyPrefix('demo', lessonId));
const masterPath = (lessonId: string) => join(lessonDir(lessonId), 'master.m3u8');

beforeAll(async () => {
  tools = await resolveFfmpegTools();
  db = await startLocalDynamo();
  work = await mkdtemp(join(tmpdir(), 'lectern-encode-'));
  dataDir = join(work, 'data');
  clip = join(work, 'clip.mp4');
  await synthesizeTestClip(tools.ffmpeg, clip);
});

afterAll(async () => {
  await db?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('encodeLesson: a real encode of a 6 s clip', () => {
  let result: EncodeLessonResult;
  let masterText: string;
  const progress: number[] = [];

  beforeAll(async () => {
    result = await encodeLesson(options({ lessonId: 'lesson-1', title: 'Welcome', onProgress: (p) => progress.push(p.percent) }));
    masterText = await readFile(masterPath('lesson-1'), 'utf8');
    console.log(
      `encode speed: ${result.speed.toFixed(1)}x realtime (${result.durationSeconds}s of 426x240 video into ` +
        `${result.renditions.length} renditions, poster and sprite in ${result.encodeSeconds.toFixed(2)}s wall, ${tools.ffmpeg})`,
    );
  });

  it('publishes both renditions under a new version and reports what it did', () => {
    expect(result.manifestKey).toBe('courses/demo/lesson-1/master.m3u8');
    expect(result.version).toMatch(/^v[0-9a-z]{9}-[0-9a-f]{4}$/);
    expect(result.renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['240p', 426, 240],
      ['144p', 256, 144],
    ]);
    expect(result.durationSeconds).toBeCloseTo(6, 1);
    expect(progress.at(-1)).toBe(100);
  });

  it('writes a master playlist hls.js reads, with attributes that match the produced streams', async () => {
    const parsed = M3U8Parser.parseMasterPlaylist(masterText, 'https://cdn.test/courses/demo/lesson-1/master.m3u8');
    expect(parsed.playlistParsingError).toBeNull();
    expect(parsed.levels).toHaveLength(2);
    for (const level of parsed.levels) {
      const rel = level.url.replace('https://cdn.test/courses/demo/lesson-1/', '');
      expect(rel).toMatch(new RegExp(`^${result.version}/(240p|144p)/index\\.m3u8$`));
      const playlist = join(lessonDir('lesson-1'), rel);
      const { streams } = await ffprobeJson(['-show_entries', 'stream=codec_type,codec_name,profile,level,width,height,r_frame_rate,channels', playlist]);
      const video = streams.find((s: any) => s.codec_type === 'video');
      const audio = streams.find((s: any) => s.codec_type === 'audio');
      // CODECS: avc1.PPCCLL must name the profile and level ffprobe finds in the stream.
      const profileIdc: Record<string, number> = { 'Constrained Baseline': 0x42, Baseline: 0x42, Main: 0x4d, High: 0x64 };
      const [videoCodec, audioCodec] = level.attrs.CODECS!.split(',');
      expect(video.codec_name).toBe('h264');
      expect(videoCodec!.slice(0, 7)).toBe(`avc1.${profileIdc[video.profile]!.toString(16)}`);
      expect(parseInt(videoCodec!.slice(9, 11), 16)).toBe(video.level);
      expect(audio).toMatchObject({ codec_name: 'aac', profile: 'LC', channels: 1 });
      expect(audioCodec).toBe('mp4a.40.2');
      expect(level.attrs.RESOLUTION).toBe(`${video.width}x${video.height}`);
      expect(video.r_frame_rate).toBe('30/1');
      expect(level.attrs['FRAME-RATE']).toBe('30.000');
      expect(Number(level.attrs.BANDWIDTH)).toBeGreaterThanOrEqual(Number(level.attrs['AVERAGE-BANDWIDTH']));
    }
  });

  it('measures BANDWIDTH and AVERAGE-BANDWIDTH from the segment files on disk', async () => {
    const parsed = M3U8Parser.parseMasterPlaylist(masterText, 'http://x/');
    for (const level of parsed.levels) {
      const dir = join(lessonDir('lesson-1'), level.url.replace('http://x/', '').replace(/\/index\.m3u8$/, ''));
      const details = M3U8Parser.parseLevelPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'), 'http://y/', 0, PlaylistLevelType.MAIN, 0, null);
      const segs = await Promise.all(
        details.fragments.map(async (f) => ({ d: f.duration, bytes: (await stat(join(dir, f.relurl!))).size })),
      );
      // Independent reading of RFC 8216bis: runs of whole segments lasting 0.5-1.5 target durations.
      let peak = 0;
      for (let i = 0; i < segs.length; i++) {
        let d = 0;
        let b = 0;
        for (let j = i; j < segs.length && d + segs[j]!.d <= 1.5 * details.targetduration + 1e-9; j++) {
          d += segs[j]!.d;
          b += segs[j]!.bytes;
          if (d >= 0.5 * details.targetduration) peak = Math.max(peak, (b * 8) / d);
        }
      }
      const total = segs.reduce((s, x) => s + x.bytes, 0);
      expect(Number(level.attrs.BANDWIDTH)).toBe(Math.ceil(peak));
      expect(Number(level.attrs['AVERAGE-BANDWIDTH'])).toBe(Math.ceil((total * 8) / details.totalduration));
    }
  });

  it('cuts 2 s fMP4 segments (one GOP each) that add up to the source duration, in every rendition', async () => {
    for (const name of ['240p', '144p']) {
      const text = await readFile(join(lessonDir('lesson-1'), result.version, name, 'index.m3u8'), 'utf8');
      const details = M3U8Parser.parseLevelPlaylist(text, 'http://y/', 0, PlaylistLevelType.MAIN, 0, null);
      expect(details.live).toBe(false);
      expect(details.targetduration).toBe(2);
      expect(details.fragments.map((f) => Number(f.duration.toFixed(3)))).toEqual([2, 2, 2]);
      expect(details.totalduration).toBeCloseTo(6, 2);
      expect(details.fragments[0]!.initSegment?.relurl).toMatch(/^init.*\.mp4$/);
      expect(details.fragments.every((f) => f.relurl!.endsWith('.m4s'))).toBe(true);
    }
  });

  it('starts every segment with a keyframe, at the same time in every rendition', async () => {
    const starts: Record<string, number[]> = {};
    for (const name of ['240p', '144p']) {
      const dir = join(lessonDir('lesson-1'), result.version, name);
      const details = M3U8Parser.parseLevelPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'), 'http://y/', 0, PlaylistLevelType.MAIN, 0, null);
      const init = await readFile(join(dir, details.fragments[0]!.initSegment!.relurl!));
      starts[name] = [];
      let expected = 0;
      for (const frag of details.fragments) {
        const joined = join(work, `probe-${name}-${frag.sn}.mp4`);
        await writeFile(joined, Buffer.concat([init, await readFile(join(dir, frag.relurl!))]));
        const { packets } = await ffprobeJson(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-read_intervals', '%+#1', joined]);
        expect(packets[0].flags).toMatch(/^K/);
        const pts = Number(packets[0].pts_time);
        starts[name]!.push(pts);
        if (frag.sn !== 0) expect(pts - starts[name]![0]!).toBeCloseTo(expected, 2);
        expected += frag.duration;
      }
    }
    expect(starts['144p']).toEqual(starts['240p']);
  });

  it('writes a poster and scrub thumbnails: a sprite indexed by WebVTT', async () => {
    const vdir = join(lessonDir('lesson-1'), result.version);
    const poster = await ffprobeJson(['-show_entries', 'stream=codec_name,width,height', join(vdir, 'poster.jpg')]);
    expect(poster.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 426, height: 240 });
    const sprite = await ffprobeJson(['-show_entries', 'stream=width,height', join(vdir, 'thumbs-000.jpg')]);
    expect(sprite.streams[0]).toMatchObject({ width: 1600, height: 900 });
    const vtt = await readFile(join(vdir, 'thumbs.vtt'), 'utf8');
    const cues = vtt.split('\n').filter((l) => l.includes(' --> '));
    expect(cues).toHaveLength(6);
    expect(vtt).toContain('00:00:05.000 --> 00:00:06.000\nthumbs-000.jpg#xywh=800,0,160,90');
    expect(result.posterKey).toBe(`courses/demo/lesson-1/${result.version}/poster.jpg`);
    expect(result.thumbnailsKey).toBe(`courses/demo/lesson-1/${result.version}/thumbs.vtt`);
    // The master names both, relative to itself, for the player (hls/session-data.ts).
    expect(masterText).toContain(`#EXT-X-SESSION-DATA:DATA-ID="com.lectern.poster",VALUE="${result.version}/poster.jpg"`);
    expect(masterText).toContain(`#EXT-X-SESSION-DATA:DATA-ID="com.lectern.thumbnails",VALUE="${result.version}/thumbs.vtt"`);
  });

  it('publishes only media files: no staging leftovers, no ffmpeg master', async () => {
    const files = await readdir(lessonDir('lesson-1'), { recursive: true });
    expect(files.filter((f) => !/\.(m3u8|m4s|mp4|jpg|vtt)$/.test(f) && !/^v[0-9a-z-]+(\/\d+p)?$/.test(f))).toEqual([]);
    expect(files.some((f) => f.includes('ffmpeg-master'))).toBe(false);
    expect(await readdir(join(dataDir, 'staging', 'demo', 'lesson-1'))).toEqual([]);
  });

  it('records the published lesson', async () => {
    const rec = await getLesson(db.dynamo, db.lessonsTable, 'demo', 'lesson-1');
    expect(rec).toMatchObject({
      status: 'published',
      title: 'Welcome',
      order: 1,
      manifestKey: 'courses/demo/lesson-1/master.m3u8',
      posterKey: result.posterKey,
      thumbnailsKey: result.thumbnailsKey,
    });
    expect(rec!.durationSeconds).toBeCloseTo(6, 1);
    expect(rec!.renditions).toEqual(result.renditions);
  });
});

describe('encodeLesson: ordering and the next-lesson map', () => {
  it('appends by default and places a lesson with --after, rewriting the map each time', async () => {
    const readMap = async () => JSON.parse(await readFile(nextLessonMapPath(dataDir), 'utf8')) as { data: { key: string; value: string }[] };
    const next = (map: { data: { key: string; value: string }[] }) => map.data.filter((d) => !d.key.endsWith('/versions'));
    const second = await encodeLesson(options({ lessonId: 'lesson-2' }));
    const map1 = await readMap();
    expect(next(map1)).toEqual([{ key: 'demo/lesson-1', value: 'lesson-2' }]);
    // The edge serves the version master.m3u8 names, and no other.
    expect(map1.data.find((d) => d.key === 'demo/lesson-2/versions')?.value).toBe(second.version);

    const between = await encodeLesson(options({ lessonId: 'lesson-1b', after: 'lesson-1', title: 'Between' }));
    const map2 = await readMap();
    expect(next(map2)).toEqual([
      { key: 'demo/lesson-1', value: 'lesson-1b' },
      { key: 'demo/lesson-1b', value: 'lesson-2' },
    ]);
    expect(map2.data.find((d) => d.key === 'demo/lesson-1b/versions')?.value).toBe(between.version);
    expect((await readdir(join(dataDir, 'kvs'))).sort()).toEqual(['next-lesson.json']);
  });

  it('rejects an unknown --after lesson before encoding anything', async () => {
    const err = await encodeLesson(options({ lessonId: 'lesson-9', after: 'missing' })).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.kind).toBe('lesson');
    expect(err.message).toMatch(/--after missing: no such lesson/);
    await expect(stat(lessonDir('lesson-9'))).rejects.toThrow();
  });
});

describe('encodeLesson: atomic publish', () => {
  let fakeDir: string;

  /** A stand-in ffmpeg that writes half an output into staging, then fails in a chosen way. */
  async function fakeFfmpeg(mode: 'enospc' | 'sleep' | 'truncated'): Promise<string> {
    fakeDir = join(work, `fake-${mode}`);
    await mkdir(fakeDir, { recursive: true });
    const path = join(fakeDir, 'ffmpeg');
    await writeFile(
      path,
      `#!/bin/sh
if [ "$1" = "-version" ] || [ "$2" = "-version" ]; then echo "ffmpeg version 5.1.9 Copyright (c) 2000-2022"; exit 0; fi
prev=""; seg=""
for a in "$@"; do [ "$prev" = "-hls_segment_filename" ] && seg="$a"; prev="$a"; done
out=$(dirname "$(dirname "$seg")")
mkdir -p "$out/240p"
printf '#EXTM3U\\n#EXT-X-TARGETDURATION:4\\n#EXTINF:4,\\nseg-00000.m4s\\n' > "$out/240p/index.m3u8"
head -c 1000 /dev/zero > "$out/240p/seg-00000.m4s"
case "${mode}" in
  enospc) echo "[hls @ 0x55] Error writing trailer of $out/240p/index.m3u8: No space left on device" >&2; exit 1 ;;
  sleep) exec sleep 30 ;;
  truncated) exit 0 ;;
esac
`,
    );
    await chmod(path, 0o755);
    return path;
  }

  async function snapshot(lessonId: string) {
    return {
      master: await readFile(masterPath(lessonId), 'utf8'),
      files: (await readdir(lessonDir(lessonId), { recursive: true })).sort(),
      record: await getLesson(db.dynamo, db.lessonsTable, 'demo', lessonId),
    };
  }

  it('keeps the previous version playable when the disk fills up mid-encode', async () => {
    const before = await snapshot('lesson-1');
    const err = await encodeLesson(options({ lessonId: 'lesson-1', ffmpegPath: await fakeFfmpeg('enospc') })).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.kind).toBe('disk-full');
    expect(err.message).toMatch(/^disk full while encoding: free some space/);
    const after = await snapshot('lesson-1');
    expect(after.master).toBe(before.master);
    expect(after.files).toEqual(before.files);
    expect(after.record).toMatchObject({ status: 'published', manifestKey: before.record!.manifestKey, error: err.message });
    expect(await readdir(join(dataDir, 'staging', 'demo', 'lesson-1'))).toEqual([]);
  });

  it('publishes nothing when an encode is interrupted', async () => {
    const before = await snapshot('lesson-1');
    const controller = new AbortController();
    const err = await encodeLesson(
      options({
        lessonId: 'lesson-1',
        ffmpegPath: await fakeFfmpeg('sleep'),
        signal: controller.signal,
        onPhase: (phase) => {
          if (phase === 'encode') setTimeout(() => controller.abort(), 200);
        },
      }),
    ).catch((e) => e);
    expect(err.kind).toBe('interrupted');
    const after = await snapshot('lesson-1');
    expect(after.master).toBe(before.master);
    expect(after.files).toEqual(before.files);
  });

  it('publishes nothing when the output does not pass verification', async () => {
    const before = await snapshot('lesson-1');
    const err = await encodeLesson(options({ lessonId: 'lesson-1', ffmpegPath: await fakeFfmpeg('truncated') })).catch((e) => e);
    expect(err.kind).toBe('verify');
    expect(err.message).toMatch(/rendition 240p: playlist has no EXT-X-ENDLIST/);
    expect((await snapshot('lesson-1')).master).toBe(before.master);
  });

  it('marks a brand-new lesson failed, with the reason, when its first encode fails', async () => {
    const err = await encodeLesson(options({ lessonId: 'lesson-new', ffmpegPath: await fakeFfmpeg('enospc') })).catch((e) => e);
    expect(err.kind).toBe('disk-full');
    expect(await getLesson(db.dynamo, db.lessonsTable, 'demo', 'lesson-new')).toMatchObject({ status: 'failed', error: err.message });
    await expect(stat(masterPath('lesson-new'))).rejects.toThrow();
    const map = JSON.parse(await readFile(nextLessonMapPath(dataDir), 'utf8'));
    expect(JSON.stringify(map)).not.toContain('lesson-new');
  });

  it('switches master.m3u8 to a re-encode, keeps the previous version for players mid-way, drops older ones', async () => {
    const first = (await readdir(lessonDir('lesson-1'))).filter((f) => f.startsWith('v'));
    expect(first).toHaveLength(1);
    const second = await encodeLesson(options({ lessonId: 'lesson-1' }));
    const third = await encodeLesson(options({ lessonId: 'lesson-1' }));
    const versions = (await readdir(lessonDir('lesson-1'))).filter((f) => f.startsWith('v')).sort();
    expect(versions).toEqual([second.version, third.version]);
    const master = await readFile(masterPath('lesson-1'), 'utf8');
    expect(master).toContain(`${third.version}/240p/index.m3u8`);
    expect(master).not.toContain(second.version);
    expect((await getLesson(db.dynamo, db.lessonsTable, 'demo', 'lesson-1'))?.title).toBe('Welcome');
  });
});

describe('encodeLesson: awkward sources and bad input', () => {
  it('turns a rotated, variable-frame-rate phone clip without audio into portrait CFR video with a silent track', async () => {
    const vfr = join(work, 'vfr.mp4');
    const phone = join(work, 'phone.mp4');
    // Every third frame dropped, timestamps kept: 20 fps on average on a 30 fps base.
    await run(tools.ffmpeg, [
      '-hide_banner', '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30:duration=4',
      '-vf', "select='not(eq(mod(n\\,3)\\,1))'", '-vsync', '0',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', vfr,
    ]);
    // Rotation metadata as a phone writes it (only a stream copy keeps the tag).
    await run(tools.ffmpeg, ['-hide_banner', '-v', 'error', '-y', '-i', vfr, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', phone]);
    const { streams: src } = await ffprobeJson(['-show_streams', phone]);
    expect(src[0]).toMatchObject({ width: 320, height: 180, r_frame_rate: '30/1', avg_frame_rate: '20/1' });
    const r = await encodeLesson(options({ lessonId: 'phone', input: phone, ladder: LADDER }));
    expect(r.renditions.map((x) => [x.name, x.width, x.height])).toEqual([['180p', 180, 320]]);
    const playlist = join(lessonDir('phone'), r.version, '180p', 'index.m3u8');
    const { streams } = await ffprobeJson(['-show_entries', 'stream=codec_type,codec_name,width,height,r_frame_rate,avg_frame_rate,channels', playlist]);
    expect(streams.find((s: any) => s.codec_type === 'video')).toMatchObject({ width: 180, height: 320, r_frame_rate: '30/1' });
    expect(streams.find((s: any) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', channels: 1 });
    const master = await readFile(masterPath('phone'), 'utf8');
    expect(master).toMatch(/RESOLUTION=180x320,FRAME-RATE=30\.000,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
    const details = M3U8Parser.parseLevelPlaylist(await readFile(playlist, 'utf8'), 'http://y/', 0, PlaylistLevelType.MAIN, 0, null);
    expect(details.fragments.map((f) => Number(f.duration.toFixed(2)))).toEqual([2, 2]);
  });

  it('explains a missing input file', async () => {
    const err = await encodeLesson(options({ lessonId: 'x1', input: join(work, 'nope.mp4') })).catch((e) => e);
    expect(err.kind).toBe('input');
    expect(err.message).toBe(`cannot read input ${join(work, 'nope.mp4')}: no such file`);
  });

  it('explains a file that is not a video', async () => {
    const junk = join(work, 'notes.mp4');
    await writeFile(junk, 'these are my lecture notes, not a video');
    const err = await encodeLesson(options({ lessonId: 'x2', input: junk })).catch((e) => e);
    expect(err.kind).toBe('input');
    expect(err.message).toMatch(/notes\.mp4 is not a readable video file \(ffprobe: .*Invalid data/);
  });

  it('explains a file without a video stream', async () => {
    const talk = join(work, 'talk.m4a');
    await run(tools.ffmpeg, ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', talk]);
    const err = await encodeLesson(options({ lessonId: 'x3', input: talk })).catch((e) => e);
    expect(err.kind).toBe('no-video');
    expect(err.message).toMatch(/talk\.m4a has no video stream/);
    expect(await getLesson(db.dynamo, db.lessonsTable, 'demo', 'x3')).toBeNull();
  });

  it('refuses ids that could escape a policy or a path, before touching anything', async () => {
    for (const bad of [{ courseId: '../demo' }, { lessonId: 'Lesson 1' }, { after: 'a/b' }]) {
      const err = await encodeLesson({ ...options({ lessonId: 'ok' }), ...bad }).catch((e) => e);
      expect(err.kind).toBe('lesson');
    }
  });
});

describe('encodeLesson with the ffmpeg shipped in @ffmpeg-installer (fallback)', async () => {
  const installer = await import('@ffmpeg-installer/ffmpeg').then((m) => m.default.path as string).catch(() => null);
  it.skipIf(!installer)('produces the same layout (old builds: numbered variant folders, renamed)', async () => {
    const r = await encodeLesson(options({ lessonId: 'fallback', ffmpegPath: installer! }));
    expect(r.renditions.map((x) => x.name)).toEqual(['240p', '144p']);
    const master = await readFile(masterPath('fallback'), 'utf8');
    expect(M3U8Parser.parseMasterPlaylist(master, 'http://x/').levels.map((l) => l.attrs.RESOLUTION)).toEqual(['426x240', '256x144']);
  });
});
