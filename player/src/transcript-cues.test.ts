import { describe, expect, it } from 'vitest';
import { activeCueIndex, mergeCues } from './transcript-cues.ts';
import { parseVtt } from './vtt.ts';

const segment0 = parseVtt('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:00.500 --> 00:00:02.000\nHello.\n\n00:00:03.000 --> 00:00:05.000\nAcross the boundary.\n');
const segment1 = parseVtt('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:03.000 --> 00:00:05.000\nAcross the boundary.\n\n00:00:06.000 --> 00:00:07.500\nGoodbye.\n');

describe('transcript cues', () => {
  it('keeps one copy of a cue written into every segment it spans, in time order', () => {
    const cues = mergeCues([segment1, segment0]);
    expect(cues.map((c) => c.text)).toEqual(['Hello.', 'Across the boundary.', 'Goodbye.']);
  });

  it('keeps cues with the same text at different times', () => {
    const again = parseVtt('WEBVTT\n\n00:00:08.000 --> 00:00:09.000\nHello.\n');
    expect(mergeCues([segment0, again]).filter((c) => c.text === 'Hello.')).toHaveLength(2);
  });

  it('finds the cue on screen, and none before the first, between cues or after the last', () => {
    const cues = mergeCues([segment0, segment1]);
    expect(activeCueIndex(cues, 0.2)).toBe(-1);
    expect(activeCueIndex(cues, 0.5)).toBe(0);
    expect(activeCueIndex(cues, 1.99)).toBe(0);
    expect(activeCueIndex(cues, 2.5)).toBe(-1);
    expect(activeCueIndex(cues, 4)).toBe(1);
    expect(activeCueIndex(cues, 7.4)).toBe(2);
    expect(activeCueIndex(cues, 7.5)).toBe(-1);
    expect(activeCueIndex([], 1)).toBe(-1);
  });

  it('prefers the later of two overlapping cues, and still finds a long cue under a short one', () => {
    const cues = mergeCues([parseVtt('WEBVTT\n\n00:00:00.000 --> 00:00:10.000\nLong.\n\n00:00:02.000 --> 00:00:03.000\nShort.\n')]);
    expect(cues[activeCueIndex(cues, 2.5)]?.text).toBe('Short.');
    expect(cues[activeCueIndex(cues, 5)]?.text).toBe('Long.');
  });
});
