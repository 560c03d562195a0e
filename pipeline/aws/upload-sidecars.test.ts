/** Which uploads are caption files, whose they are, and what a late one stands for (pure). */
import { describe, expect, it } from 'vitest';
import { isSidecarOf, parseCaptionKey, sourceForCaptions } from './upload-sidecars.ts';

describe('caption files in the upload prefix', () => {
  it('are .vtt or .srt files directly in a lesson folder with valid ids', () => {
    expect(parseCaptionKey('uploads/intro-to-hls/lesson-1/01 Intro.en.vtt')).toEqual({ courseId: 'intro-to-hls', lessonId: 'lesson-1', fileName: '01 Intro.en.vtt' });
    expect(parseCaptionKey('uploads/intro-to-hls/lesson-1/talk.pt-BR.SRT')).toMatchObject({ fileName: 'talk.pt-BR.SRT' });
    for (const key of ['uploads/intro-to-hls/lesson-1/talk.mp4', 'uploads/intro-to-hls/lesson-1/notes.txt', 'uploads/Bad_Course/l1/a.en.vtt', 'uploads/c/l/deeper/a.en.vtt', 'uploads/c/l/.en.vtt', 'media/c/l/a.en.vtt']) {
      expect(parseCaptionKey(key), key).toBeNull();
    }
  });

  it("belong to the video whose name they start with, the part before the extension being the language (well named or not)", () => {
    expect(isSidecarOf('uploads/c/l/01 Intro.mp4', '01 Intro.en.vtt')).toBe(true);
    expect(isSidecarOf('uploads/c/l/01 Intro.mp4', '01 Intro.english.vtt')).toBe(true);
    expect(isSidecarOf('uploads/c/l/intro.mp4', 'intro.part2.en.vtt')).toBe(false);
    expect(isSidecarOf('uploads/c/l/intro.mp4', 'outro.en.vtt')).toBe(false);
  });
});

describe('a caption file that arrives on its own', () => {
  it("stands for its video's upload once the lesson names that video", () => {
    expect(sourceForCaptions('uploads/c/l/talk.es.srt', { sourceKey: 'uploads/c/l/talk.mp4', status: 'published' })).toEqual({ sourceKey: 'uploads/c/l/talk.mp4' });
  });

  it('does nothing, saying why, before the video is there or when it belongs to another video', () => {
    expect(sourceForCaptions('uploads/c/l/talk.es.srt', null)).toEqual({ skip: expect.stringMatching(/no video for talk\.es\.srt in the lesson yet/) });
    expect(sourceForCaptions('uploads/c/l/talk.es.srt', { status: 'pending' })).toEqual({ skip: expect.stringMatching(/no video/) });
    expect(sourceForCaptions('uploads/c/l/old.es.srt', { sourceKey: 'uploads/c/l/talk.mp4' })).toEqual({ skip: expect.stringMatching(/not a caption file of the lesson's video talk\.mp4/) });
  });
});
