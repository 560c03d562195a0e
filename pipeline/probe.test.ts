import { describe, expect, it } from 'vitest';
import { source } from './fixtures.ts';
import { parseProbe, parseRational } from './probe.ts';

describe('parseProbe', () => {
  it('reads size, frame rate, duration, bitrates and the audio layout of a plain file', () => {
    const p = parseProbe(source());
    expect(p.path).toBe('/uploads/source.mp4');
    expect(p.durationSeconds).toBe(600);
    expect(p.bitRateKbps).toBe(8200);
    expect(p.video).toMatchObject({
      index: 0,
      width: 1920,
      height: 1080,
      displayWidth: 1920,
      displayHeight: 1080,
      rotation: 0,
      vfr: false,
      interlaced: false,
      bitRateKbps: 8000,
      frameRate: { num: 30, den: 1 },
    });
    expect(p.audio).toEqual({ index: 1, codec: 'aac', channels: 2, sampleRate: 44100, bitRateKbps: 128 });
  });

  it('applies a non-square sample aspect ratio to the display width', () => {
    const p = parseProbe(source({ width: 720, height: 576, sar: '64:45' }));
    expect(p.video).toMatchObject({ sar: { num: 64, den: 45 }, displayWidth: 1024, displayHeight: 576 });
  });

  it('treats a 0:1 (unknown) sample aspect ratio as square pixels', () => {
    const p = parseProbe(source({ width: 640, height: 480, sar: '0:1' }));
    expect(p.video).toMatchObject({ sar: { num: 1, den: 1 }, displayWidth: 640, displayHeight: 480 });
  });

  it('swaps the display size for a quarter-turn display matrix, whatever its sign', () => {
    for (const rotation of [90, -90, 270, -270]) {
      const p = parseProbe(source({ width: 1920, height: 1080, rotation }));
      expect(p.video?.displayWidth).toBe(1080);
      expect(p.video?.displayHeight).toBe(1920);
    }
    const flipped = parseProbe(source({ width: 1920, height: 1080, rotation: -180 }));
    expect(flipped.video).toMatchObject({ rotation: 180, displayWidth: 1920, displayHeight: 1080 });
  });

  it('reads the legacy rotate tag when there is no side data', () => {
    const p = parseProbe(source({ width: 1280, height: 720, rotateTag: '90' }));
    expect(p.video).toMatchObject({ rotation: 90, displayWidth: 720, displayHeight: 1280 });
  });

  it('flags variable frame rate when the base and average rates disagree', () => {
    expect(parseProbe(source({ rFrameRate: '60/1', avgFrameRate: '27000/1000' })).video?.vfr).toBe(true);
    expect(parseProbe(source({ rFrameRate: '30000/1001', avgFrameRate: '2997/100' })).video?.vfr).toBe(false);
  });

  it('flags interlaced sources from the field order', () => {
    expect(parseProbe(source({ fieldOrder: 'tt' })).video?.interlaced).toBe(true);
    expect(parseProbe(source({ fieldOrder: 'progressive' })).video?.interlaced).toBe(false);
  });

  it('ignores cover art (attached pictures) when looking for the video stream', () => {
    const p = parseProbe(source({ attachedPicFirst: true }));
    expect(p.video).toMatchObject({ index: 1, width: 1920 });
  });

  it('reports no video for an audio-only file and no audio for a silent one', () => {
    const audioOnly = parseProbe({
      streams: [{ index: 0, codec_type: 'audio', codec_name: 'mp3', channels: 2, sample_rate: '44100' }],
      format: { filename: 'a.mp3', duration: '3.0' },
    });
    expect(audioOnly.video).toBeNull();
    expect(audioOnly.audio?.channels).toBe(2);
    expect(parseProbe(source({ audioChannels: null })).audio).toBeNull();
    expect(parseProbe(source({ audioChannels: 1 })).audio?.channels).toBe(1);
  });

  it('falls back to stream and Matroska tag durations when the container has none', () => {
    const json = source({ duration: 12.5 }) as { format: Record<string, unknown>; streams: Record<string, unknown>[] };
    delete json.format.duration;
    expect(parseProbe(json).durationSeconds).toBe(12.5);
    const mkv = {
      streams: [{ index: 0, codec_type: 'video', width: 640, height: 360, r_frame_rate: '25/1', tags: { DURATION: '00:01:02.500000000' } }],
      format: { filename: 'x.mkv' },
    };
    expect(parseProbe(mkv).durationSeconds).toBe(62.5);
  });

  it('survives junk without throwing', () => {
    expect(parseProbe(null)).toMatchObject({ video: null, audio: null, durationSeconds: 0 });
    expect(parseProbe({ streams: 'nope', format: 3 }).video).toBeNull();
  });
});

describe('parseRational', () => {
  it('parses ffprobe ratios and rejects zero denominators', () => {
    expect(parseRational('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(parseRational('16:9', ':')).toEqual({ num: 16, den: 9 });
    expect(parseRational('0/0')).toBeNull();
    expect(parseRational('N/A')).toBeNull();
  });
});
