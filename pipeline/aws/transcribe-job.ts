/**
 * Automatic captions with Amazon Transcribe: the pure decisions shared by the start (after a
 * lesson is published, auto-captions.ts) and the finish (transcribe-handler.ts).
 *
 * What Transcribe does that this depends on:
 * - StartTranscriptionJob takes `Subtitles: { Formats: ['vtt'], OutputStartIndex: 0 | 1 }`; the
 *   subtitle files are written where the transcript goes, `OutputBucketName` + `OutputKey`
 *   (an OutputKey ending in `/` is a folder: `<OutputKey><TranscriptionJobName>.json`, and the
 *   subtitles beside it as `<TranscriptionJobName>.vtt`), and GetTranscriptionJob lists them in
 *   `Subtitles.SubtitleFileUris`. Job names match `^[0-9a-zA-Z._-]+` (1-200 characters) and
 *   are unique in the account (a second start is a ConflictException). `LanguageCode` or
 *   `IdentifyLanguage: true`, never both (the identified code comes back in LanguageCode).
 *   https://docs.aws.amazon.com/transcribe/latest/APIReference/API_StartTranscriptionJob.html
 *   https://docs.aws.amazon.com/transcribe/latest/APIReference/API_Subtitles.html
 *   https://docs.aws.amazon.com/transcribe/latest/APIReference/API_SubtitlesOutput.html
 * - EventBridge gets `Transcribe Job State Change` from `aws.transcribe`, detail
 *   `{ TranscriptionJobName, TranscriptionJobStatus: COMPLETED | FAILED, FailureReason? }`,
 *   best effort: https://docs.aws.amazon.com/transcribe/latest/dg/monitoring-events.html
 *
 * Which track is machine-generated, durably: its NAME says so to people ("English
 * (US, auto-generated)"), its file names carry the `auto-` revision mark (AUTO_REVISION) so code
 * reading only the master can tell (the mark survives `lectern captions`, which keeps the URIs
 * of tracks it does not touch), and the lesson record's `autoCaptions*` attributes say which job
 * made it. A human track is never replaced: a human track of the same language (primary
 * subtag: `en` covers `en-US`) suppresses the automatic one, at the start and again at the finish.
 */
import { isCourseId, isLessonId } from '../../edge/course-id.ts';
import { isVersionName } from '../../edge/lesson-versions.ts';
import type { SubtitleTrack } from '../hls/index.ts';
import { canonicalLanguageTag, languageName } from '../captions/language.ts';

export const TRANSCRIBE_SOURCE = 'aws.transcribe';
export const TRANSCRIBE_DETAIL_TYPE = 'Transcribe Job State Change';
export const TRANSCRIBE_HANDLED_STATES = ['COMPLETED', 'FAILED'] as const;
/** Every job this project starts is named `lectern.<course>.<lesson>.<version>.<language|identify>`. */
export const JOB_NAME_PREFIX = 'lectern.';
/** Where Transcribe writes, in the media bucket: outside `courses/`, so the CDN never serves raw output. */
export const TRANSCRIPTS_PREFIX = 'transcripts/';
/** Revision mark of machine-generated subtitle files: `<lang>.auto-r….m3u8`. */
export const AUTO_REVISION = 'auto-';

const JOB_NAME = /^[0-9a-zA-Z._-]{1,200}$/;
/** Transcribe's language codes are `xx-XX` (en-US, pt-BR, zh-CN...). */
export const TRANSCRIBE_LANGUAGE = /^[a-z]{2,3}-[A-Z]{2}$/;

/** `identify`, or one Transcribe language code. */
export type AutoCaptionLanguage = string;

export interface TranscribeLesson {
  readonly courseId: string;
  readonly lessonId: string;
  readonly version: string;
}

export function transcriptionJobName(lesson: TranscribeLesson, language: AutoCaptionLanguage): string {
  const name = `${JOB_NAME_PREFIX}${lesson.courseId}.${lesson.lessonId}.${lesson.version}.${language}`;
  if (!JOB_NAME.test(name)) throw new Error(`cannot name a transcription job for ${JSON.stringify(name)}`);
  return name;
}

/** Pure: our job name -> its lesson, or null (another project's job). */
export function parseTranscriptionJobName(name: unknown): (TranscribeLesson & { language: AutoCaptionLanguage }) | null {
  if (typeof name !== 'string' || !name.startsWith(JOB_NAME_PREFIX)) return null;
  const [courseId, lessonId, version, language, ...rest] = name.slice(JOB_NAME_PREFIX.length).split('.');
  if (rest.length > 0 || !isCourseId(courseId) || !isLessonId(lessonId) || !isVersionName(version)) return null;
  if (language !== 'identify' && !TRANSCRIBE_LANGUAGE.test(language ?? '')) return null;
  return { courseId, lessonId, version: version!, language: language! };
}

/** `transcripts/<course>/<lesson>/<version>/`: one folder per published version. */
export function transcriptPrefix(lesson: TranscribeLesson): string {
  return `${TRANSCRIPTS_PREFIX}${lesson.courseId}/${lesson.lessonId}/${lesson.version}/`;
}

export function isMachineGenerated(track: SubtitleTrack): boolean {
  const file = track.uri.split('/').pop() ?? '';
  return file.split('.')[1]?.startsWith(AUTO_REVISION) ?? false;
}

/** `English (auto-generated)`; a name that already ends in parentheses keeps one pair: `English (US, auto-generated)`. */
export function autoTrackName(language: string): string {
  const name = languageName(language);
  return name.endsWith(')') ? `${name.slice(0, -1)}, auto-generated)` : `${name} (auto-generated)`;
}

const primary = (tag: string) => tag.split('-')[0]!.toLowerCase();

/** Pure: the human track that suppresses automatic captions in `language`, if any. */
export function humanTrackFor(tracks: readonly SubtitleTrack[], language: string): SubtitleTrack | undefined {
  return tracks.find((t) => !isMachineGenerated(t) && primary(t.language) === primary(language));
}

export type StartDecision =
  | { readonly start: true; readonly jobName: string; readonly language: AutoCaptionLanguage; readonly sourceKey: string }
  | { readonly start: false; readonly reason: string };

/** Pure: whether a just-published lesson gets a transcription job. */
export function planAutoCaptions(lesson: TranscribeLesson, language: AutoCaptionLanguage, tracks: readonly SubtitleTrack[], sourceKey: string | undefined): StartDecision {
  if (!sourceKey) return { start: false, reason: 'the lesson record names no source upload' };
  if (language !== 'identify') {
    const human = humanTrackFor(tracks, language);
    if (human) return { start: false, reason: `the lesson has human ${human.language} captions` };
  }
  return { start: true, jobName: transcriptionJobName(lesson, language), language, sourceKey };
}

export interface TranscribeStateChange extends TranscribeLesson {
  readonly jobName: string;
  readonly status: string;
  readonly failureReason?: string;
}

/** Pure: an EventBridge event -> one of our jobs' state change, or null. */
export function parseTranscribeStateChange(event: unknown): TranscribeStateChange | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, any>;
  if (e['source'] !== TRANSCRIBE_SOURCE || e['detail-type'] !== TRANSCRIBE_DETAIL_TYPE) return null;
  const d = e['detail'];
  if (typeof d !== 'object' || d === null || typeof d.TranscriptionJobStatus !== 'string') return null;
  const lesson = parseTranscriptionJobName(d.TranscriptionJobName);
  if (!lesson) return null;
  return {
    courseId: lesson.courseId,
    lessonId: lesson.lessonId,
    version: lesson.version,
    jobName: d.TranscriptionJobName,
    status: d.TranscriptionJobStatus,
    ...(typeof d.FailureReason === 'string' ? { failureReason: d.FailureReason } : {}),
  };
}

/**
 * Pure: a subtitle file URI as GetTranscriptionJob gives it -> bucket and key. Transcribe
 * answers https URLs (path-style `https://s3.<region>.amazonaws.com/<bucket>/<key>` or
 * virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com/<key>`); s3:// is read too.
 */
export function parseOutputUri(uri: string): { bucket: string; key: string } | null {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (s3) return { bucket: s3[1]!, key: s3[2]! };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  const path = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const virtual = /^(.+)\.s3[.-]/.exec(url.hostname);
  if (virtual) return path.length > 0 && path.join('/') ? { bucket: virtual[1]!, key: path.join('/') } : null;
  const [bucket, ...key] = path;
  return bucket && key.length > 0 ? { bucket, key: key.join('/') } : null;
}

/** Pure: Transcribe's code (`en-US`) -> the track's canonical tag, or null. */
export function captionLanguageOf(code: string | undefined): string | null {
  return code ? canonicalLanguageTag(code) : null;
}
