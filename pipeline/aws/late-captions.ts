/**
 * A caption sidecar uploaded after its video was published: added to (or swapped on) the
 * published lesson without re-encoding, the way `lectern captions` does it locally and the
 * transcribe handler does it for automatic captions (captions/rendition-files.ts and
 * captions/published-master.ts are the shared core; this is the S3 adapter for the trigger).
 *
 * When: the lesson record says `published`, no job is in flight (no `jobId`), its sourceKey is
 * the video the file is a sidecar of, and the published version is the one the trigger's last
 * job for that source wrote (`sourceVersion`, set at submit). Anything else (the first encode
 * still running, a re-upload being encoded, a version made from another video, a lesson
 * published before `sourceVersion` existed, a retried job's version) keeps the re-encode with
 * every sidecar (upload-sidecars.ts sourceForCaptions): slower, never wrong.
 *
 * What: the file is parsed by the strict parsers and checked against the published duration;
 * its segments and playlist are written under new names in `<version>/subs/`, then master.m3u8
 * LAST. A human track replaces the human track of its language and any automatic track of the
 * same primary language (transcribe-job.ts humanTrackFor: a human track suppresses those);
 * every other track stays. Video files and the lesson's status are never touched: a refused
 * file changes nothing and is recorded in `lateCaptions*` (late-captions-record.ts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { contentTypeFor } from '../../edge/media-types.ts';
import type { LessonRecord } from '../../tables/lessons.ts';
import { lessonKeyPrefix } from '../encode-lesson.ts';
import { subtitleTracksOf, withSubtitles, type SubtitleTrack } from '../hls/index.ts';
import { CaptionError } from '../captions/caption-error.ts';
import { checkAgainstDuration } from '../captions/duration-check.ts';
import { languageName } from '../captions/language.ts';
import { parseCaptionBytes } from '../captions/load.ts';
import { newCaptionRevision } from '../captions/publish.ts';
import { publishedMasterOf, publishedTimeline, TimelineError, type PublishedTimeline } from '../captions/published-master.ts';
import { mergeSubtitleTracks, SUBS_FOLDER, subtitleRenditionFiles } from '../captions/rendition-files.ts';
import { findSidecars } from '../captions/sidecars.ts';
import { claimCaptionsLease, recordLateCaptions, releaseCaptionsLease, sourceVersionOf } from './late-captions-record.ts';
import { isMachineGenerated } from './transcribe-job.ts';
import { MAX_CAPTION_BYTES } from './upload-sidecars.ts';

/** Pure: the published version a late sidecar of `sourceKey` goes into, or null (re-encode instead). */
export function lateCaptionsTarget(
  record: Pick<LessonRecord, 'status' | 'jobId' | 'sourceKey' | 'publishedVersion'> & { readonly sourceVersion?: string } | null,
  sourceKey: string,
): { version: string } | null {
  if (!record || record.status !== 'published' || record.jobId !== undefined || record.sourceKey !== sourceKey) return null;
  if (record.publishedVersion === undefined || record.sourceVersion !== record.publishedVersion) return null;
  return { version: record.publishedVersion };
}

const primary = (tag: string) => tag.split('-')[0]!.toLowerCase();

/**
 * Pure: the master's tracks once a human track is added: it takes the place of its language,
 * automatic tracks of its primary language go, everything else stays in order.
 */
export function withHumanTrack(existing: readonly SubtitleTrack[], track: SubtitleTrack): SubtitleTrack[] {
  const kept = existing.filter((t) => t.language === track.language || !isMachineGenerated(t) || primary(t.language) !== primary(track.language));
  return mergeSubtitleTracks(kept, [track]);
}

export interface LateCaptionsPlace {
  readonly uploadsBucket: string;
  readonly mediaBucket: string;
  readonly masterCacheControl: string;
}

export interface LateCaptionsInput {
  readonly courseId: string;
  readonly lessonId: string;
  readonly sourceKey: string;
  readonly captionKey: string;
  readonly version: string;
}

export type LateCaptionsOutcome =
  | { readonly outcome: 'published'; readonly language: string; readonly uri: string; readonly cues: number; readonly replaced: readonly string[]; readonly warnings: number }
  /** The media is not what the record says (another version served, nothing to align to): re-encode instead. */
  | { readonly outcome: 'not publishable'; readonly reason: string };

/**
 * Publishes one late sidecar. Throws a CaptionError (nothing written) for a file the parsers or
 * the duration check refuse; S3 errors propagate (the event is retried).
 */
export async function publishLateCaptions(place: LateCaptionsPlace, s3: Pick<S3Client, 'send'>, input: LateCaptionsInput, newRevision = () => newCaptionRevision()): Promise<LateCaptionsOutcome> {
  const fileName = posix.basename(input.captionKey);
  const found = findSidecars('', posix.basename(input.sourceKey), [fileName]);
  if (found.problems.length > 0 || !found.sources[0]) throw new CaptionError(fileName, undefined, found.problems.join('; ') || 'not a caption file of the lesson\'s video');
  const language = found.sources[0].language;
  const caption = await s3.send(new GetObjectCommand({ Bucket: place.uploadsBucket, Key: input.captionKey }));
  if ((caption.ContentLength ?? 0) > MAX_CAPTION_BYTES) {
    (caption.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new CaptionError(fileName, undefined, `the file is ${caption.ContentLength} bytes: caption files are at most ${MAX_CAPTION_BYTES} bytes`);
  }
  const parsed = parseCaptionBytes((await caption.Body?.transformToByteArray()) ?? new Uint8Array(), fileName);

  const read = async (key: string): Promise<Uint8Array> => {
    const r = await s3.send(new GetObjectCommand({ Bucket: place.mediaBucket, Key: key }));
    return (await r.Body?.transformToByteArray()) ?? new Uint8Array();
  };
  const lessonPrefix = lessonKeyPrefix(input.courseId, input.lessonId);
  const manifestKey = `${lessonPrefix}/master.m3u8`;
  const master = new TextDecoder().decode(await read(manifestKey));
  const published = publishedMasterOf(master);
  if (!published || published.version !== input.version) {
    return { outcome: 'not publishable', reason: `master.m3u8 serves ${published?.version ?? 'no single version'}, the record ${input.version}` };
  }
  let timeline: PublishedTimeline;
  try {
    timeline = await publishedTimeline(read, `${lessonPrefix}/${published.startPlaylist}`);
  } catch (error) {
    if (error instanceof TimelineError) return { outcome: 'not publishable', reason: error.message };
    throw error;
  }
  const { playlist, mpegTs, durationSeconds } = timeline;
  const track = checkAgainstDuration(parsed, durationSeconds);

  // Checked; from here on only new names are written, and the master last.
  const written = subtitleRenditionFiles(published.version, [{ language, name: languageName(language), track }], { playlist, mpegTs }, newRevision());
  const subsPrefix = `${lessonPrefix}/${published.version}/${SUBS_FOLDER}/`;
  for (const f of written.files) {
    await s3.send(new PutObjectCommand({ Bucket: place.mediaBucket, Key: `${subsPrefix}${f.name}`, Body: f.text, ContentType: contentTypeFor(f.name) }));
  }
  const existing = subtitleTracksOf(master);
  const added = written.tracks[0]!;
  const tracks = withHumanTrack(existing, added);
  await s3.send(new PutObjectCommand({
    Bucket: place.mediaBucket,
    Key: manifestKey,
    Body: withSubtitles(master, tracks),
    ContentType: contentTypeFor(manifestKey),
    CacheControl: place.masterCacheControl,
  }));
  const replaced = existing.filter((t) => !tracks.includes(t)).map((t) => t.uri);
  return { outcome: 'published', language, uri: added.uri, cues: track.cues.length, replaced, warnings: track.warnings.length };
}

export interface LateSidecarDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly dynamo: Pick<DynamoDBClient, 'send'>;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly newRevision?: () => string;
}

export type LateSidecarResult =
  | { readonly kind: 'captioned'; readonly courseId: string; readonly lessonId: string; readonly language: string; readonly uri: string; readonly cues: number }
  | { readonly kind: 'refused'; readonly courseId: string; readonly lessonId: string; readonly message: string };

/**
 * The trigger's step for a sidecar of a published lesson's video: null when the lesson is not
 * in that state (or its media is not what the record says), and the trigger re-encodes instead.
 */
export async function handleLateSidecar(
  place: LateCaptionsPlace & { readonly lessonsTable: string },
  deps: LateSidecarDeps,
  record: Parameters<typeof lateCaptionsTarget>[0],
  input: Omit<LateCaptionsInput, 'version'>,
): Promise<LateSidecarResult | null> {
  if (!record || record.status !== 'published' || record.jobId !== undefined) return null;
  const sourceVersion = await sourceVersionOf(deps.dynamo, place.lessonsTable, input.courseId, input.lessonId);
  const target = lateCaptionsTarget({ ...record, ...(sourceVersion !== undefined && { sourceVersion }) }, input.sourceKey);
  if (!target) return null;
  const where = { courseId: input.courseId, lessonId: input.lessonId, captionKey: input.captionKey };
  const file = posix.basename(input.captionKey);
  const token = randomUUID();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  for (let attempt = 0; !(await claimCaptionsLease(deps.dynamo, place.lessonsTable, input.courseId, input.lessonId, token)); attempt++) {
    // Another sidecar of the lesson is being published (seconds): wait, then let Lambda retry.
    if (attempt >= 40) throw new Error(`captions of ${input.courseId}/${input.lessonId} are being changed by another upload`);
    await sleep(250);
  }
  try {
    const result = await publishLateCaptions(place, deps.s3, { ...input, ...target }, deps.newRevision).catch((error: Error) => {
      // A published playlist we cannot read will not read better on a retry: a new encode will.
      if (error.name === 'PlaylistError') return { outcome: 'not publishable' as const, reason: error.message };
      throw error;
    });
    if (result.outcome === 'not publishable') {
      deps.log({ msg: 'late captions: re-encoding instead', ...where, reason: result.reason });
      return null;
    }
    await recordLateCaptions(deps.dynamo, place.lessonsTable, { courseId: input.courseId, lessonId: input.lessonId, state: 'published', file, detail: `${result.language} ${result.uri}` });
    deps.log({ msg: 'late captions published without re-encoding', ...where, language: result.language, uri: result.uri, cues: result.cues, replaced: result.replaced, warnings: result.warnings });
    return { kind: 'captioned', courseId: input.courseId, lessonId: input.lessonId, language: result.language, uri: result.uri, cues: result.cues };
  } catch (error) {
    if (!(error instanceof CaptionError)) throw error; // S3/DynamoDB trouble: let Lambda retry the event
    await recordLateCaptions(deps.dynamo, place.lessonsTable, { courseId: input.courseId, lessonId: input.lessonId, state: 'refused', file, detail: error.message });
    deps.log({ msg: 'late captions refused: the published lesson is unchanged', ...where, error: error.message });
    return { kind: 'refused', courseId: input.courseId, lessonId: input.lessonId, message: error.message };
  } finally {
    await releaseCaptionsLease(deps.dynamo, place.lessonsTable, input.courseId, input.lessonId, token);
  }
}
