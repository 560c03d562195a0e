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

  it('is what the handler module exports', () => {
    expect(viaHandler).toBe(rewriteMasterPlaylist);
  });
});
