/**
 * The one HLS module: the player's reading (parseMaster, parseMedia), the pipeline's strict
 * reading (parseMediaPlaylist), the publisher's (readMaster), and the start-variant rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  imageStreamThumbnails,
  isSafeRelativeUri,
  orderStartFirst,
  parseAttributes,
  audioFor,
  parseMaster,
  parseMedia,
  parseMediaPlaylist,
  PlaylistError,
  readMaster,
  replaceUriAttribute,
  segmentAt,
  SESSION_DATA_IDS,
  sessionDataLines,
  shortSide,
  START_SHORT_SIDE,
} from './index.ts';

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

describe('attribute lists and URIs', () => {
  it('reads quoted attributes with commas inside', () => {
    const a = parseAttributes('BANDWIDTH=1,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1x2');
    expect(a.get('CODECS')).toBe('avc1.64001f,mp4a.40.2');
    expect(a.get('RESOLUTION')).toBe('1x2');
    expect(a.get('BANDWIDTH')).toBe('1');
  });

  it('replaces only the URI attribute of a tag line', () => {
    const line = '#EXT-X-MEDIA:TYPE=AUDIO,NAME="x",URI="a.m3u8"';
    expect(replaceUriAttribute(line, (u) => `v1/${u}`)).toBe('#EXT-X-MEDIA:TYPE=AUDIO,NAME="x",URI="v1/a.m3u8"');
    expect(replaceUriAttribute('#EXT-X-VERSION:7', () => 'never')).toBe('#EXT-X-VERSION:7');
  });

  it('accepts only relative URIs that stay in the folder', () => {
    expect(isSafeRelativeUri('seg-00001.m4s')).toBe(true);
    expect(isSafeRelativeUri('720p/index.m3u8')).toBe(true);
    for (const bad of ['../x.m4s', '/etc/passwd', 'https://evil/x.m4s', 'a//b', 'a\\b', '', './x', 'a/../b', 'data:text/plain,x']) {
      expect(isSafeRelativeUri(bad)).toBe(false);
    }
  });
});

describe('master playlists', () => {
  it('lists variants in playlist order with absolute URLs, and the subtitle renditions', () => {
    const m = parseMaster(MASTER, base);
    expect(m.variants.map((v) => [v.url, v.bandwidth, v.height])).toEqual([
      ['https://cdn.example/courses/c/l/v1/360p/index.m3u8', 492734, 360],
      ['https://cdn.example/courses/c/l/v1/540p/index.m3u8', 1691024, 540],
    ]);
    expect(m.variants[0]).toEqual({
      url: 'https://cdn.example/courses/c/l/v1/360p/index.m3u8', bandwidth: 492734, averageBandwidth: 470571, width: 640, height: 360, codecs: 'avc1.4d401e,mp4a.40.2', subtitles: 'subs',
    });
    expect(m.subtitles).toEqual([{ url: 'https://cdn.example/courses/c/l/v1/subs/en.m3u8', groupId: 'subs', name: 'English', language: 'en', isDefault: true }]);
  });

  it('finds the audio rendition a variant plays with when the sound is separate (MediaConvert CMAF), and none when it is muxed', () => {
    const cmaf = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Other",DEFAULT=NO,URI="v1/other.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Main",DEFAULT=YES,URI="v1/index_audio.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="audio"',
      'v1/index_video_1.m3u8',
    ].join('\n');
    const m = parseMaster(cmaf, base);
    expect(m.variants[0]?.audio).toBe('audio');
    expect(audioFor(m, m.variants[0]!)).toEqual({ url: 'https://cdn.example/courses/c/l/v1/index_audio.m3u8', groupId: 'audio', isDefault: true });
    const muxed = parseMaster(MASTER, base);
    expect(muxed.audio).toEqual([]);
    expect(audioFor(muxed, muxed.variants[0]!)).toBeUndefined();
  });

  it('treats a media playlist given as the source as its own single variant', () => {
    expect(parseMaster(MEDIA, base).variants).toEqual([{ url: base, bandwidth: 0 }]);
  });

  it('refuses what is not a playlist', () => {
    expect(() => parseMaster('<html>', base)).toThrow(PlaylistError);
    expect(() => parseMaster('#EXTM3U\n#EXT-X-VERSION:7\n', base)).toThrow(/no variants/);
    expect(() => parseMaster('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n', base)).toThrow(PlaylistError);
  });

  it('keeps the entries as written for a publisher, strictly when asked', () => {
    const entries = readMaster(MASTER, { strict: true });
    expect(entries.variants.map((v) => [v.uri, v.bandwidth, v.width, v.height])).toEqual([
      ['v1/360p/index.m3u8', 492734, 640, 360],
      ['v1/540p/index.m3u8', 1691024, 960, 540],
    ]);
    expect(entries.variants[1]?.line).toBe('#EXT-X-STREAM-INF:BANDWIDTH=1691024,RESOLUTION=960x540,CODECS="avc1.64001f,mp4a.40.2"');
    expect(entries.tags).toEqual(['#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS', expect.stringMatching(/^#EXT-X-MEDIA:/)]);
    // A tag between EXT-X-STREAM-INF and its URI: tolerated by the player, refused by a publisher.
    const loose = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-FOO\na.m3u8\n';
    expect(parseMaster(loose, base).variants).toHaveLength(1);
    expect(() => readMaster(loose, { strict: true })).toThrow(/without a URI line/);
    expect(() => readMaster('#EXTM3U\nstray.m3u8\n', { strict: true })).toThrow(/URI line without EXT-X-STREAM-INF/);
    expect(readMaster('#EXTM3U\nstray.m3u8\n').variants).toEqual([]);
  });
});

describe('the poster and thumbnails a master names', () => {
  it('reads what the publishers write (same DATA-IDs, values relative to the master)', () => {
    expect(SESSION_DATA_IDS).toEqual({ poster: 'com.lectern.poster', thumbnails: 'com.lectern.thumbnails' });
    const text = ['#EXTM3U', ...sessionDataLines({ poster: 'v1/poster.0000001.jpg', thumbnails: 'v1/index_video_1_thumb.m3u8' }), '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v1/a.m3u8'].join('\n');
    const master = parseMaster(text, 'https://cdn/courses/c/l/master.m3u8');
    expect(master.sessionData.get(SESSION_DATA_IDS.poster)).toBe('v1/poster.0000001.jpg');
    expect(master.sessionData.get(SESSION_DATA_IDS.thumbnails)).toBe('v1/index_video_1_thumb.m3u8');
    expect(parseMaster('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8', 'https://cdn/m.m3u8').sessionData.size).toBe(0);
  });

  it('refuses a value a quoted-string cannot hold', () => {
    expect(sessionDataLines({})).toEqual([]);
    expect(() => sessionDataLines({ poster: 'a"b' })).toThrow(/EXT-X-SESSION-DATA/);
    expect(() => sessionDataLines({ thumbnails: '' })).toThrow(/EXT-X-SESSION-DATA/);
  });
});

describe('media playlists', () => {
  it('reads what ffmpeg writes for a VOD fMP4 rendition (strict)', () => {
    const pl = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n' +
        '#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI="init_0.mp4"\n#EXTINF:4.000000,\nseg-00000.m4s\n#EXTINF:2.000000,\nseg-00001.m4s\n#EXT-X-ENDLIST\n',
    );
    expect(pl).toMatchObject({ version: 7, targetDuration: 4, playlistType: 'VOD', endList: true, independentSegments: true, mapUri: 'init_0.mp4' });
    expect(pl.segments).toEqual([
      { uri: 'seg-00000.m4s', duration: 4 },
      { uri: 'seg-00001.m4s', duration: 2 },
    ]);
  });

  it('rejects what is not a complete media playlist (strict)', () => {
    expect(() => parseMediaPlaylist('hello')).toThrow(/EXTM3U/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:4,\nseg.m4s\n')).toThrow(/TARGETDURATION/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\nseg.m4s\n')).toThrow(/without EXTINF/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n')).toThrow(/master/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:BYTERANGE="1@0"\n')).toThrow(/EXT-X-MAP without URI/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:0,\nseg.m4s\n')).toThrow(/bad EXTINF/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n')).toThrow(/at the end/);
    expect(() => parseMediaPlaylist('hello')).toThrow(PlaylistError);
  });

  it('builds the segment timeline and finds the segment for a position (player)', () => {
    const p = parseMedia(MEDIA, 'https://cdn.example/courses/c/l/v1/360p/index.m3u8');
    expect(p.initUrl).toBe('https://cdn.example/courses/c/l/v1/360p/init_1.mp4');
    expect(p.targetDuration).toBe(4);
    expect(p.segments.map((s) => s.start)).toEqual([0, 4, 8]);
    expect(p.duration).toBe(10.5);
    expect(p.endList).toBe(true);
    expect(segmentAt(p, 0)?.url).toMatch(/seg-00000/);
    expect(segmentAt(p, 3.99)?.url).toMatch(/seg-00000/);
    expect(segmentAt(p, 4)?.url).toMatch(/seg-00001/);
    expect(segmentAt(p, 99)?.url).toMatch(/seg-00002/);
  });

  it('reads what it can where the strict reading refuses (player)', () => {
    const p = parseMedia('#EXTM3U\n#EXTINF:4,\na.m4s\nstray.m4s\n#EXTINF:2,\nb.m4s\n', 'https://cdn/x/index.m3u8');
    expect(p.targetDuration).toBe(0);
    expect(p.segments).toEqual([
      { url: 'https://cdn/x/a.m4s', start: 0, duration: 4 },
      { url: 'https://cdn/x/b.m4s', start: 4, duration: 2 },
    ]);
    expect(p.endList).toBe(false);
    expect(() => parseMedia('<html>', 'https://cdn/x/index.m3u8')).toThrow(PlaylistError);
  });

  it("maps MediaConvert's image-stream playlist to timed tiles", () => {
    const text = [
      '#EXTM3U', '#EXT-X-TARGETDURATION:50', '#EXT-X-IMAGES-ONLY',
      '#EXTINF:10.000,', '#EXT-X-TILES:RESOLUTION=320x180,LAYOUT=2x1,DURATION=5.000', 't1.jpg',
    ].join('\n');
    expect(imageStreamThumbnails(text, 'https://cdn/v1/thumb.m3u8')).toEqual([
      { start: 0, end: 5, thumb: { url: 'https://cdn/v1/t1.jpg', x: 0, y: 0, width: 320, height: 180 } },
      { start: 5, end: 10, thumb: { url: 'https://cdn/v1/t1.jpg', x: 320, y: 0, width: 320, height: 180 } },
    ]);
  });
});

describe('the start variant', () => {
  const v = (bandwidth: number, width?: number, height?: number) => ({ bandwidth, ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) });

  it('puts the best rendition with a short side of at most 480 first, then the rest from the top down', () => {
    expect(START_SHORT_SIDE).toBe(480);
    const ladder = [v(5_800_000, 1920, 1080), v(900_000, 640, 360), v(1_700_000, 854, 480), v(3_300_000, 1280, 720)];
    expect(orderStartFirst(ladder).map((x) => x.height)).toEqual([480, 1080, 720, 360]);
    // Portrait: the short side is the width.
    expect(orderStartFirst([v(3, 720, 1280), v(2, 480, 854), v(1, 360, 640)]).map((x) => x.width)).toEqual([480, 720, 360]);
  });

  it('starts from the lowest bandwidth when none qualifies, and never from an unknown resolution', () => {
    expect(orderStartFirst([v(3, 1920, 1080), v(2, 1280, 720)]).map((x) => x.bandwidth)).toEqual([2, 3]);
    expect(orderStartFirst([v(9), v(5, 0, 0), v(2, 1280, 720), v(1, 854, 480)]).map((x) => x.bandwidth)).toEqual([1, 9, 5, 2]);
    expect(orderStartFirst([v(9), v(5)]).map((x) => x.bandwidth)).toEqual([5, 9]);
    expect(orderStartFirst([])).toEqual([]);
    expect(shortSide(v(1, 0, 480))).toBe(0);
  });
});

describe('browser safety', () => {
  it('imports nothing from node: or outside this folder (the player bundles it)', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)) {
        expect(m[1], `${file} imports ${m[1]}`).toMatch(/^\.\/[a-z-]+\.ts$/);
      }
      expect(text, file).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/);
    }
  });
});
