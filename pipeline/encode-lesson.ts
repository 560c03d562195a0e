/**
 * Local encode + atomic publish of one lesson.
 *
 * Layout under `<dataDir>/origin/media/courses/<courseId>/<lessonId>/`:
 *
 *   master.m3u8                       the only mutable object, written last
 *   <version>/<rendition>/index.m3u8  media playlist, init segment, fMP4 segments
 *   <version>/poster.jpg, thumbs.vtt, thumbs-000.jpg ...
 *
 * Every encode writes a new immutable version folder (`v<time>-<rand>`) in a staging folder
 * on the same file system, is verified there, is moved into place with one rename, and only
 * then does master.m3u8 switch to it (temp file + rename). So:
 * - a failed or interrupted encode never touches what is published;
 * - a player in the middle of the previous version keeps getting its segments (the previous
 *   version is kept; older ones are removed);
 * - on AWS, segment URLs never change meaning, so CloudFront can cache them as immutable and a
 *   re-encode can never mix old cached segments with a new playlist.
 */
import { isVersionName } from '../edge/lesson-versions.ts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isCourseId, isLessonId } from '../edge/course-id.ts';
import { checkDurations, loadCaptions, type CaptionSource, type LoadedCaptions } from './captions/load.ts';
import { renditionMpegTs, writeSubtitleRenditions } from './captions/publish.ts';
import { classifyFfmpegFailure, isEnospc, PipelineError } from './errors.ts';
import { ffmpegArgsForPlan, OUTPUT_NAMES, variantDirName } from './ffmpeg-args.ts';
import { ffmpegFeatures, resolveFfmpegTools, whichOnPath } from './ffmpeg-path.ts';
import { LADDER, type ContentKind, type Ladder } from './ladder.ts';
import {
  lessonsTable,
  markFailed,
  markPublished,
  prepareLesson,
  rebuildNextLessonMap,
  type RenditionSummary,
} from './lessons.ts';
import { withSubtitles } from './hls/index.ts';
import { measureRendition, renderMasterPlaylist, writeFileAtomic, type MeasuredRendition } from './master-playlist.ts';
import { planEncode, type EncodePlan } from './plan.ts';
import { probeFile, rationalValue } from './probe.ts';
import { ProgressParser, toProgress, type EncodeProgress } from './progress.ts';
import { runProcess } from './run.ts';
import { thumbnailsVtt } from './thumbnails.ts';
import { verifyEncode } from './verify-encode.ts';


export type EncodePhase = 'probe' | 'encode' | 'verify' | 'publish' | 'record';

export interface EncodeLessonOptions {
  readonly input: string;
  readonly courseId: string;
  readonly lessonId: string;
  readonly title?: string;
  /** Place the lesson right after this one; default: append (an existing lesson keeps its place). */
  readonly after?: string;
  readonly dataDir: string;
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  readonly ladder?: Ladder;
  /** Force the content kind; default: detected from the source (plan.ts, detectContentKind). */
  readonly contentKind?: ContentKind;
  /** Also encode the optional rungs (240p). */
  readonly includeOptional?: boolean;
  readonly onProgress?: (progress: EncodeProgress) => void;
  readonly onPhase?: (phase: EncodePhase, detail?: string) => void;
  /** Abort (Ctrl-C): ffmpeg is stopped, staging removed, nothing published. */
  readonly signal?: AbortSignal;
  /** Recorded with the published version (see sourceFingerprint() and `lectern migrate`). */
  readonly sourceFingerprint?: string;
  /** Published as subtitle renditions; checked (syntax, language, duration) before the encode starts. */
  readonly captions?: readonly CaptionSource[];
}

export interface EncodeLessonResult {
  readonly courseId: string;
  readonly lessonId: string;
  readonly version: string;
  readonly manifestKey: string;
  readonly posterKey: string;
  readonly thumbnailsKey: string;
  readonly durationSeconds: number;
  readonly renditions: readonly RenditionSummary[];
  readonly contentKind: ContentKind;
  readonly contentKindReason: string;
  /** Wall-clock seconds ffmpeg ran. */
  readonly encodeSeconds: number;
  /** Media seconds per wall-clock second of the ffmpeg run. */
  readonly speed: number;
  readonly totalBytes: number;
  /** As published: canonical language, cues, warnings (clipped cues, dropped comments). */
  readonly captions: readonly LoadedCaptions[];
}

export function originRoot(dataDir: string): string {
  return join(dataDir, 'origin', 'media');
}

export function lessonKeyPrefix(courseId: string, lessonId: string): string {
  return `courses/${courseId}/${lessonId}`;
}


/** Sortable, unique, and made of characters the edge accepts in a path. */
export function newVersionId(now = Date.now()): string {
  return `v${now.toString(36).padStart(9, '0')}-${randomBytes(2).toString('hex')}`;
}

async function resolveTools(options: EncodeLessonOptions): Promise<{ ffmpeg: string; ffprobe: string }> {
  if (options.ffmpegPath && options.ffprobePath) return { ffmpeg: options.ffmpegPath, ffprobe: options.ffprobePath };
  if (options.ffmpegPath) {
    const sibling = await whichOnPath('ffprobe', dirname(options.ffmpegPath));
    return { ffmpeg: options.ffmpegPath, ffprobe: options.ffprobePath ?? sibling ?? (await resolveFfmpegTools()).ffprobe };
  }
  const tools = await resolveFfmpegTools();
  return { ffmpeg: tools.ffmpeg, ffprobe: options.ffprobePath ?? tools.ffprobe };
}

/** Deletes versions older than the current one, except the newest of them (players mid-way). */
export async function collectOldVersions(lessonDir: string, current: string): Promise<string[]> {
  const entries = await readdir(lessonDir, { withFileTypes: true });
  const older = entries
    .filter((e) => e.isDirectory() && isVersionName(e.name) && e.name < current)
    .map((e) => e.name)
    .sort();
  const doomed = older.slice(0, -1);
  for (const name of doomed) await rm(join(lessonDir, name), { recursive: true, force: true });
  return doomed;
}

function toPipelineError(err: unknown, published: boolean): PipelineError {
  if (err instanceof PipelineError) return err;
  const where = published ? 'recording the published lesson' : 'encoding';
  if (isEnospc(err)) {
    return new PipelineError('disk-full', `disk full while ${where}: free some space and run it again`, { cause: err });
  }
  if (published) {
    return new PipelineError(
      'record',
      `the new version is published, but ${where} failed (run the encode again to retry): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return new PipelineError('verify', `${where} failed: ${(err as Error).message}`, { cause: err });
}

export async function encodeLesson(options: EncodeLessonOptions): Promise<EncodeLessonResult> {
  const { courseId, lessonId, dataDir, dynamo } = options;
  if (!isCourseId(courseId)) throw new PipelineError('lesson', `bad course id ${JSON.stringify(courseId)}: use a-z, 0-9 and inner hyphens`);
  if (!isLessonId(lessonId)) throw new PipelineError('lesson', `bad lesson id ${JSON.stringify(lessonId)}: use a-z, 0-9 and inner hyphens`);
  if (options.after !== undefined && !isLessonId(options.after)) {
    throw new PipelineError('lesson', `bad --after lesson id ${JSON.stringify(options.after)}`);
  }
  const ladder = options.ladder ?? LADDER;
  const table = lessonsTable(options.tablePrefix);
  const phase = options.onPhase ?? (() => undefined);
  // Caption files are read and checked first: a malformed one must cost no probe, no record change.
  const loadedCaptions = await loadCaptions(options.captions ?? []);

  const tools = await resolveTools(options);
  phase('probe', options.input);
  const probe = await probeFile(options.input, tools.ffprobe);
  const plan = planEncode(ladder, probe, {
    ...(options.contentKind !== undefined && { contentKind: options.contentKind }),
    ...(options.includeOptional !== undefined && { includeOptional: options.includeOptional }),
  });
  const captions = checkDurations(loadedCaptions, plan.durationSeconds);

  // Places the lesson (and rejects an unknown --after) before spending time on the encode.
  await prepareLesson(dynamo, table, {
    courseId,
    lessonId,
    ...(options.title !== undefined && { title: options.title }),
    ...(options.after !== undefined && { after: options.after }),
  });

  const version = newVersionId();
  const prefix = lessonKeyPrefix(courseId, lessonId);
  const lessonDir = join(originRoot(dataDir), 'courses', courseId, lessonId);
  const staging = join(dataDir, 'staging', courseId, lessonId, version);
  const versionDir = join(lessonDir, version);
  let moved = false;
  let masterWritten = false;
  try {
    await mkdir(staging, { recursive: true });
    if (options.signal?.aborted) throw new PipelineError('interrupted', 'encode interrupted before it started');

    // ---- encode ----
    phase('encode', `${plan.renditions.map((r) => r.name).join(', ')} (${plan.contentKind})`);
    const parser = new ProgressParser();
    const fps = rationalValue(plan.frameRate);
    const started = performance.now();
    const features = await ffmpegFeatures(tools.ffmpeg);
    const args = ffmpegArgsForPlan(plan, staging, { legacyHls: features.legacyHls });
    let result;
    try {
      result = await runProcess(tools.ffmpeg, args, {
        ...(options.signal && { signal: options.signal }),
        onStdout: (chunk) => {
          for (const block of parser.push(chunk)) {
            options.onProgress?.(
              toProgress(block, { durationSeconds: plan.durationSeconds, fps, elapsedSeconds: (performance.now() - started) / 1000 }),
            );
          }
        },
      });
    } catch (err) {
      throw new PipelineError('tools', `could not start ffmpeg (${tools.ffmpeg}): ${(err as Error).message}`, { cause: err });
    }
    const encodeSeconds = (performance.now() - started) / 1000;
    if (options.signal?.aborted) throw new PipelineError('interrupted', 'encode interrupted: nothing was published');
    if (result.code !== 0) throw classifyFfmpegFailure(result.stderr, result.code, result.signal);
    for (let i = 0; i < plan.renditions.length; i++) {
      const from = variantDirName(plan, i, { legacyHls: features.legacyHls });
      if (from !== plan.renditions[i]!.name) await rename(join(staging, from), join(staging, plan.renditions[i]!.name));
    }

    // ---- verify + measure (still in staging) ----
    phase('verify');
    await verifyEncode(staging, plan);
    const measured: MeasuredRendition[] = [];
    for (const r of plan.renditions) {
      measured.push(await measureRendition(staging, r.name, { ffprobePath: tools.ffprobe, uriPrefix: version }));
    }
    await writeFile(join(staging, OUTPUT_NAMES.thumbnailsVtt), thumbnailsVtt(plan.thumbnails, plan.durationSeconds));
    await rm(join(staging, OUTPUT_NAMES.ffmpegMaster), { force: true });
    const top = measured[0]!;
    const subtitles = captions.length === 0
      ? []
      : (await writeSubtitleRenditions(staging, version, captions, { playlist: top.playlist, mpegTs: await renditionMpegTs(join(staging, top.name), top.playlist) })).tracks;
    const master = withSubtitles(
      renderMasterPlaylist(measured, { poster: `${version}/${OUTPUT_NAMES.poster}`, thumbnails: `${version}/${OUTPUT_NAMES.thumbnailsVtt}` }),
      subtitles,
    );

    // ---- publish: one rename for the version, then master.m3u8 last ----
    if (options.signal?.aborted) throw new PipelineError('interrupted', 'encode interrupted: nothing was published');
    phase('publish', `${prefix}/${version}`);
    await mkdir(lessonDir, { recursive: true });
    await rename(staging, versionDir);
    moved = true;
    // The edge serves only listed versions: list this one before a master names it.
    await rebuildNextLessonMap(dynamo, table, dataDir, { courseId, lessonId, version });
    await writeFileAtomic(join(lessonDir, 'master.m3u8'), master);
    masterWritten = true;

    // ---- record + next-lesson map ----
    phase('record');
    const renditions = measured.map((m) => ({ name: m.name, width: m.width, height: m.height, bandwidth: m.bandwidth }));
    const published = {
      manifestKey: `${prefix}/master.m3u8`,
      posterKey: `${prefix}/${version}/${OUTPUT_NAMES.poster}`,
      thumbnailsKey: `${prefix}/${version}/${OUTPUT_NAMES.thumbnailsVtt}`,
      durationSeconds: top.durationSeconds,
      renditions,
    };
    await markPublished(dynamo, table, courseId, lessonId, {
      ...published,
      version,
      ...(options.title !== undefined && { title: options.title }),
      ...(options.sourceFingerprint !== undefined && { sourceFingerprint: options.sourceFingerprint }),
    });
    await rebuildNextLessonMap(dynamo, table, dataDir);
    await collectOldVersions(lessonDir, version).catch(() => undefined);
    return {
      courseId,
      lessonId,
      version,
      ...published,
      contentKind: plan.contentKind,
      contentKindReason: plan.contentKindReason,
      encodeSeconds,
      speed: plan.durationSeconds / encodeSeconds,
      totalBytes: measured.reduce((s, m) => s + m.totalBytes, 0),
      captions,
    };
  } catch (err) {
    const error = toPipelineError(err, masterWritten);
    if (!masterWritten) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      if (moved) await rm(versionDir, { recursive: true, force: true }).catch(() => undefined);
      await markFailed(dynamo, table, courseId, lessonId, error.message, undefined, error.kind).catch(() => undefined);
    }
    throw error;
  }
}
