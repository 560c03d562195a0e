/**
 * The check of a finished local encode before anything is published (encode-lesson.ts runs it
 * on the staging folder): a failed check is a PipelineError of kind `verify`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PipelineError } from './errors.ts';
import { OUTPUT_NAMES, spriteName } from './ffmpeg-args.ts';
import { isSafeRelativeUri, parseMediaPlaylist, PlaylistError, type MediaPlaylist } from './hls/index.ts';
import type { EncodePlan } from './plan.ts';

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new PipelineError('verify', message);
}

async function nonEmptyFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}

/**
 * Checks a finished encode before anything is published: every playlist parses, is VOD and
 * complete, every segment and init segment exists and is not empty, segment durations respect
 * the target duration and are identical across renditions (aligned keyframes), the total
 * duration matches the source, and poster and sprites exist.
 */
export async function verifyEncode(dir: string, plan: EncodePlan): Promise<Map<string, MediaPlaylist>> {
  const playlists = new Map<string, MediaPlaylist>();
  for (const r of plan.renditions) {
    const path = join(dir, r.name, OUTPUT_NAMES.variantPlaylist);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new PipelineError('verify', `rendition ${r.name}: playlist missing (${path})`);
    }
    let pl: MediaPlaylist;
    try {
      pl = parseMediaPlaylist(text);
    } catch (err) {
      throw new PipelineError('verify', `rendition ${r.name}: ${(err as PlaylistError).message}`);
    }
    check(pl.endList, `rendition ${r.name}: playlist has no EXT-X-ENDLIST (encode cut short?)`);
    check(pl.playlistType === 'VOD', `rendition ${r.name}: playlist type is ${pl.playlistType ?? 'missing'}, not VOD`);
    check(pl.segments.length > 0, `rendition ${r.name}: no segments`);
    check(pl.mapUri !== null && isSafeRelativeUri(pl.mapUri), `rendition ${r.name}: bad or missing init segment URI`);
    check(await nonEmptyFile(join(dir, r.name, pl.mapUri!)), `rendition ${r.name}: init segment ${pl.mapUri} missing or empty`);
    for (const seg of pl.segments) {
      check(isSafeRelativeUri(seg.uri), `rendition ${r.name}: unsafe segment URI ${seg.uri}`);
      check(await nonEmptyFile(join(dir, r.name, seg.uri)), `rendition ${r.name}: segment ${seg.uri} missing or empty`);
      check(
        Math.round(seg.duration) <= pl.targetDuration,
        `rendition ${r.name}: segment ${seg.uri} lasts ${seg.duration}s, over the target duration ${pl.targetDuration}s`,
      );
    }
    const total = pl.segments.reduce((s, x) => s + x.duration, 0);
    const tolerance = Math.max(1, plan.durationSeconds * 0.02);
    check(
      Math.abs(total - plan.durationSeconds) <= tolerance,
      `rendition ${r.name}: playlist lasts ${total.toFixed(3)}s, the source ${plan.durationSeconds.toFixed(3)}s`,
    );
    playlists.set(r.name, pl);
  }
  const [first, ...rest] = plan.renditions.map((r) => [r.name, playlists.get(r.name)!] as const);
  for (const [name, pl] of rest) {
    const ref = first![1];
    check(pl.segments.length === ref.segments.length, `renditions ${first![0]} and ${name} have different segment counts`);
    pl.segments.forEach((seg, i) => {
      check(
        Math.abs(seg.duration - ref.segments[i]!.duration) < 0.05,
        `segment ${i} of ${name} (${seg.duration}s) is not aligned with ${first![0]} (${ref.segments[i]!.duration}s)`,
      );
    });
  }
  check(await nonEmptyFile(join(dir, OUTPUT_NAMES.poster)), 'poster image missing');
  for (let i = 0; i < plan.thumbnails.sprites; i++) {
    check(await nonEmptyFile(join(dir, spriteName(i))), `thumbnail sprite ${spriteName(i)} missing`);
  }
  return playlists;
}
