import { describe, expect, it } from 'vitest';
import { parseAttributes, parseMaster, parseMedia, PlaylistError, segmentAt, versionFolder } from './m3u8.ts';

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,URI="v1/subs/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=492734,AVERAGE-BANDWIDTH=470571,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.4d401e,mp4a.40.2",SUBTITLES="subs"
v1/360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1691024,RESOLUTION=960x540,CODECS="avc1.64001f,mp4a.40.2"
v1/540p/index.m3u8
`;

const MEDIA = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_1.mp4"
#EXTINF:4.000000,
seg-00000.m4s
#EXTINF:4.000000,
seg-00001.m4s
#EXTINF:2.5,
seg-00002.m4s
#EXT-X-ENDLIST
`;

const base = 'https://cdn.example/courses/c/l/master.m3u8';

describe('playlist parsing', () => {
  it('reads quoted attributes with commas inside', () => {
    const a = parseAttributes('BANDWIDTH=1,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1x2');
    expect(a.get('CODECS')).toBe('avc1.64001f,mp4a.40.2');
    expect(a.get('RESOLUTION')).toBe('1x2');
  });

  it('lists variants in playlist order with absolute URLs, and the subtitle renditions', () => {
    const m = parseMaster(MASTER, base);
    expect(m.variants.map((v) => [v.url, v.bandwidth, v.height])).toEqual([
      ['https://cdn.example/courses/c/l/v1/360p/index.m3u8', 492734, 360],
      ['https://cdn.example/courses/c/l/v1/540p/index.m3u8', 1691024, 540],
    ]);
    expect(m.subtitles).toEqual([{ url: 'https://cdn.example/courses/c/l/v1/subs/en.m3u8', groupId: 'subs', name: 'English', language: 'en', isDefault: true }]);
  });

  it('treats a media playlist given as the source as its own single variant', () => {
    expect(parseMaster(MEDIA, base).variants).toEqual([{ url: base, bandwidth: 0 }]);
  });

  it('refuses what is not a playlist', () => {
    expect(() => parseMaster('<html>', base)).toThrow(PlaylistError);
    expect(() => parseMaster('#EXTM3U\n#EXT-X-VERSION:7\n', base)).toThrow(/no variants/);
  });

  it('builds the segment timeline and finds the segment for a position', () => {
    const p = parseMedia(MEDIA, 'https://cdn.example/courses/c/l/v1/360p/index.m3u8');
    expect(p.initUrl).toBe('https://cdn.example/courses/c/l/v1/360p/init_1.mp4');
    expect(p.segments.map((s) => s.start)).toEqual([0, 4, 8]);
    expect(p.duration).toBe(10.5);
    expect(p.endList).toBe(true);
    expect(segmentAt(p, 0)?.url).toMatch(/seg-00000/);
    expect(segmentAt(p, 3.99)?.url).toMatch(/seg-00000/);
    expect(segmentAt(p, 4)?.url).toMatch(/seg-00001/);
    expect(segmentAt(p, 99)?.url).toMatch(/seg-00002/);
  });

  it('finds the version folder that holds poster and thumbnails', () => {
    expect(versionFolder('https://cdn.example/courses/c/l/v1/360p/index.m3u8')).toBe('https://cdn.example/courses/c/l/v1/');
  });
});
