/**
 * Transcribe handler (AWS Lambda) for EventBridge `Transcribe Job State Change` events of the
 * jobs auto-captions.ts starts.
 *
 * COMPLETED: publish the job's WebVTT as a machine-generated subtitle rendition of the version
 * the job was started for, the way `lectern captions` does it locally:
 *   1. the published master must still name that version (a newer encode gets its own job);
 *   2. GetTranscriptionJob: the subtitle file (must be in our media bucket, under the job's
 *      transcripts/ folder) and the language (the identified one with `identify`); the master
 *      must have no human track of that language (never replaced);
 *   3. the WebVTT goes through the strict caption parser and the duration check, then is cut on
 *      the start variant's segments and timed by its first fragment (captions/rendition-files.ts);
 *   4. the subtitle files are written under new names, then master.m3u8 LAST, naming the new
 *      track (an earlier automatic track of the language is replaced; human tracks are kept).
 * FAILED: recorded on the lesson; the lesson stays published without automatic captions.
 * Other events, other projects' jobs and jobs of superseded versions are ignored.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetTranscriptionJobCommand, type TranscribeClient } from '@aws-sdk/client-transcribe';
import { posix } from 'node:path';
import { contentTypeFor } from '../../edge/media-types.ts';
import { lessonKeyPrefix } from '../encode-lesson.ts';
import { subtitleTracksOf, withSubtitles } from '../hls/index.ts';
import { checkAgainstDuration } from '../captions/duration-check.ts';
import { parseCaptionBytes } from '../captions/load.ts';
import { newCaptionRevision } from '../captions/publish.ts';
import { publishedMasterOf, publishedTimeline, TimelineError, type PublishedTimeline } from '../captions/published-master.ts';
import { mergeSubtitleTracks, SUBS_FOLDER, subtitleRenditionFiles } from '../captions/rendition-files.ts';
import { recordAutoCaptions } from './auto-captions-record.ts';
import type { TranscribeHandlerConfig } from './config.ts';
import {
  AUTO_REVISION,
  autoTrackName,
  captionLanguageOf,
  humanTrackFor,
  parseOutputUri,
  parseTranscribeStateChange,
  transcriptPrefix,
  type TranscribeStateChange,
} from './transcribe-job.ts';

export interface TranscribeHandlerDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly transcribe: Pick<TranscribeClient, 'send'>;
  readonly dynamo: DynamoDBClient;
  readonly newRevision?: () => string;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type TranscribeResult =
  | { readonly outcome: 'ignored' | 'skipped'; readonly reason: string }
  | { readonly outcome: 'published'; readonly manifestKey: string; readonly language: string; readonly uri: string; readonly cues: number }
  | { readonly outcome: 'failed'; readonly message: string };

/** A finished job whose output cannot be published: recorded, never retried. */
class CaptionsRefused extends Error {}

export function createTranscribeHandler(config: TranscribeHandlerConfig, deps: TranscribeHandlerDeps): (event: unknown) => Promise<TranscribeResult> {
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const newRevision = deps.newRevision ?? (() => newCaptionRevision());
  const bucket = config.mediaBucket;

  async function read(key: string): Promise<Uint8Array> {
    const result = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!result.Body) throw new CaptionsRefused(`s3://${bucket}/${key} has no body`);
    return result.Body.transformToByteArray();
  }
  const put = (key: string, body: string, contentType: string, cacheControl?: string) =>
    deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...(cacheControl ? { CacheControl: cacheControl } : {}) }));

  async function publish(change: TranscribeStateChange): Promise<TranscribeResult> {
    const lessonPrefix = lessonKeyPrefix(change.courseId, change.lessonId);
    const manifestKey = `${lessonPrefix}/master.m3u8`;
    const master = new TextDecoder().decode(await read(manifestKey));
    const published = publishedMasterOf(master);
    if (!published || published.version !== change.version) {
      return { outcome: 'ignored', reason: `the lesson now serves ${published?.version ?? 'no single version'}, not ${change.version}` };
    }
    const { TranscriptionJob: job } = await deps.transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: change.jobName }));
    const vtt = (job?.Subtitles?.SubtitleFileUris ?? []).map(parseOutputUri).find((u) => u?.key.endsWith('.vtt'));
    if (!vtt || vtt.bucket !== bucket || !vtt.key.startsWith(transcriptPrefix(change))) {
      return { outcome: 'ignored', reason: `job ${change.jobName} wrote no WebVTT under s3://${bucket}/${transcriptPrefix(change)}` };
    }
    const language = captionLanguageOf(job?.LanguageCode);
    if (!language) throw new CaptionsRefused(`job ${change.jobName} names no usable language (${String(job?.LanguageCode)})`);
    const existing = subtitleTracksOf(master);
    const human = humanTrackFor(existing, language);
    if (human) return { outcome: 'skipped', reason: `the lesson has human ${human.language} captions` };

    let timeline: PublishedTimeline;
    try {
      timeline = await publishedTimeline(read, `${lessonPrefix}/${published.startPlaylist}`);
    } catch (error) {
      if (error instanceof TimelineError) throw new CaptionsRefused(error.message);
      throw error;
    }
    const { playlist, mpegTs, durationSeconds } = timeline;
    const file = posix.basename(vtt.key);
    const track = checkAgainstDuration(parseCaptionBytes(await read(vtt.key), file), durationSeconds);

    const revision = `${AUTO_REVISION}${newRevision()}`;
    const written = subtitleRenditionFiles(published.version, [{ language, name: autoTrackName(language), track }], { playlist, mpegTs }, revision);
    const subsPrefix = `${lessonPrefix}/${published.version}/${SUBS_FOLDER}/`;
    for (const f of written.files) {
      await put(`${subsPrefix}${f.name}`, f.text, contentTypeFor(f.name));
    }
    // Last: the track is listed only once every file it names exists.
    const tracks = mergeSubtitleTracks(existing, written.tracks);
    await put(manifestKey, withSubtitles(master, tracks), contentTypeFor(manifestKey), config.masterCacheControl);
    const uri = written.tracks[0]!.uri;
    await recordAutoCaptions(deps.dynamo, config.lessonsTable, { ...change, state: 'published', detail: language });
    log({ msg: 'automatic captions published', courseId: change.courseId, lessonId: change.lessonId, jobName: change.jobName, language, uri, warnings: track.warnings.length });
    return { outcome: 'published', manifestKey, language, uri, cues: track.cues.length };
  }

  async function fail(change: TranscribeStateChange, message: string): Promise<TranscribeResult> {
    await recordAutoCaptions(deps.dynamo, config.lessonsTable, { ...change, state: 'failed', detail: message });
    log({ msg: 'automatic captions failed', courseId: change.courseId, lessonId: change.lessonId, jobName: change.jobName, message });
    return { outcome: 'failed', message };
  }

  return async (event) => {
    const change = parseTranscribeStateChange(event);
    if (!change) return { outcome: 'ignored', reason: 'not a state change of a lectern transcription job' };
    if (change.status === 'FAILED') return fail(change, `Transcribe job ${change.jobName} failed: ${change.failureReason ?? 'no reason given'}`);
    if (change.status !== 'COMPLETED') return { outcome: 'ignored', reason: `status ${change.status}` };
    try {
      const result = await publish(change);
      if (result.outcome === 'skipped') await recordAutoCaptions(deps.dynamo, config.lessonsTable, { ...change, state: 'skipped', detail: result.reason });
      return result;
    } catch (error) {
      // A caption the parser refuses, or media we cannot align to, will not get better on a retry.
      const refused = error instanceof CaptionsRefused || (error as { kind?: string }).kind === 'captions' || (error as Error).name === 'PlaylistError';
      if (refused) return fail(change, (error as Error).message);
      throw error; // S3/DynamoDB/Transcribe trouble: let Lambda retry the event
    }
  };
}
