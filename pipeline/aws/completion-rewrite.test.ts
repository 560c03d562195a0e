/** The completion handler's master rewrite (pure), on the documented MediaConvert output. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rewriteMasterPlaylist as viaHandler } from './completion-handler.ts';
import { PublishError, rewriteMasterPlaylist } from './completion-rewrite.ts';

const MASTER = readFileSync(new URL('./fixtures/mediaconvert-master.m3u8', import.meta.url), 'utf8');

describe('completion handler: master rewrite', () => {
  it('rewrites the MediaConvert playlist for the lesson folder, start variant first', () => {
    const out = rewriteMasterPlaylist(MASTER, 'v0mwq8z3k0-1a2b');
    const lines = out.text.trim().split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    expect(out.text).toContain('URI="v0mwq8z3k0-1a2b/index_audio.m3u8"');
    const uris = lines.filter((l) => !l.startsWith('#'));
    expect(uris).toEqual(['v0mwq8z3k0-1a2b/index_video_2.m3u8', 'v0mwq8z3k0-1a2b/index_video_1.m3u8', 'v0mwq8z3k0-1a2b/index_video_3.m3u8']);
    expect(out.renditions.map((r) => r.name)).toEqual(['720p', '480p', '360p']);
    expect(out.thumbnails).toBe('v0mwq8z3k0-1a2b/index_video_1_thumb.m3u8');
    expect(out.playlists).toHaveLength(5);
  });

  it("names MediaConvert's poster and image-stream thumbnails in the master, where the player reads them", () => {
    const out = rewriteMasterPlaylist(MASTER, 'v0mwq8z3k0-1a2b', 'poster.0000001.jpg');
    expect(out.text).toContain('#EXT-X-SESSION-DATA:DATA-ID="com.lectern.poster",VALUE="v0mwq8z3k0-1a2b/poster.0000001.jpg"');
    expect(out.text).toContain('#EXT-X-SESSION-DATA:DATA-ID="com.lectern.thumbnails",VALUE="v0mwq8z3k0-1a2b/index_video_1_thumb.m3u8"');
    expect(() => rewriteMasterPlaylist(MASTER, 'v0mwq8z3k0-1a2b', '../x.jpg')).toThrow(/unsafe URI/);
  });

  it('refuses a playlist that names anything outside its folder', () => {
    expect(() => rewriteMasterPlaylist(MASTER.replace('index_video_1.m3u8', '../../other/index.m3u8'), 'v0mwq8z3k0-1a2b')).toThrow(/unsafe URI/);
    expect(() => rewriteMasterPlaylist(MASTER.replace('index_video_1.m3u8', 'https://evil.example/x.m3u8'), 'v0mwq8z3k0-1a2b')).toThrow(/unsafe URI/);
  });

  it('puts the lowest rendition first when none is 480p or below, like the local master', () => {
    const big = MASTER.replace('RESOLUTION=854x480', 'RESOLUTION=1024x576').replace('RESOLUTION=640x360', 'RESOLUTION=960x540');
    const uris = rewriteMasterPlaylist(big, 'v0mwq8z3k0-1a2b').text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(uris).toEqual(['v0mwq8z3k0-1a2b/index_video_3.m3u8', 'v0mwq8z3k0-1a2b/index_video_1.m3u8', 'v0mwq8z3k0-1a2b/index_video_2.m3u8']);
  });

  it('refuses what is not a well-formed master, as a publish failure', () => {
    expect(() => rewriteMasterPlaylist('<html>', 'v0mwq8z3k0-1a2b')).toThrow(PublishError);
    expect(() => rewriteMasterPlaylist('<html>', 'v0mwq8z3k0-1a2b')).toThrow(/EXTM3U/);
    expect(() => rewriteMasterPlaylist('#EXTM3U\n#EXT-X-VERSION:4\n', 'v0mwq8z3k0-1a2b')).toThrow(/no variants/);
    expect(() => rewriteMasterPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-FOO\na.m3u8\n', 'v0mwq8z3k0-1a2b')).toThrow(PublishError);
    expect(() => rewriteMasterPlaylist('#EXTM3U\nstray.m3u8\n', 'v0mwq8z3k0-1a2b')).toThrow(/URI line without EXT-X-STREAM-INF/);
  });

  // Subtitle entries as the MediaConvert stand-in writes them (the first track DEFAULT=YES, as AWS documents).
  const CAPTIONED = MASTER.replace(
    '#EXT-X-STREAM-INF',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="captions",NAME="English",LANGUAGE="en",AUTOSELECT=YES,DEFAULT=YES,FORCED=NO,URI="index_captions_en.m3u8"\n' +
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="captions",NAME="Español",LANGUAGE="es",DEFAULT=NO,FORCED=NO,URI="index_captions_es.m3u8"\n#EXT-X-STREAM-INF',
  ).replace(/AUDIO="audio"/g, 'AUDIO="audio",SUBTITLES="captions"');

  it("rewrites MediaConvert's subtitle renditions to the local publisher's: group subs, none on by default, every variant naming it", () => {
    const out = rewriteMasterPlaylist(CAPTIONED, 'v0mwq8z3k0-1a2b');
    const media = out.text.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=SUBTITLES'));
    expect(media).toEqual([
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,URI="v0mwq8z3k0-1a2b/index_captions_en.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="es",NAME="Español",DEFAULT=NO,AUTOSELECT=YES,URI="v0mwq8z3k0-1a2b/index_captions_es.m3u8"',
    ]);
    const variants = out.text.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF'));
    expect(variants).toHaveLength(3);
    expect(variants.every((l) => l.endsWith(',SUBTITLES="subs"') && !l.includes('captions'))).toBe(true);
    expect(out.subtitles.map((t) => t.language)).toEqual(['en', 'es']);
    // Checked to exist like every other playlist the master names.
    expect(out.playlists).toEqual(expect.arrayContaining(['v0mwq8z3k0-1a2b/index_captions_en.m3u8', 'v0mwq8z3k0-1a2b/index_captions_es.m3u8']));
    expect(out.playlists).toHaveLength(7);
  });

  it('takes the language from the caption output name when the entry has no LANGUAGE', () => {
    const out = rewriteMasterPlaylist(CAPTIONED.replace(',LANGUAGE="es"', '').replace('index_captions_es', 'index_captions_pt-br'), 'v0mwq8z3k0-1a2b');
    expect(out.subtitles.map((t) => [t.language, t.name])).toEqual([['en', 'English'], ['pt-BR', 'Español']]);
  });

  it('refuses subtitle renditions with an unsafe URI, no language tag, or two for one language', () => {
    expect(() => rewriteMasterPlaylist(CAPTIONED.replace('index_captions_en.m3u8', '../en.m3u8'), 'v0mwq8z3k0-1a2b')).toThrow(/unsafe URI/);
    expect(() => rewriteMasterPlaylist(CAPTIONED.replace('LANGUAGE="es"', 'LANGUAGE="Spanish!"').replace('index_captions_es', 'other'), 'v0mwq8z3k0-1a2b')).toThrow(/without a URI or a BCP 47 LANGUAGE/);
    expect(() => rewriteMasterPlaylist(CAPTIONED.replace('LANGUAGE="es"', 'LANGUAGE="en"'), 'v0mwq8z3k0-1a2b')).toThrow(PublishError);
  });

  it('is what the handler module exports', () => {
    expect(viaHandler).toBe(rewriteMasterPlaylist);
  });
});
