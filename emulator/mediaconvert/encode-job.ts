/**
 * Runs one job's encode with real ffmpeg: find the input through `bucketRoot`, probe it, plan,
 * encode every output in one ffmpeg process, and stage the files MediaConvert would write.
 * Nothing reaches a bucket here (job-runner.ts uploads the staged files), so a failed or
 * canceled encode leaves the buckets as they were.
 *
 * Failures carry MediaConvert's error codes (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_error_codes.html):
 * 1404 "could not find a file or Amazon S3 bucket", 1010 "can't open one or more of your input
 * files" (unreadable or not media), 1020 "can't find any video in your input", 1040 "encoding
 * settings aren't compatible with the input", 1050 "Write error, disk full", 1999 "unexpected
 * transcoding error".
 */
import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { access, copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PipelineError, isEnospc } from '../../pipeline/errors.ts';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { probeFile, type Probe } from '../../pipeline/probe.ts';
import { runProcess } from '../../pipeline/run.ts';
import { AbrLadderError } from './abr-ladder.ts';
import { planEncode, type EncodePlan, type SourceInfo } from './encode-plan.ts';
import { ffmpegArgs } from './ffmpeg-command.ts';
import { JobFailure } from './job-failure.ts';
import { frameCaptureName } from './output-names.ts';
import { loadCaptionSources } from './package-captions.ts';
import { packageCmafGroup, type OutputDetail, type StagedFile } from './package-cmaf.ts';
import { localPath, parseS3Url, s3Url } from './s3-paths.ts';

export { JobFailure };

/** An output group in the COMPLETE event's shape (output-file-names-and-paths.html). */
export interface OutputGroupResult {
  readonly type: 'CMAF_GROUP' | 'FILE_GROUP';
  readonly playlistFilePaths?: readonly string[];
  readonly outputDetails: readonly (OutputDetail & { readonly outputFilePaths?: readonly string[] })[];
}

export interface EncodeResult {
  readonly groups: readonly OutputGroupResult[];
  /** Media first, manifests last: the order the upload writes them. */
  readonly files: readonly StagedFile[];
  readonly source: Probe;
}

export interface EncodeContext {
  readonly bucketRoot: (bucket: string) => string | undefined;
  readonly workDir: string;
  readonly signal: AbortSignal;
  readonly onProgress: (phase: 'PROBING' | 'TRANSCODING' | 'UPLOADING', percent: number, framesDecoded?: number) => void;
  /** Right after the input was probed (INPUT_INFORMATION time). */
  readonly onProbed?: (probe: Probe) => void;
}

function sourceInfo(probe: Probe, request: CreateJobCommandInput): SourceInfo {
  const v = probe.video!;
  const input = request.Settings!.Inputs![0]!;
  const names = new Set(
    (request.Settings!.OutputGroups ?? []).flatMap((g) => (g.Outputs ?? []).flatMap((o) => (o.AudioDescriptions ?? []).map((a) => a.AudioSourceName ?? 'Audio Selector 1'))),
  );
  const selectors = input.AudioSelectors ?? {};
  // AudioSourceName: a selector that the input lacks falls back to the one marked default, and
  // "If there is no audio selector marked as default, silence will be inserted".
  const selected = [...names].some((n) => selectors[n] !== undefined) || Object.values(selectors).some((s) => s.DefaultSelection === 'DEFAULT');
  return {
    width: v.displayWidth,
    height: v.displayHeight,
    fps: v.frameRate,
    durationSeconds: probe.durationSeconds,
    videoIndex: v.index,
    audioIndex: selected && probe.audio ? probe.audio.index : null,
  };
}

async function findInput(url: string, bucketRoot: EncodeContext['bucketRoot']): Promise<string> {
  const loc = parseS3Url(url)!;
  const path = localPath(loc, bucketRoot);
  const missing = (what: string) => new JobFailure(1404, `Unable to open input file [${url}]: [Failed probe/open: [${what}]]`);
  if (path === null) throw missing(`the bucket ${loc.bucket} does not exist`);
  try {
    await access(path);
  } catch {
    throw missing('the object does not exist');
  }
  return path;
}

export async function encodeJob(request: CreateJobCommandInput, ctx: EncodeContext): Promise<EncodeResult> {
  ctx.onProgress('PROBING', 0);
  const inputUrl = request.Settings!.Inputs![0]!.FileInput!;
  const inputPath = await findInput(inputUrl, ctx.bucketRoot);
  for (const g of request.Settings!.OutputGroups ?? []) {
    const dest = g.OutputGroupSettings?.CmafGroupSettings?.Destination ?? g.OutputGroupSettings?.FileGroupSettings?.Destination!;
    const bucket = parseS3Url(dest)!.bucket;
    if (ctx.bucketRoot(bucket) === undefined) throw new JobFailure(1404, `Unable to write to output file [${dest}]: the bucket ${bucket} does not exist`);
  }
  const tools = await resolveFfmpegTools();
  let probe: Probe;
  try {
    probe = await probeFile(inputPath, tools.ffprobe);
  } catch (error) {
    if (error instanceof PipelineError) throw new JobFailure(1010, `Unable to open input file [${inputUrl}]: [Failed probe/open: [${error.message}]]`);
    throw error;
  }
  if (!probe.video) throw new JobFailure(1020, `No video found in input file [${inputUrl}]`);
  ctx.onProbed?.(probe);

  const source = sourceInfo(probe, request);
  let plan: EncodePlan;
  try {
    plan = planEncode(request, source);
  } catch (error) {
    if (error instanceof AbrLadderError) throw new JobFailure(1040, `Settings Error: ${error.message}`);
    throw error;
  }
  // Before the transcode, as MediaConvert reads its inputs: a bad caption file costs no encode.
  const captions = await loadCaptionSources(plan, ctx.bucketRoot);

  ctx.onProgress('TRANSCODING', 0);
  const totalFrames = Math.max(1, source.durationSeconds * (source.fps.num / source.fps.den));
  let pending = '';
  const run = await runProcess(tools.ffmpeg, ffmpegArgs(plan, inputPath, source, ctx.workDir), {
    signal: ctx.signal,
    onStdout: (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^frame=(\d+)/.exec(line);
        if (m) ctx.onProgress('TRANSCODING', Math.min(99, Math.floor((Number(m[1]) / totalFrames) * 100)), Number(m[1]));
      }
    },
  });
  if (ctx.signal.aborted) throw new JobFailure(0, 'canceled');
  if (run.code !== 0) {
    const tail = run.stderr.trim().split('\n').slice(-3).join(' | ');
    if (/No space left on device/i.test(run.stderr)) throw new JobFailure(1050, `Write error, disk full: ${tail}`);
    throw new JobFailure(1999, `Unknown Error: the transcoder failed (${tail || `exit ${run.code}`})`);
  }

  const stageDir = join(ctx.workDir, 'stage');
  const groups: OutputGroupResult[] = [];
  const media: StagedFile[] = [];
  const manifests: StagedFile[] = [];
  const fps = source.fps.num / source.fps.den;
  for (const g of plan.groups) {
    if (g.kind === 'cmaf') {
      const packaged = await packageCmafGroup(g, ctx.workDir, stageDir, source.durationSeconds, fps, captions);
      media.push(...packaged.media);
      manifests.push(...packaged.manifests);
      // CMAF_GROUP: playlistFilePaths, no outputFilePaths (output-file-names-and-paths.html).
      groups.push({ type: 'CMAF_GROUP', playlistFilePaths: packaged.playlistFilePaths, outputDetails: packaged.outputDetails });
      continue;
    }
    const captures = (await readdir(ctx.workDir)).filter((f) => f.startsWith(`${g.id}.`) && f.endsWith('.jpg')).sort();
    const written: string[] = [];
    for (const [i, f] of captures.entries()) {
      const location = frameCaptureName(g.destination, g.nameModifier, i + 1);
      media.push({ location, staged: join(ctx.workDir, f) });
      written.push(s3Url(location));
    }
    // Frame capture: "File name and path of the final captured image."
    groups.push({
      type: 'FILE_GROUP',
      outputDetails: [{ outputFilePaths: written.slice(-1), durationInMs: Math.round(source.durationSeconds * 1000), videoDetails: { widthInPx: g.width, heightInPx: g.height } }],
    });
  }
  return { groups, files: [...media, ...manifests], source: probe };
}

/** Copies staged files into their buckets' folders, in order (manifests come last). */
export async function uploadStaged(files: readonly StagedFile[], bucketRoot: EncodeContext['bucketRoot'], signal: AbortSignal, onFile: (done: number) => void): Promise<string[]> {
  const written: string[] = [];
  try {
    for (const f of files) {
      if (signal.aborted) break;
      const target = localPath(f.location, bucketRoot);
      if (target === null) throw new JobFailure(1404, `Unable to write to output file [${s3Url(f.location)}]: the bucket does not exist`);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(f.staged, target);
      written.push(target);
      onFile(written.length);
    }
  } catch (error) {
    if (isEnospc(error)) throw new JobFailure(1050, `Write error, disk full: ${(error as Error).message}`);
    throw error;
  }
  return written;
}
