/**
 * The player's import of the HLS module (its parsing is tested in pipeline/hls/hls.test.ts):
 * the names the player uses, and MediaConvert's image-stream thumbnails through the player's
 * own thumbnail index.
 */
import { describe, expect, it } from 'vitest';
import * as m3u8 from './m3u8.ts';
import { imageStreamThumbnails, parseMaster, PlaylistError, SESSION_DATA_IDS } from './m3u8.ts';
import { thumbnailIndex } from './vtt.ts';
import { SESSION_DATA_IDS as WRITTEN_IDS, sessionDataLines } from '../../pipeline/hls/index.ts';

describe('player/src/m3u8.ts', () => {
  it('exports what the player imports', () => {
    for (const name of ['imageStreamThumbnails', 'parseAttributes', 'parseMaster', 'parseMedia', 'PlaylistError', 'segmentAt', 'SESSION_DATA_IDS']) {
      expect(m3u8, name).toHaveProperty(name);
    }
    expect(() => parseMaster('<html>', 'https://cdn.example/m.m3u8')).toThrow(PlaylistError);
  });

  it('reads the poster and thumbnails the publishers write (same DATA-IDs)', () => {
    expect(SESSION_DATA_IDS).toEqual(WRITTEN_IDS);
    const text = ['#EXTM3U', ...sessionDataLines({ poster: 'v1/poster.0000001.jpg' }), '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v1/a.m3u8'].join('\n');
    expect(parseMaster(text, 'https://cdn/courses/c/l/master.m3u8').sessionData.get(SESSION_DATA_IDS.poster)).toBe('v1/poster.0000001.jpg');
  });
});

describe('the poster and thumbnails a master names', () => {
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
