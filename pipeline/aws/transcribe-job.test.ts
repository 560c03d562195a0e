import { describe, expect, it } from 'vitest';
import { parseCompletionHandlerConfig, parseTranscribeHandlerConfig } from './config.ts';
import { startTranscriptionInput } from './auto-captions.ts';
import {
  autoTrackName,
  captionLanguageOf,
  humanTrackFor,
  isMachineGenerated,
  parseOutputUri,
  parseTranscribeStateChange,
  parseTranscriptionJobName,
  planAutoCaptions,
  transcriptionJobName,
} from './transcribe-job.ts';

const LESSON = { courseId: 'intro-to-hls', lessonId: 'lesson-1', version: 'v0mwq8z3k0-1a2b' };
const human = (language: string) => ({ language, name: language, uri: `${LESSON.version}/subs/${language}.r0000000001abcd.m3u8` });
const auto = (language: string) => ({ language, name: autoTrackName(language), uri: `${LESSON.version}/subs/${language}.auto-r0000000001abcd.m3u8` });
const event = (detail: Record<string, unknown>) => ({ version: '0', source: 'aws.transcribe', 'detail-type': 'Transcribe Job State Change', detail });

describe('transcription job names', () => {
  it('name the lesson, version and language, and read back to the same lesson', () => {
    const name = transcriptionJobName(LESSON, 'en-US');
    expect(name).toBe('lectern.intro-to-hls.lesson-1.v0mwq8z3k0-1a2b.en-US');
    expect(parseTranscriptionJobName(name)).toEqual({ ...LESSON, language: 'en-US' });
    expect(parseTranscriptionJobName(transcriptionJobName(LESSON, 'identify'))).toMatchObject({ language: 'identify' });
  });

  it('are not ours without the prefix, with a bad id or version, or with extra parts', () => {
    for (const name of ['podcast_2_episode_89', 'lectern.Intro.lesson-1.v0mwq8z3k0-1a2b.en-US', 'lectern.c.l.v1.en-US', 'lectern.c.l.v0mwq8z3k0-1a2b.en-US.x', 'lectern.c.l.v0mwq8z3k0-1a2b.english', 42]) {
      expect(parseTranscriptionJobName(name)).toBeNull();
    }
  });
});

describe('whether a published lesson gets a transcription job', () => {
  it('starts one when no human track has the language', () => {
    expect(planAutoCaptions(LESSON, 'en-US', [human('es')], 'uploads/intro-to-hls/lesson-1/a.mp4')).toEqual({
      start: true, jobName: transcriptionJobName(LESSON, 'en-US'), language: 'en-US', sourceKey: 'uploads/intro-to-hls/lesson-1/a.mp4',
    });
  });

  it('does not when a human track has the same primary language (en covers en-US), saying why', () => {
    expect(planAutoCaptions(LESSON, 'en-US', [human('en')], 'uploads/x/y/a.mp4')).toEqual({ start: false, reason: 'the lesson has human en captions' });
    expect(planAutoCaptions(LESSON, 'pt-BR', [human('pt-PT')], 'uploads/x/y/a.mp4')).toMatchObject({ start: false });
  });

  it('is not stopped by an earlier automatic track, and cannot start without a source', () => {
    expect(planAutoCaptions(LESSON, 'en-US', [auto('en-US')], 'uploads/x/y/a.mp4')).toMatchObject({ start: true });
    expect(planAutoCaptions(LESSON, 'en-US', [], undefined)).toEqual({ start: false, reason: 'the lesson record names no source upload' });
  });

  it('starts with language identification whatever the human tracks (the finish checks the identified language)', () => {
    expect(planAutoCaptions(LESSON, 'identify', [human('en')], 'uploads/x/y/a.mp4')).toMatchObject({ start: true, language: 'identify' });
  });
});

describe('the StartTranscriptionJob request', () => {
  const config = { language: 'en-US', uploadsBucket: 'lectern-uploads-x' };
  it('asks for WebVTT numbered from 1 into the lesson version folder under transcripts/, from the source upload', () => {
    expect(startTranscriptionInput(LESSON, 'job', config, 'lectern-media-x', 'uploads/intro-to-hls/lesson-1/a b.mp4')).toMatchObject({
      TranscriptionJobName: 'job',
      Media: { MediaFileUri: 's3://lectern-uploads-x/uploads/intro-to-hls/lesson-1/a b.mp4' },
      LanguageCode: 'en-US',
      OutputBucketName: 'lectern-media-x',
      OutputKey: 'transcripts/intro-to-hls/lesson-1/v0mwq8z3k0-1a2b/',
      Subtitles: { Formats: ['vtt'], OutputStartIndex: 1 },
    });
  });
  it('uses IdentifyLanguage instead of a LanguageCode with identify', () => {
    const input = startTranscriptionInput(LESSON, 'job', { ...config, language: 'identify' }, 'lectern-media-x', 'uploads/a/b/c.mp4');
    expect(input.IdentifyLanguage).toBe(true);
    expect(input).not.toHaveProperty('LanguageCode');
  });
});

describe('Transcribe Job State Change events', () => {
  const name = transcriptionJobName(LESSON, 'en-US');
  it('parse for our jobs, with the failure reason', () => {
    expect(parseTranscribeStateChange(event({ TranscriptionJobName: name, TranscriptionJobStatus: 'FAILED', FailureReason: 'Unsupported media format' }))).toEqual({
      ...LESSON, jobName: name, status: 'FAILED', failureReason: 'Unsupported media format',
    });
  });
  it("are ignored for other projects' jobs and other sources", () => {
    expect(parseTranscribeStateChange(event({ TranscriptionJobName: 'podcast_2_episode_89', TranscriptionJobStatus: 'COMPLETED' }))).toBeNull();
    expect(parseTranscribeStateChange({ ...event({ TranscriptionJobName: name, TranscriptionJobStatus: 'COMPLETED' }), source: 'aws.mediaconvert' })).toBeNull();
    expect(parseTranscribeStateChange('nope')).toBeNull();
  });
});

describe('tracks and files', () => {
  it('tells machine-generated tracks by their revision mark, and finds only human tracks', () => {
    expect(isMachineGenerated(auto('en-US'))).toBe(true);
    expect(isMachineGenerated(human('en'))).toBe(false);
    expect(humanTrackFor([auto('en-US')], 'en-US')).toBeUndefined();
    expect(humanTrackFor([auto('en-US'), human('en-GB')], 'en-US')).toEqual(human('en-GB'));
  });
  it('names the automatic track so a student can see it is machine-generated', () => {
    expect(autoTrackName('en-US')).toBe('English (US, auto-generated)');
    expect(autoTrackName('de')).toBe('Deutsch (auto-generated)');
    expect(captionLanguageOf('pt-BR')).toBe('pt-BR');
    expect(captionLanguageOf(undefined)).toBeNull();
  });
  it('reads subtitle URIs path-style, virtual-hosted and s3://', () => {
    expect(parseOutputUri('https://s3.us-east-1.amazonaws.com/media-b/transcripts/a/b/v/x.vtt')).toEqual({ bucket: 'media-b', key: 'transcripts/a/b/v/x.vtt' });
    expect(parseOutputUri('https://media-b.s3.us-east-1.amazonaws.com/transcripts/x.vtt')).toEqual({ bucket: 'media-b', key: 'transcripts/x.vtt' });
    expect(parseOutputUri('s3://media-b/t/x.vtt')).toEqual({ bucket: 'media-b', key: 't/x.vtt' });
    expect(parseOutputUri('not a uri')).toBeNull();
  });
});

describe('configs', () => {
  const base = { region: 'us-east-1', lessonsTable: 't', mediaBucket: 'lectern-media-x', keyValueStoreArn: null };
  it('leave automatic captions off by default, and take a language code or identify', () => {
    expect(parseCompletionHandlerConfig(base).autoCaptions).toBeNull();
    expect(parseCompletionHandlerConfig({ ...base, autoCaptions: { language: 'identify', uploadsBucket: 'lectern-uploads-x' } }).autoCaptions).toEqual({ language: 'identify', uploadsBucket: 'lectern-uploads-x' });
  });
  it('refuse a language Transcribe does not name that way, or a bad bucket', () => {
    expect(() => parseCompletionHandlerConfig({ ...base, autoCaptions: { language: 'en', uploadsBucket: 'lectern-uploads-x' } })).toThrow(/Transcribe language code/);
    expect(() => parseCompletionHandlerConfig({ ...base, autoCaptions: { language: 'en-US', uploadsBucket: 'Bad_Bucket' } })).toThrow(/uploadsBucket/);
    expect(() => parseTranscribeHandlerConfig({ region: 'us-east-1', lessonsTable: 't', mediaBucket: 'Bad_Bucket' })).toThrow(/mediaBucket/);
  });
});
