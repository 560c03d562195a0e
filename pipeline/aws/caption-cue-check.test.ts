import { describe, expect, it } from 'vitest';
import { checkLatestCues, LATEST_CUES_KEY, latestCuesMetadata, parseLatestCues } from './caption-cue-check.ts';

const sidecar = (file: string, latestCue?: { line: number; startMs: number }) => ({ language: 'en', name: 'English', sourceFile: `s3://up/uploads/c/l/${file}`, ...(latestCue && { latestCue }) });

describe('the caption duration check across the upload trigger and the completion handler', () => {
  it('carries each file and its latest cue through the job metadata', () => {
    const meta = latestCuesMetadata([sidecar('talk.en.vtt', { line: 12, startMs: 5_230 }), sidecar('talk.es.srt', { line: 40, startMs: 5_100 })]);
    expect(Object.keys(meta)).toEqual([LATEST_CUES_KEY]);
    expect(parseLatestCues(meta[LATEST_CUES_KEY])).toEqual([
      { file: 'talk.en.vtt', line: 12, startMs: 5_230 },
      { file: 'talk.es.srt', line: 40, startMs: 5_100 },
    ]);
  });

  it('adds nothing for a job without captions, and reads garbage or an older job as no cues', () => {
    expect(latestCuesMetadata([])).toEqual({});
    expect(latestCuesMetadata([sidecar('empty.en.vtt')])).toEqual({});
    expect(parseLatestCues(undefined)).toEqual([]);
    expect(parseLatestCues('not json')).toEqual([]);
    expect(parseLatestCues('[["a.vtt","3",1]]')).toEqual([]);
  });

  it("refuses a cue that starts at or after the end with the local encode's message, and lets one that starts before it pass", () => {
    expect(() => checkLatestCues([{ file: 'talk.en.vtt', line: 12, startMs: 5_990 }], 6)).not.toThrow();
    expect(() => checkLatestCues([{ file: 'talk.en.vtt', line: 12, startMs: 6_000 }], 6)).toThrow(
      'talk.en.vtt:12: the cue starts at 00:00:06.000, after the lesson ends (00:00:06.000): are these the captions of another video?',
    );
  });
});
