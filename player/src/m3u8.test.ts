import { describe, expect, it } from 'vitest';
import { imageStreamThumbnails, parseAttributes, parseMaster, parseMedia, PlaylistError, segmentAt, SESSION_DATA_IDS } from './m3u8.ts';
import { thumbnailIndex } from './vtt.ts';
import { SESSION_DATA_IDS as WRITTEN_IDS, sessionDataLines } from '../../pipeline/lesson-session-data.ts';

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

});

describe('the poster and thumbnails a master names', () => {
  it('reads what the publishers write (same DATA-IDs, values relative to the master)', () => {
    expect(SESSION_DATA_IDS).toEqual(WRITTEN_IDS);
    const text = ['#EXTM3U', ...sessionDataLines({ poster: 'v1/poster.0000001.jpg', thumbnails: 'v1/index_video_1_thumb.m3u8' }), '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v1/a.m3u8'].join('\n');
    const master = parseMaster(text, 'https://cdn/courses/c/l/master.m3u8');
    expect(master.sessionData.get(SESSION_DATA_IDS.poster)).toBe('v1/poster.0000001.jpg');
    expect(master.sessionData.get(SESSION_DATA_IDS.thumbnails)).toBe('v1/index_video_1_thumb.m3u8');
    expect(parseMaster('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8', 'https://cdn/m.m3u8').sessionData.size).toBe(0);
  });

  it("maps a time to its tile in MediaConvert's image-stream thumbnails", () => {
    // As MediaConvert's image-based trick play writes it (EXT-X-TILES per segment).
    const text = [
      '#EXTM3U', '#EXT-X-TARGETDURATION:50', '#EXT-X-VERSION:7', '#EXT-X-MEDIA-SEQUENCE:1', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-IMAGES-ONLY',
      '#EXTINF:50.000,', '#EXT-X-TILES:RESOLUTION=320x180,LAYOUT=5x2,DURATION=5.000', 'index_video_1_thumb.00001.jpg',
      '#EXTINF:12.000,', '#EXT-X-TILES:RESOLUTION=320x180,LAYOUT=5x2,DURATION=5.000', 'index_video_1_thumb.00002.jpg',
      '#EXT-X-ENDLIST',
    ].join('\n');
    const entries = imageStreamThumbnails(text, 'https://cdn/courses/c/l/v1/index_video_1_thumb.m3u8');
    expect(entries).toHaveLength(10 + 3);
    const at = thumbnailIndex(entries);
    expect(at(0)).toEqual({ url: 'https://cdn/courses/c/l/v1/index_video_1_thumb.00001.jpg', x: 0, y: 0, width: 320, height: 180 });
    expect(at(31)).toMatchObject({ url: expect.stringMatching(/00001\.jpg$/), x: 320, y: 180 });
    expect(at(56)).toMatchObject({ url: expect.stringMatching(/00002\.jpg$/), x: 320, y: 0 });
    expect(at(61.9)).toMatchObject({ url: expect.stringMatching(/00002\.jpg$/), x: 640, y: 0 });
  });
});
