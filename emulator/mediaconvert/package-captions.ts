/**
 * The WebVTT caption outputs of a CMAF group: each sidecar read and parsed with the pipeline's
 * own readers (pipeline/captions/load.ts), cut on the group's first video track's segments with
 * the pipeline's segmenter (pipeline/captions/segment.ts: every cue in each segment it overlaps,
 * X-TIMESTAMP-MAP from the first fragment's decode time), written under MediaConvert's names
 * (output-names.ts) with the group's playlist format.
 *
 * AWS does not document what MediaConvert does with a cue that starts after the input ends, or
 * runs past it: the stand-in leaves the first out and clips the second to the end, so every cue
 * sits inside the video's segments.
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { CaptionError } from '../../pipeline/captions/caption-error.ts';
import type { CaptionTrack } from '../../pipeline/captions/cues.ts';
import { parseCaptionBytes } from '../../pipeline/captions/load.ts';
import { segmentTrack } from '../../pipeline/captions/segment.ts';
import type { CaptionOutputPlan } from './caption-plan.ts';
import type { EncodePlan } from './encode-plan.ts';
import { JobFailure } from './job-failure.ts';
import { subtitlePlaylist, targetDuration, type PlaylistFormat, type SubtitleRendition } from './hls-playlists.ts';
import { captionSegmentName, playlistName } from './output-names.ts';
import { localPath, parseS3Url } from './s3-paths.ts';

/** The group id of the caption renditions the stand-in writes (AWS documents none). */
export const CAPTIONS_GROUP_ID = 'subs';

/**
 * Every caption source of the plan, read and parsed, by `s3://` URL. A missing file is error
 * 1404 ("could not find a file"); one that cannot be read as captions 1010 ("can't open one or
 * more of your input files"), with the parser's `file:line: reason`.
 */
export async function loadCaptionSources(plan: EncodePlan, bucketRoot: (bucket: string) => string | undefined): Promise<Map<string, CaptionTrack>> {
  const out = new Map<string, CaptionTrack>();
  for (const g of plan.groups) {
    if (g.kind !== 'cmaf') continue;
    for (const c of g.captions) {
      if (out.has(c.sourceFile)) continue;
      const loc = parseS3Url(c.sourceFile)!;
      const path = localPath(loc, bucketRoot);
      let bytes: Buffer;
      try {
        if (path === null) throw new Error(`the bucket ${loc.bucket} does not exist`);
        bytes = await readFile(path);
      } catch (error) {
        throw new JobFailure(1404, `Unable to open caption file [${c.sourceFile}]: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      try {
        out.set(c.sourceFile, parseCaptionBytes(bytes, posix.basename(loc.key)));
      } catch (error) {
        if (error instanceof CaptionError) throw new JobFailure(1010, `Unable to read caption file [${c.sourceFile}]: ${error.message}`);
        throw error;
      }
    }
  }
  return out;
}

function fitted(track: CaptionTrack, plan: CaptionOutputPlan, durationSeconds: number): CaptionTrack {
  const endMs = Math.round(durationSeconds * 1000);
  const cues = track.cues
    .filter((c) => c.startMs < endMs)
    .map((c) => ({ ...c, endMs: Math.min(c.endMs, endMs), ...(plan.keepStyle ? {} : { settings: '' }) }));
  return { ...track, cues, blocks: plan.keepStyle ? track.blocks : [] };
}

export interface CaptionFiles {
  readonly segments: readonly { readonly name: string; readonly text: string }[];
  readonly playlist: { readonly name: string; readonly text: string };
  readonly rendition: SubtitleRendition;
}

/** Pure: one caption output's files, on the video's segment durations. */
export function captionFiles(
  plan: CaptionOutputPlan,
  track: CaptionTrack,
  video: { readonly segmentSeconds: readonly number[]; readonly mpegTs: number; readonly durationSeconds: number },
  format: PlaylistFormat,
): CaptionFiles {
  const timeline = { targetDuration: targetDuration(video.segmentSeconds, format.targetDuration), segments: video.segmentSeconds.map((duration) => ({ duration })) };
  const cut = segmentTrack(fitted(track, plan, video.durationSeconds), timeline, { prefix: plan.stem, mpegTs: video.mpegTs });
  const segments = cut.segments.map((s, i) => ({ name: captionSegmentName(plan.stem, i + 1), text: s.text }));
  const playlist = { name: playlistName(plan.stem), text: subtitlePlaylist(segments.map((s, i) => ({ uri: s.name, duration: video.segmentSeconds[i]! })), format) };
  return {
    segments,
    playlist,
    rendition: { groupId: CAPTIONS_GROUP_ID, name: plan.name, language: plan.language, isDefault: plan.isDefault, accessibility: plan.accessibility, uri: playlist.name },
  };
}
