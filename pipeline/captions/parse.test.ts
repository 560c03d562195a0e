import { describe, expect, it } from 'vitest';
import { CaptionError } from './caption-error.ts';
import { parseCaptionBytes } from './load.ts';
import { renderWebVtt } from './render-webvtt.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const vtt = (s: string) => parseCaptionBytes(utf8(s), 'talk.en.vtt');
const srt = (s: string) => parseCaptionBytes(utf8(s), 'talk.es.srt');

function refusal(run: () => unknown): { line: number | undefined; reason: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CaptionError);
    const e = error as CaptionError;
    expect(e.kind).toBe('captions');
    return { line: e.line, reason: e.reason, message: e.message };
  }
  throw new Error('expected a CaptionError');
}

const GOOD_VTT = `WEBVTT

STYLE
::cue { color: yellow }

NOTE a comment for the editor

intro
00:00.500 --> 00:02.000 line:90% align:start
Hello <i>there</i>
second line

00:00:02.000 --> 00:00:04.250
&lt;b&gt; is literal
`;

describe('WebVTT', () => {
  it('keeps ids, settings, text and STYLE blocks, and says what it left out', () => {
    const track = vtt(GOOD_VTT);
    expect(track.cues).toEqual([
      { id: 'intro', startMs: 500, endMs: 2000, settings: 'line:90% align:start', text: 'Hello <i>there</i>\nsecond line', line: 9 },
      { startMs: 2000, endMs: 4250, settings: '', text: '&lt;b&gt; is literal', line: 13 },
    ]);
    expect(track.blocks).toEqual(['STYLE\n::cue { color: yellow }']);
    expect(track.warnings).toEqual([{ line: 1, message: '1 NOTE comment block(s) left out' }]);
    expect(renderWebVtt(track.cues, { blocks: track.blocks })).toBe(
      'WEBVTT\n\nSTYLE\n::cue { color: yellow }\n\nintro\n00:00:00.500 --> 00:00:02.000 line:90% align:start\nHello <i>there</i>\nsecond line\n\n00:00:02.000 --> 00:00:04.250\n&lt;b&gt; is literal\n',
    );
  });

  it('reads CRLF, a UTF-8 BOM and UTF-16 with a BOM', () => {
    const crlf = GOOD_VTT.replace(/\n/g, '\r\n');
    expect(vtt(crlf).cues).toHaveLength(2);
    expect(parseCaptionBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(GOOD_VTT)]), 'a.vtt').cues).toHaveLength(2);
    const le = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Uint16Array.from([...'WEBVTT\n\n00:01.000 --> 00:02.000\nÉcole'].map((c) => c.charCodeAt(0))).buffer)]);
    expect(parseCaptionBytes(le, 'a.vtt').cues[0]?.text).toBe('École');
  });

  it.each([
    ['an empty file', '', 1, /empty/],
    ['only blank lines', '\n\n  \n', 1, /empty/],
    ['no WEBVTT header', '00:01.000 --> 00:02.000\nhi\n', 1, /WEBVTT header/],
    ['a header and no cues', 'WEBVTT\n\n', 3, /no cues/],
    ['a bad start timestamp', 'WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n1:2.5 --> 00:03.000\nbad\n', 6, /bad start timestamp "1:2.5"/],
    ['a bad end timestamp', 'WEBVTT\n\n00:01.000 --> 00:02,000\nbad\n', 3, /bad end timestamp "00:02,000"/],
    ['minutes over 59', 'WEBVTT\n\n00:61.000 --> 01:02.000\nbad\n', 3, /bad start timestamp/],
    ['an end before the start', 'WEBVTT\n\n00:05.000 --> 00:04.000\nbad\n', 3, /ends \(00:04.000\) at or before it starts \(00:05.000\)/],
    ['an end equal to the start', 'WEBVTT\n\n00:05.000 --> 00:05.000\nbad\n', 3, /at or before/],
    ['a garbage line', 'WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\nthis is not a cue\n', 6, /not a cue/],
    ['an id without timing', 'WEBVTT\n\nid\nstill not timing\n', 3, /not a cue/],
    ['a missing blank line between cues', 'WEBVTT\n\n00:01.000 --> 00:02.000\nok\n00:02.000 --> 00:03.000\n', 5, /put a blank line/],
    ['cues out of order', 'WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n', 6, /before the cue at line 3/],
    ['a STYLE block after a cue', 'WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nSTYLE\n::cue {}\n', 6, /STYLE block after the first cue/],
    ['a malformed timing line', 'WEBVTT\n\n00:01.000 -->\na\n', 3, /bad cue timing line/],
  ])('refuses %s, naming the line', (_name, text, line, reason) => {
    const r = refusal(() => vtt(text));
    expect(r.line).toBe(line);
    expect(r.reason).toMatch(reason);
    expect(r.message.startsWith(`talk.en.vtt:${line}: `)).toBe(true);
  });

  it('refuses bytes that are not UTF-8 with the line of the first bad byte', () => {
    const latin1 = new Uint8Array([...utf8('WEBVTT\n\n00:01.000 --> 00:02.000\n'), 0x45, 0x63, 0x6f, 0x6c, 0xe9, 0x0a]);
    const r = refusal(() => parseCaptionBytes(latin1, 'a.vtt'));
    expect(r.line).toBe(4);
    expect(r.reason).toMatch(/not UTF-8/);
  });

  it('refuses an unknown extension', () => {
    expect(refusal(() => parseCaptionBytes(utf8('WEBVTT'), 'a.txt')).reason).toMatch(/\.vtt.*\.srt/);
  });
});

describe('SRT -> WebVTT', () => {
  it('drops index lines, reads comma timestamps, escapes what WebVTT would swallow, keeps tags', () => {
    const track = srt('1\n00:00:01,000 --> 00:00:02,500\n<i>Hola</i> & a < b\n\n2\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9\nAdiós\n');
    expect(track.cues).toEqual([
      { startMs: 1000, endMs: 2500, settings: '', text: '<i>Hola</i> &amp; a &lt; b', line: 2 },
      { startMs: 3000, endMs: 4000, settings: '', text: 'Adiós', line: 6 },
    ]);
    expect(track.warnings).toEqual([{ line: 6, message: 'SRT position "X1:10 X2:20 Y1:5 Y2:9" left out (WebVTT has no equivalent)' }]);
    expect(renderWebVtt(track.cues)).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<i>Hola</i> &amp; a &lt; b\n\n00:00:03.000 --> 00:00:04.000\nAdiós\n');
  });

  it('accepts a missing index, a dot separator, CRLF and a BOM', () => {
    const text = '\uFEFF00:00:01.000 --> 00:00:02.000\r\nuno\r\n\r\n7\r\n00:00:02,000 --> 00:00:03,000\r\ndos\r\n';
    expect(parseCaptionBytes(utf8(text), 'a.srt').cues.map((c) => [c.startMs, c.text])).toEqual([[1000, 'uno'], [2000, 'dos']]);
  });

  it.each([
    ['an empty file', '', 1, /empty/],
    ['a WebVTT file named .srt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nx\n', 1, /name it \.vtt/],
    ['an index without timing', '1\nhello\n', 2, /not followed by a timing line/],
    ['a garbage line', '1\n00:00:01,000 --> 00:00:02,000\nok\n\ngarbage here\n', 5, /not a cue/],
    ['a bad timestamp', '1\n00:00:01:000 --> 00:00:02,000\nx\n', 2, /bad start timestamp "00:00:01:000"/],
    ['an end before the start', '1\n00:00:03,000 --> 00:00:02,000\nx\n', 2, /at or before/],
  ])('refuses %s, naming the line', (_name, text, line, reason) => {
    const r = refusal(() => srt(text));
    expect(r.line).toBe(line);
    expect(r.reason).toMatch(reason);
  });
});
