/**
 * Captions through a real encode (6 s clip, two tiny rungs, about a second of ffmpeg), through
 * `lectern captions` on the published lesson, and through migrate's sidecars; each refusal
 * checked to change nothing.
 */
import { M3U8Parser } from 'hls.js';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { readObjectAtPath } from '../../emulator/cloudfront/origin.ts';
import { versionsKey } from '../../edge/lesson-versions.ts';
import { decideViewerRequest } from '../../edge/viewer-request/core.ts';
import { encodeLesson, lessonKeyPrefix, originRoot, type EncodeLessonOptions, type EncodeLessonResult } from '../encode-lesson.ts';
import { resolveFfmpegTools, type FfmpegTools } from '../ffmpeg-path.ts';
import { parseMediaPlaylist, parseMaster, readMaster, subtitleTracksOf } from '../hls/index.ts';
import { LADDER, type Ladder } from '../ladder.ts';
import { getLesson, lessonsTable } from '../lessons.ts';
import { migrateFolder } from '../migrate.ts';
import { runProcess } from '../run.ts';
import { synthesizeTestClip } from '../test-clip.ts';
import { startLocalDynamo, type LocalDynamo } from '../test-dynamo.ts';
import { CaptionError } from './caption-error.ts';
import { parseWebVtt } from './parse-webvtt.ts';

const TEST_LADDER: Ladder = {
  ...LADDER,
  rungs: [
    { ...LADDER.rungs.find((r) => r.name === '240p')!, optional: false },
    { ...LADDER.rungs.find((r) => r.name === '240p')!, name: '144p', shortSide: 144, level: '1.3', optional: false },
  ],
};

const EN_VTT = `WEBVTT

00:00.500 --> 00:01.500
Hello

00:03.000 --> 00:05.000 line:80%
Across the boundary

00:05.000 --> 00:07.000
Goodbye
`;
const ES_SRT = `1
00:00:01,000 --> 00:00:02,000
Hola

2
00:00:04,500 --> 00:00:05,500
Adiós
`;

let tools: FfmpegTools;
let db: LocalDynamo;
let work: string;
let dataDir: string;
let clip: string;
const files: Record<string, string> = {};

async function run(cmd: string, args: string[]): Promise<string> {
  const r = await runProcess(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function options(extra: Partial<EncodeLessonOptions> & Pick<EncodeLessonOptions, 'lessonId'>): EncodeLessonOptions {
  return { input: clip, courseId: 'demo', dataDir, dynamo: db.dynamo, tablePrefix: db.tablePrefix, ladder: TEST_LADDER, ffmpegPath: tools.ffmpeg, ffprobePath: tools.ffprobe, ...extra };
}

const lessonDir = (lessonId: string) => join(originRoot(dataDir), lessonKeyPrefix('demo', lessonId));
const masterOf = (lessonId: string) => readFile(join(lessonDir(lessonId), 'master.m3u8'), 'utf8');

async function caption(name: string, text: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, text);
  return path;
}

/** Every file under a folder: relative path -> sha256 and mtime. */
async function snapshot(dir: string, skip?: (rel: string) => boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = relative(dir, full);
    if (skip?.(rel)) continue;
    out.set(rel, `${createHash('sha256').update(await readFile(full)).digest('hex')} ${(await stat(full)).mtimeMs}`);
  }
  return out;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const c = vi.spyOn(console, 'error').mockImplementation((...a) => void (err += `${a.join(' ')}\n`));
  const before = process.env['LECTERN_DATA'];
  process.env['LECTERN_DATA'] = dataDir;
  try {
    return { code: await main(argv), out, err };
  } finally {
    if (before === undefined) delete process.env['LECTERN_DATA'];
    else process.env['LECTERN_DATA'] = before;
    o.mockRestore();
    e.mockRestore();
    c.mockRestore();
  }
}

beforeAll(async () => {
  tools = await resolveFfmpegTools();
  db = await startLocalDynamo();
  work = await mkdtemp(join(tmpdir(), 'lectern-captions-'));
  dataDir = join(work, 'data');
  clip = join(work, 'clip.mp4');
  await synthesizeTestClip(tools.ffmpeg, clip);
  files['en'] = await caption('talk.en.vtt', EN_VTT);
  files['es'] = await caption('talk.es.srt', ES_SRT);
});

afterAll(async () => {
  await db?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('lectern encode --captions en=... --captions es=...', () => {
  let result: EncodeLessonResult;
  let master: string;

  beforeAll(async () => {
    result = await encodeLesson(options({ lessonId: 'lesson-1', captions: [{ language: 'en', path: files['en']! }, { language: 'es', path: files['es']! }] }));
    master = await masterOf('lesson-1');
  });

  it('names two subtitle renditions in the master, and every variant carries SUBTITLES="subs"', () => {
    const tracks = subtitleTracksOf(master);
    expect(tracks.map((t) => [t.language, t.name])).toEqual([['en', 'English'], ['es', 'Español']]);
    for (const t of tracks) expect(t.uri).toMatch(new RegExp(`^${result.version}/subs/${t.language}\\.r[0-9a-z]{13}\\.m3u8$`));
    expect(master.match(/^#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="(en|es)",NAME="[^"]+",DEFAULT=NO,AUTOSELECT=YES,URI="[^"]+"$/gm)).toHaveLength(2);
    const variants = readMaster(master).variants;
    expect(variants).toHaveLength(2);
    for (const v of variants) expect(v.line).toMatch(/,SUBTITLES="subs"$/);
    // hls.js (the player's engine) sees both tracks in the group the variants name.
    const url = 'https://cdn.test/courses/demo/lesson-1/master.m3u8';
    const parsed = M3U8Parser.parseMasterPlaylist(master, url);
    const media = M3U8Parser.parseMasterPlaylistMedia(master, url, parsed);
    expect(media.SUBTITLES?.map((t) => [t.lang, t.name, t.groupId, t.default])).toEqual([['en', 'English', 'subs', false], ['es', 'Español', 'subs', false]]);
    expect(result.captions.map((c) => [c.language, c.track.warnings.map((w) => w.line)])).toEqual([['en', [9]], ['es', []]]);
  });

  it('cuts each track on the video segments: same durations and target duration, each cue where it plays', async () => {
    const video = parseMediaPlaylist(await readFile(join(lessonDir('lesson-1'), readMaster(master).variants[0]!.uri), 'utf8'));
    const cuesOf = async (language: string) => {
      const uri = subtitleTracksOf(master).find((t) => t.language === language)!.uri;
      const playlist = parseMediaPlaylist(await readFile(join(lessonDir('lesson-1'), uri), 'utf8'));
      expect(playlist.targetDuration).toBe(video.targetDuration);
      expect(playlist.segments.map((s) => s.duration)).toEqual(video.segments.map((s) => s.duration));
      const dir = join(lessonDir('lesson-1'), uri, '..');
      const segments = [];
      for (const s of playlist.segments) {
        const text = await readFile(join(dir, s.uri), 'utf8');
        expect(text.split('\n')[1]).toBe('X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000');
        segments.push(text.includes('-->') ? parseWebVtt(text, s.uri).cues.map((c) => [c.startMs, c.endMs, c.text, c.settings]) : []);
      }
      return segments;
    };
    expect(video.segments.map((s) => s.duration)).toEqual([2, 2, 2]);
    expect(await cuesOf('en')).toEqual([
      [[500, 1500, 'Hello', '']],
      [[3000, 5000, 'Across the boundary', 'line:80%']],
      [[3000, 5000, 'Across the boundary', 'line:80%'], [5000, 6000, 'Goodbye', '']],
    ]);
    expect(await cuesOf('es')).toEqual([[[1000, 2000, 'Hola', '']], [], [[4500, 5500, 'Adiós', '']]]);
  });

  it("maps cue time 0 to the first fragment's decode time, as ffprobe reads it without edit lists", async () => {
    const rendition = join(lessonDir('lesson-1'), result.version, '240p');
    const playlist = parseMediaPlaylist(await readFile(join(rendition, 'index.m3u8'), 'utf8'));
    const joined = join(work, 'first.mp4');
    await writeFile(joined, Buffer.concat([await readFile(join(rendition, playlist.mapUri!)), await readFile(join(rendition, playlist.segments[0]!.uri))]));
    const csv = await run(tools.ffprobe, ['-v', 'error', '-ignore_editlist', '1', '-show_entries', 'packet=stream_index,dts_time', '-of', 'csv=p=0', joined]);
    const first = new Map<string, number>();
    for (const [stream, dts] of csv.trim().split('\n').map((l) => l.split(','))) if (!first.has(stream!)) first.set(stream!, Number(dts));
    expect(Math.round(Math.min(...first.values()) * 90_000)).toBe(0);
  });

  it('is let through by the edge with signed cookies and served as text/vtt and HLS by the local origin', async () => {
    const subsDir = join(lessonDir('lesson-1'), result.version, 'subs');
    const names = await readdir(subsDir);
    expect(names.filter((n) => n.endsWith('.m3u8'))).toHaveLength(2);
    for (const name of names) {
      const uri = `/courses/demo/lesson-1/${result.version}/subs/${name}`;
      const decision = await decideViewerRequest(
        { method: 'GET', uri, querystring: '', headers: {} },
        { nextLesson: async () => undefined, servedVersions: async (key) => (key === versionsKey('demo', 'lesson-1') ? result.version : undefined) },
      );
      expect(decision, uri).toEqual({ kind: 'pass', uri });
      const served = await readObjectAtPath(originRoot(dataDir), uri, { method: 'HEAD' });
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe(name.endsWith('.vtt') ? 'text/vtt; charset=utf-8' : 'application/vnd.apple.mpegurl');
    }
  });
});

describe('a caption file that cannot be published publishes nothing', () => {
  it('refuses a malformed file before the encode, naming the line: no folder, no record, no staging', async () => {
    const bad = await caption('bad.en.vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 -> 00:04.000\nbroken arrow\n');
    const started = performance.now();
    const error = await encodeLesson(options({ lessonId: 'lesson-bad', captions: [{ language: 'en', path: bad }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptionError);
    expect((error as CaptionError).message).toBe(`${bad}:6: not a cue: expected a timing line like "00:00:01.000 --> 00:00:04.000", found "00:03.000 -> 00:04.000"`);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(stat(lessonDir('lesson-bad'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(dataDir, 'staging', 'demo', 'lesson-bad'))).rejects.toThrow(/ENOENT/);
    expect(await getLesson(db.dynamo, lessonsTable(db.tablePrefix), 'demo', 'lesson-bad')).toBeNull();
  });

  it('lectern encode --captions: exit 2 with the line, nothing in the media root', async () => {
    const bad = await caption('cli.es.srt', '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:0:04,000\nbad end\n');
    const r = await cli(['encode', clip, '--course', 'demo', '--lesson', 'lesson-cli', '--captions', `en=${files['en']}`, '--captions', `es=${bad}`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`lectern encode: ${bad}:6: bad end timestamp "00:0:04,000": use hh:mm:ss,ttt`);
    await expect(stat(lessonDir('lesson-cli'))).rejects.toThrow(/ENOENT/);
    expect((await cli(['encode', clip, '--course', 'demo', '--lesson', 'lesson-cli', '--captions', 'en'])).code).toBe(2);
  });

  it('refuses a cue after the end once probed, and a bad language, leaving a published lesson as it was', async () => {
    const table = lessonsTable(db.tablePrefix);
    const record = await getLesson(db.dynamo, table, 'demo', 'lesson-1');
    const before = await snapshot(lessonDir('lesson-1'));
    const late = await caption('late.en.vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:06.500 --> 00:08.000\nafter the end\n');
    const error = await encodeLesson(options({ lessonId: 'lesson-1', captions: [{ language: 'en', path: late }] })).catch((e: unknown) => e);
    expect((error as CaptionError).message).toMatch(new RegExp(`^${late}:6: the cue starts at 00:00:06\\.500, after the lesson ends \\(00:00:06\\.\\d{3}\\)`));
    await expect(encodeLesson(options({ lessonId: 'lesson-1', captions: [{ language: 'english', path: files['en']! }] }))).rejects.toThrow(/not a BCP 47/);
    await expect(
      encodeLesson(options({ lessonId: 'lesson-1', captions: [{ language: 'en', path: files['en']! }, { language: 'EN', path: files['es']! }] })),
    ).rejects.toThrow(/second caption file for en/);
    expect(await snapshot(lessonDir('lesson-1'))).toEqual(before);
    expect(await getLesson(db.dynamo, table, 'demo', 'lesson-1')).toEqual(record);
  });
});

describe('lectern captions <course>/<lesson>', () => {
  it('replaces en and removes es without touching a video file; the master switches in one rename', async () => {
    const master = await masterOf('lesson-1');
    const version = readMaster(master).variants[0]!.uri.split('/')[0]!;
    const isSubs = (rel: string) => rel.startsWith(join(version, 'subs'));
    const video = await snapshot(lessonDir('lesson-1'), (rel) => isSubs(rel) || rel === 'master.m3u8');
    const oldEn = subtitleTracksOf(master).find((t) => t.language === 'en')!.uri;
    const replacement = await caption('new.en.vtt', 'WEBVTT\n\n00:02.000 --> 00:03.000\nReplaced\n');

    const r = await cli(['captions', 'demo/lesson-1', '--captions', `en=${replacement}`, '--remove', 'es']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/added {4}en \(English\): 1 cues/);

    const after = await masterOf('lesson-1');
    const tracks = subtitleTracksOf(after);
    expect(tracks.map((t) => t.language)).toEqual(['en']);
    expect(tracks[0]!.uri).not.toBe(oldEn);
    // Only the subtitle lines changed: variants, session data and the rest are as they were.
    const strip = (m: string) => m.split('\n').filter((l) => !l.startsWith('#EXT-X-MEDIA:TYPE=SUBTITLES')).join('\n');
    expect(strip(after)).toBe(strip(master));
    expect(parseMaster(after, 'https://cdn.test/courses/demo/lesson-1/master.m3u8').subtitles).toHaveLength(1);
    expect(await snapshot(lessonDir('lesson-1'), (rel) => isSubs(rel) || rel === 'master.m3u8')).toEqual(video);
    const playlist = parseMediaPlaylist(await readFile(join(lessonDir('lesson-1'), tracks[0]!.uri), 'utf8'));
    const segs = await Promise.all(playlist.segments.map((s) => readFile(join(lessonDir('lesson-1'), tracks[0]!.uri, '..', s.uri), 'utf8')));
    expect(segs[1]).toContain('00:00:02.000 --> 00:00:03.000\nReplaced');
    expect(segs[0]).not.toContain('-->');
    expect(segs[2]).not.toContain('-->');
    // The replaced en and the removed es stay one round, for players that loaded the old master.
    await expect(stat(join(lessonDir('lesson-1'), oldEn))).resolves.toBeDefined();
    await expect(stat(join(lessonDir('lesson-1'), subtitleTracksOf(master).find((t) => t.language === 'es')!.uri))).resolves.toBeDefined();
    expect(await readdir(lessonDir('lesson-1'))).toEqual(expect.arrayContaining(['master.m3u8', version]));
    expect((await readdir(lessonDir('lesson-1'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses bad input with exit 2 and changes nothing', async () => {
    const before = await snapshot(lessonDir('lesson-1'));
    const bad = await caption('bad2.en.srt', '1\n00:00:01,000 --> 00:00:00,500\nbackwards\n');
    const cases: [string[], RegExp][] = [
      [['captions', 'demo/lesson-1', '--captions', `en=${bad}`], /bad2\.en\.srt:2: the cue ends/],
      [['captions', 'demo/lesson-1', '--remove', 'es'], /has no es captions \(it has: en\)/],
      [['captions', 'demo/lesson-1', '--captions', `xx_1=${bad}`], /not a BCP 47/],
      [['captions', 'demo/lesson-1', '--captions', `en=${join(work, 'missing.vtt')}`], /cannot read the caption file \(ENOENT\)/],
      [['captions', 'demo/nope', '--remove', 'en'], /not published/],
      [['captions', 'demo/lesson-1'], /give --captions/],
      [['captions', 'demo', '--remove', 'en'], /expected <course>\/<lesson>/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
    expect(await snapshot(lessonDir('lesson-1'))).toEqual(before);
  });
});

describe('lectern migrate with sidecars', () => {
  it('passes <name>.<lang>.vtt|srt to the encode, and fails a lesson with a malformed one without placing it', async () => {
    const folder = join(work, 'course');
    await mkdir(folder);
    for (const name of ['01 Intro.mp4', '02 Next.mp4']) await writeFile(join(folder, name), 'not really video');
    await writeFile(join(folder, '01 Intro.en.vtt'), EN_VTT);
    await writeFile(join(folder, '01 Intro.es.srt'), ES_SRT);
    await writeFile(join(folder, '02 Next.en.vtt'), 'WEBVTT\n\nnonsense\n');
    const seen: unknown[] = [];
    const summary = await migrateFolder({
      folder,
      courseId: 'sidecars',
      concurrency: 1,
      dataDir,
      dynamo: db.dynamo,
      tablePrefix: db.tablePrefix,
      encode: async (o) => {
        seen.push([o.lessonId, o.captions]);
        throw new Error('stub: no encode');
      },
    });
    expect(seen).toEqual([['01-intro', [{ language: 'en', path: join(folder, '01 Intro.en.vtt') }, { language: 'es', path: join(folder, '01 Intro.es.srt') }]]]);
    const next = summary.items.find((i) => i.lessonId === '02-next')!;
    expect(next.outcome).toBe('failed');
    expect(next.reason).toBe(`${join(folder, '02 Next.en.vtt')}:3: not a cue: expected a timing line like "00:00:01.000 --> 00:00:04.000", found "nonsense"`);
    expect(await getLesson(db.dynamo, lessonsTable(db.tablePrefix), 'sidecars', '02-next')).toBeNull();
  });
});
