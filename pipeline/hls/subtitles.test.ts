import { M3U8Parser } from 'hls.js';
import { describe, expect, it } from 'vitest';
import { parseMaster, parseMediaPlaylist, PlaylistError, renderSubtitlePlaylist, subtitleTracksOf, withSubtitles } from './index.ts';

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.42c015,mp4a.40.2"
v000000001-abcd/240p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=256x144,CODECS="avc1.42c00d,mp4a.40.2"
v000000001-abcd/144p/index.m3u8
`;

const en = { language: 'en', name: 'English', uri: 'v000000001-abcd/subs/en.r1.m3u8' };
const es = { language: 'es', name: 'Español', uri: 'v000000001-abcd/subs/es.r1.m3u8' };

describe('withSubtitles', () => {
  it('adds one EXT-X-MEDIA per track before the variants and SUBTITLES="subs" on every variant', () => {
    const text = withSubtitles(MASTER, [en, es]);
    expect(text).toContain(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,URI="v000000001-abcd/subs/en.r1.m3u8"',
    );
    expect(text.match(/SUBTITLES="subs"/g)).toHaveLength(2);
    expect(text.indexOf('#EXT-X-MEDIA')).toBeLessThan(text.indexOf('#EXT-X-STREAM-INF'));
    const player = parseMaster(text, 'https://cdn.test/courses/demo/l/master.m3u8');
    expect(player.subtitles.map((s) => [s.language, s.name, s.isDefault])).toEqual([['en', 'English', false], ['es', 'Español', false]]);
    expect(player.variants.every((v) => v.subtitles === 'subs')).toBe(true);
    const hls = M3U8Parser.parseMasterPlaylist(text, 'https://cdn.test/courses/demo/l/master.m3u8');
    expect(hls.playlistParsingError).toBeNull();
    expect(M3U8Parser.parseMasterPlaylistMedia(text, 'https://cdn.test/courses/demo/l/master.m3u8', hls).SUBTITLES?.map((t) => t.lang)).toEqual(['en', 'es']);
  });

  it('replaces the group as a whole, and removes it (and every SUBTITLES attribute) for no tracks', () => {
    const both = withSubtitles(MASTER, [en, es]);
    expect(subtitleTracksOf(withSubtitles(both, [es]))).toEqual([es]);
    expect(withSubtitles(both, [])).toBe(MASTER);
    expect(subtitleTracksOf(both)).toEqual([en, es]);
  });

  it('refuses what it cannot write', () => {
    expect(() => withSubtitles(MASTER, [en, en])).toThrow(PlaylistError);
    expect(() => withSubtitles(MASTER, [{ ...en, name: 'a "quoted" name' }])).toThrow(/quoted-string/);
    expect(() => withSubtitles(MASTER, [{ ...en, uri: '../x.m3u8' }])).toThrow(/unsafe/);
    expect(() => withSubtitles('#EXTM3U\n', [en])).toThrow(/no variants/);
  });
});

describe('renderSubtitlePlaylist', () => {
  it('writes a VOD playlist the strict reader and hls.js read back', () => {
    const text = renderSubtitlePlaylist([{ uri: 'en.r1.00000.vtt', duration: 4 }, { uri: 'en.r1.00001.vtt', duration: 2 }], 4);
    const parsed = parseMediaPlaylist(text);
    expect(parsed).toMatchObject({ targetDuration: 4, endList: true, playlistType: 'VOD', mapUri: null });
    expect(parsed.segments).toEqual([{ uri: 'en.r1.00000.vtt', duration: 4 }, { uri: 'en.r1.00001.vtt', duration: 2 }]);
  });
});
