import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '../hls/index.ts';
import { CaptionError } from './caption-error.ts';
import type { CaptionTrack } from './cues.ts';
import { checkAgainstDuration } from './duration-check.ts';
import { canonicalLanguageTag, languageName, requireLanguageTag, requireOneFilePerLanguage } from './language.ts';
import { parseCaptionBytes, parseCaptionSpec } from './load.ts';
import { segmentTrack } from './segment.ts';
import { findSidecars } from './sidecars.ts';
import { firstDecodeSeconds, mpegTsFor, timestampMapLine } from './timestamp-map.ts';

const track = (text: string): CaptionTrack => parseCaptionBytes(new TextEncoder().encode(text), 'talk.en.vtt');

const FOUR = track(`WEBVTT

STYLE
::cue { color: yellow }

a
00:00.500 --> 00:01.500
in the first segment

00:03.000 --> 00:05.000
across the first boundary

00:04.000 --> 00:06.000
second segment

00:09.990 --> 00:10.000
in the last frame
`);

describe('segmentTrack', () => {
  const video = { targetDuration: 4, segments: [{ duration: 4 }, { duration: 4 }, { duration: 1.9 }] };
  const r = segmentTrack(FOUR, video, { prefix: 'en.r1', mpegTs: 0 });

  it('cuts on the video segment boundaries, with the same durations and target duration', () => {
    const playlist = parseMediaPlaylist(r.playlist);
    expect(playlist.targetDuration).toBe(4);
    expect(playlist.segments).toEqual([
      { uri: 'en.r1.00000.vtt', duration: 4 },
      { uri: 'en.r1.00001.vtt', duration: 4 },
      { uri: 'en.r1.00002.vtt', duration: 1.9 },
    ]);
  });

  it('puts each cue in every segment it overlaps, unshifted, with the timestamp map and STYLE in each header', () => {
    const [s0, s1, s2] = r.segments.map((s) => s.text);
    expect(s0).toBe(
      'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\nSTYLE\n::cue { color: yellow }\n\n' +
        'a\n00:00:00.500 --> 00:00:01.500\nin the first segment\n\n00:00:03.000 --> 00:00:05.000\nacross the first boundary\n',
    );
    expect(s1).toContain('00:00:03.000 --> 00:00:05.000\nacross the first boundary');
    expect(s1).toContain('00:00:04.000 --> 00:00:06.000\nsecond segment');
    expect(s1).not.toContain('in the first segment');
    // The last segment is open-ended: a cue in the final frame of the probed duration is kept.
    expect(s2).toContain('00:00:09.990 --> 00:00:10.000\nin the last frame');
    expect(r.segments.map((s) => s.cues)).toEqual([2, 2, 1]);
  });

  it('writes a header-only segment where no cue falls', () => {
    const sparse = segmentTrack(track('WEBVTT\n\n00:09.000 --> 00:09.500\nlate\n'), video, { prefix: 'x', mpegTs: 900 });
    expect(sparse.segments[0]?.text).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900,LOCAL:00:00:00.000\n');
  });
});

describe('checkAgainstDuration', () => {
  it('clips a cue that ends past the lesson, and says so', () => {
    const checked = checkAgainstDuration(track('WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:05.000 --> 00:07.000\nlong\n'), 6);
    expect(checked.cues.map((c) => [c.startMs, c.endMs])).toEqual([[1000, 2000], [5000, 6000]]);
    expect(checked.warnings).toEqual([{ line: 6, message: "cue ends at 00:00:07.000, past the lesson's end: clipped to 00:00:06.000" }]);
  });

  it('refuses a cue that starts at or after the end, naming its line', () => {
    for (const start of ['00:06.000', '00:06.500']) {
      const t = track(`WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n${start} --> 00:08.000\nlate\n`);
      const e = (() => {
        try {
          checkAgainstDuration(t, 6);
        } catch (error) {
          return error as CaptionError;
        }
        throw new Error('expected a refusal');
      })();
      expect(e).toBeInstanceOf(CaptionError);
      expect(e.line).toBe(6);
      expect(e.message).toMatch(/^talk\.en\.vtt:6: the cue starts at 00:00:06\.\d{3}, after the lesson ends \(00:00:06\.000\)/);
    }
  });
});

describe('languages', () => {
  it.each([
    ['en', 'en'],
    ['ES', 'es'],
    ['pt-br', 'pt-BR'],
    ['zh-hant', 'zh-Hant'],
    ['es-419', 'es-419'],
    ['sr-Latn-RS', 'sr-Latn-RS'],
    ['de-CH-1996', 'de-CH-1996'],
  ])('%s is a BCP 47 tag, canonically %s', (tag, canonical) => {
    expect(canonicalLanguageTag(tag)).toBe(canonical);
  });

  it.each(['', 'english', 'e', 'en_US', 'en-', 'en--US', 'pt-BR-', '../en', 'en US', 'x-klingon', 'en-a-foo'])('%j is refused', (tag) => {
    expect(canonicalLanguageTag(tag)).toBeNull();
    expect(() => requireLanguageTag(tag, 'f.vtt')).toThrow(/not a BCP 47 language tag/);
  });

  it('names languages in their own language, the tag where the table has none', () => {
    expect(languageName('en')).toBe('English');
    expect(languageName('es')).toBe('Español');
    expect(languageName('pt-BR')).toBe('Português (Brasil)');
    expect(languageName('sw')).toBe('sw');
  });

  it('allows one file per language', () => {
    expect(() => requireOneFilePerLanguage([{ language: 'en', file: 'a.vtt' }, { language: 'en', file: 'b.srt' }])).toThrow(/second caption file for en \(the first is a\.vtt\)/);
    expect(() => requireOneFilePerLanguage([{ language: 'en', file: 'a.vtt' }, { language: 'es', file: 'b.srt' }])).not.toThrow();
  });

  it('reads <lang>=<file> specs', () => {
    expect(parseCaptionSpec('en=a=b.vtt')).toEqual({ language: 'en', path: 'a=b.vtt' });
    expect(() => parseCaptionSpec('a.vtt')).toThrow(/<language>=<file>/);
    expect(() => parseCaptionSpec('en=')).toThrow(/<language>=<file>/);
  });
});

describe('findSidecars', () => {
  const files = ['01 Intro.mp4', '01 Intro.en.vtt', '01 Intro.PT-br.srt', '01 Intro.part2.mp4', '01 Intro.part2.es.vtt', 'notes.vtt', '01 Intro.vtt'];

  it('finds <name>.<lang>.vtt|srt for its own source only, tags canonical', () => {
    expect(findSidecars('/c', '01 Intro.mp4', files)).toEqual({
      sources: [{ language: 'en', path: '/c/01 Intro.en.vtt' }, { language: 'pt-BR', path: '/c/01 Intro.PT-br.srt' }],
      problems: [],
    });
    expect(findSidecars('/c', '01 Intro.part2.mp4', files).sources).toEqual([{ language: 'es', path: '/c/01 Intro.part2.es.vtt' }]);
  });

  it('reports a sidecar with no language tag, and two for one language', () => {
    expect(findSidecars('/c', 'a.mp4', ['a.mp4', 'a.english.vtt']).problems).toEqual([
      'caption file a.english.vtt: "english" is not a language tag (name it a.<lang>.vtt, e.g. a.en.vtt)',
    ]);
    expect(findSidecars('/c', 'a.mp4', ['a.en.srt', 'a.en.vtt']).problems).toEqual(['caption files a.en.srt and a.en.vtt are both en: keep one']);
  });
});

// ---- timestamp map: boxes built by hand, as ffmpeg's fMP4 muxer lays them out ----

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  let at = 8;
  for (const p of payload) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v));
  return out;
}
const trak = (id: number, timescale: number) =>
  box('trak', box('tkhd', words(0, 0, 0, id, 0)), box('mdia', box('mdhd', words(0, 0, 0, timescale, 0))));
const traf = (id: number, tfdt: Uint8Array) => box('traf', box('tfhd', words(0, id)), box('tfdt', tfdt));

describe('timestamp map', () => {
  const init = box('moov', trak(1, 15360), trak(2, 48000));

  it('is the earliest track decode time of the first fragment on the 90 kHz clock', () => {
    expect(firstDecodeSeconds(init, box('moof', traf(1, words(0, 0)), traf(2, words(0, 0))))).toBe(0);
    const v1 = (hi: number, lo: number) => words(0x01000000, hi, lo);
    const seconds = firstDecodeSeconds(init, box('moof', traf(1, v1(0, 15360 * 10)), traf(2, v1(0, 48000 * 9.5))));
    expect(seconds).toBe(9.5);
    expect(mpegTsFor(seconds!)).toBe(855_000);
    expect(timestampMapLine(855_000)).toBe('X-TIMESTAMP-MAP=MPEGTS:855000,LOCAL:00:00:00.000');
    expect(mpegTsFor(2 ** 33 / 90_000 + 1)).toBe(90_000);
  });

  it('is null for a segment with no fragment it can time', () => {
    expect(firstDecodeSeconds(init, box('mdat'))).toBeNull();
    expect(firstDecodeSeconds(init, box('moof', traf(9, words(0, 0))))).toBeNull();
  });
});
