import { describe, expect, it } from 'vitest';
import { parseTimestamp, parseVtt, thumbnailIndex, vttThumbnails } from './vtt.ts';

const THUMBS = `WEBVTT

00:00:00.000 --> 00:00:01.000
thumbs-000.jpg#xywh=0,0,160,90

00:00:01.000 --> 00:00:02.000
thumbs-000.jpg#xywh=160,0,160,90

00:00:02.000 --> 00:00:02.500
thumbs-001.jpg#xywh=0,0,160,90
`;

describe('WebVTT', () => {
  it('reads timestamps with and without hours', () => {
    expect(parseTimestamp('01:02:03.500')).toBe(3723.5);
    expect(parseTimestamp('02:03,250')).toBe(123.25);
  });

  it('reads cues (with identifiers and multi-line text)', () => {
    expect(parseVtt('WEBVTT\n\nintro\n00:01.000 --> 00:02.000 align:start\nHello\nworld\n')).toEqual([{ start: 1, end: 2, text: 'Hello\nworld' }]);
    expect(() => parseVtt('nope')).toThrow();
  });

  it('maps a time to its sprite cell, relative to the VTT URL', () => {
    const at = thumbnailIndex(vttThumbnails(THUMBS, 'https://cdn/courses/c/l/v1/thumbs.vtt'));
    expect(at(0.5)).toEqual({ url: 'https://cdn/courses/c/l/v1/thumbs-000.jpg', x: 0, y: 0, width: 160, height: 90 });
    expect(at(1)?.x).toBe(160);
    expect(at(2.2)?.url).toMatch(/thumbs-001/);
    expect(at(99)?.url).toMatch(/thumbs-001/);
  });
});
