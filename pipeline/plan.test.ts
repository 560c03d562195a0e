import { PLAYER_DEFAULTS } from '../player/src/defaults.ts';
import { describe, expect, it } from 'vitest';
import { source, type SourceKnobs } from './fixtures.ts';
import { h264LevelFor, LADDER, validateLadder } from './ladder.ts';
import { planEncode, planRenditions } from './plan.ts';
import { parseProbe, rationalValue } from './probe.ts';
import { thumbnailsVtt } from './thumbnails.ts';

const probe = (k: SourceKnobs = {}) => parseProbe(source(k));
const sizes = (k: SourceKnobs, opts = {}) => planRenditions(LADDER, probe(k), opts).map((r) => `${r.width}x${r.height}`);

function expectNeverUpscaled(k: SourceKnobs) {
  const p = probe(k);
  for (const r of planRenditions(LADDER, p, { includeOptional: true })) {
    expect(r.width).toBeLessThanOrEqual(p.video!.displayWidth);
    expect(r.height).toBeLessThanOrEqual(p.video!.displayHeight);
    expect(r.width % 2).toBe(0);
    expect(r.height % 2).toBe(0);
  }
}

describe('the ladder', () => {
  it('is valid data: sorted, even, segments a whole number of GOPs', () => {
    expect(() => validateLadder(LADDER)).not.toThrow();
    expect(LADDER.segmentSeconds).toBe(2);
    expect(LADDER.gopSeconds).toBe(2);
    expect(LADDER.rungs.map((r) => r.name)).toEqual(['1080p', '720p', '480p', '360p', '240p']);
  });

  it('cuts segments as long as the player assumes when it picks its start level', () => {
    expect(PLAYER_DEFAULTS.segmentSeconds).toBe(LADDER.segmentSeconds);
    expect(PLAYER_DEFAULTS.keyframeInterval).toBe(LADDER.gopSeconds);
  });

  it('gives lectures lower caps than camera footage on every rung, a CRF no lower, and the slower preset', () => {
    for (const r of LADDER.rungs) {
      expect(r.rates.lecture.maxrateKbps).toBeLessThan(r.rates.camera.maxrateKbps);
      expect(r.rates.lecture.crf).toBeGreaterThanOrEqual(r.rates.camera.crf);
    }
    expect(LADDER.x264Preset).toEqual({ camera: 'faster', lecture: 'medium' });
  });

  it('states for each rung the smallest level its 16:9 size needs at 30 fps', () => {
    for (const r of LADDER.rungs) {
      const width = Math.round((r.shortSide * 16) / 9 / 2) * 2;
      expect(h264LevelFor(width, r.shortSide, 30, r.rates.camera.maxrateKbps, r.profile)).toBe(r.level);
    }
  });

  it('picks the H.264 level from size, frame rate and bitrate', () => {
    expect(h264LevelFor(1920, 1080, 30, 6000, 'high', '4.0')).toBe('4.0');
    expect(h264LevelFor(1920, 1080, 60, 6000, 'high', '4.0')).toBe('4.2');
    expect(h264LevelFor(1280, 720, 60, 3500, 'high', '3.1')).toBe('3.2');
    expect(h264LevelFor(640, 360, 30, 1000, 'main', '1.0')).toBe('3.0');
  });
});

describe('planRenditions', () => {
  it('plans 1080p, 720p, 480p and 360p for a 1080p landscape source (240p only on request)', () => {
    expect(sizes({})).toEqual(['1920x1080', '1280x720', '854x480', '640x360']);
    expect(sizes({}, { includeOptional: true })).toEqual(['1920x1080', '1280x720', '854x480', '640x360', '426x240']);
  });

  it('keeps portrait sources portrait, with the same pixel budget per rung', () => {
    expect(sizes({ width: 1080, height: 1920 })).toEqual(['1080x1920', '720x1280', '480x854', '360x640']);
    expectNeverUpscaled({ width: 1080, height: 1920 });
  });

  it('turns a rotated landscape-coded phone video into portrait renditions', () => {
    expect(sizes({ width: 1920, height: 1080, rotation: -90 })).toEqual(['1080x1920', '720x1280', '480x854', '360x640']);
  });

  it('never upscales: a 720p source tops out at 720p', () => {
    expect(sizes({ width: 1280, height: 720 })).toEqual(['1280x720', '854x480', '640x360']);
    expectNeverUpscaled({ width: 1280, height: 720 });
  });

  it('gives a source exactly at a lower rung that rung as it is', () => {
    const r = planRenditions(LADDER, probe({ width: 854, height: 480 }));
    expect(r.map((x) => [x.name, x.rung, x.profile, x.level, x.maxrateKbps, x.capped])).toEqual([
      ['480p', '480p', 'main', '3.1', 1800, false],
      ['360p', '360p', 'main', '3.0', 1000, false],
    ]);
  });

  it('works out the level of a capped rendition from its own size', () => {
    expect(planRenditions(LADDER, probe({ width: 1316, height: 740 }))[0]).toMatchObject({ profile: 'high', level: '3.2' });
    expect(planRenditions(LADDER, probe({ width: 320, height: 180 }))[0]).toMatchObject({ level: '1.3' });
  });

  it('caps the top rung at an in-between source size and drops a rung too close below it', () => {
    const r = planRenditions(LADDER, probe({ width: 1316, height: 740 }));
    expect(r.map((x) => [x.name, x.width, x.height, x.capped])).toEqual([
      ['740p', 1316, 740, true],
      ['480p', 854, 480, false],
      ['360p', 640, 360, false],
    ]);
    // The capped rung's cap sits between the 720p and 1080p caps, by pixel count.
    expect(r[0]!.maxrateKbps).toBe(3610);
    expect(planRenditions(LADDER, probe({ width: 320, height: 180 }))[0]!.maxrateKbps).toBe(320);
  });

  it('keeps odd-sized sources even and within the source', () => {
    expect(sizes({ width: 1279, height: 719 })).toEqual(['1278x718', '854x480', '640x360']);
    expectNeverUpscaled({ width: 1279, height: 719 });
    expectNeverUpscaled({ width: 333, height: 187 });
  });

  it('applies non-square pixels: PAL 16:9 anamorphic 720x576 becomes 1024x576 square pixels', () => {
    expect(sizes({ width: 720, height: 576, sar: '64:45' })).toEqual(['1024x576', '854x480', '640x360']);
    expectNeverUpscaled({ width: 720, height: 576, sar: '64:45' });
  });

  it('encodes a low-resolution source once, at its own size', () => {
    expect(sizes({ width: 320, height: 180 })).toEqual(['320x180']);
    expect(sizes({ width: 426, height: 240 }, { includeOptional: true })).toEqual(['426x240']);
  });

  it('refuses a source too small to be a video', () => {
    expect(() => planRenditions(LADDER, probe({ width: 16, height: 16 }))).toThrow(/too small/);
  });

  it('refuses a file without a video stream with a clear message', () => {
    const audioOnly = parseProbe({ streams: [{ index: 0, codec_type: 'audio', channels: 2 }], format: { filename: 'talk.m4a', duration: '9' } });
    expect(() => planRenditions(LADDER, audioOnly)).toThrow(/talk\.m4a has no video stream/);
  });

  it('raises the level for 60 fps renditions', () => {
    const r = planRenditions(LADDER, probe({ rFrameRate: '60/1' }));
    expect(r[0]).toMatchObject({ name: '1080p', level: '4.2' });
    expect(r[1]).toMatchObject({ name: '720p', level: '3.2' });
  });
});

describe('planEncode', () => {
  it('keeps a constant frame rate, dividing anything above 60 fps', () => {
    expect(planEncode(LADDER, probe({ rFrameRate: '30000/1001' })).frameRate).toEqual({ num: 30000, den: 1001 });
    expect(planEncode(LADDER, probe({ rFrameRate: '120/1' })).frameRate).toEqual({ num: 60, den: 1 });
    expect(planEncode(LADDER, probe({ rFrameRate: '100/1' })).frameRate).toEqual({ num: 50, den: 1 });
  });

  it('maps a variable-frame-rate source onto its nominal rate, or the next standard one above its average', () => {
    const nominal = planEncode(LADDER, probe({ rFrameRate: '30/1', avgFrameRate: '20/1' }));
    expect(nominal.vfrInput).toBe(true);
    expect(nominal.frameRate).toEqual({ num: 30, den: 1 });
    const oddBase = planEncode(LADDER, probe({ rFrameRate: '1000/1', avgFrameRate: '1430/100' }));
    expect(oddBase.frameRate).toEqual({ num: 15, den: 1 });
    const phone = planEncode(LADDER, probe({ rFrameRate: '90000/1', avgFrameRate: '2950/100' }));
    expect(phone.frameRate).toEqual({ num: 30000, den: 1001 });
  });

  it('puts a keyframe every 2 s: the GOP in frames follows the output rate', () => {
    expect(planEncode(LADDER, probe({ rFrameRate: '25/1' })).gopFrames).toBe(50);
    expect(planEncode(LADDER, probe({ rFrameRate: '30000/1001' })).gopFrames).toBe(60);
    expect(planEncode(LADDER, probe({ rFrameRate: '60/1' })).gopFrames).toBe(120);
  });

  it('keeps mono mono at a lower audio bitrate, and downmixes more channels to stereo', () => {
    const mono = planEncode(LADDER, probe({ audioChannels: 1 }));
    expect(mono.audio).toMatchObject({ source: 'stream', channels: 1, sampleRate: 48000 });
    expect(mono.renditions[0]!.audioKbps).toBe(64);
    const surround = planEncode(LADDER, probe({ audioChannels: 6 }));
    expect(surround.audio.channels).toBe(2);
    expect(surround.renditions[0]!.audioKbps).toBe(128);
  });

  it('plans a silent track for a source without audio, so every lesson has the same layout', () => {
    const silent = planEncode(LADDER, probe({ audioChannels: null }));
    expect(silent.audio).toEqual({ source: 'silence', streamIndex: null, channels: 1, sampleRate: 48000 });
    expect(silent.renditions.every((r) => r.audioKbps === 32)).toBe(true);
  });

  it('deinterlaces interlaced sources', () => {
    expect(planEncode(LADDER, probe({ fieldOrder: 'tt' })).deinterlace).toBe(true);
    expect(planEncode(LADDER, probe()).deinterlace).toBe(false);
  });

  it('detects a lecture from a source that spends few bits, and camera footage from one that spends many', () => {
    const zoom = planEncode(LADDER, probe({ videoBitRate: 900_000 }));
    expect(zoom.contentKind).toBe('lecture');
    expect(zoom.renditions[0]).toMatchObject({ crf: 22, maxrateKbps: 2500 });
    expect(zoom.x264Preset).toBe('medium');
    const phone = planEncode(LADDER, probe({ videoBitRate: 16_000_000 }));
    expect(phone.contentKind).toBe('camera');
    expect(phone.renditions[0]).toMatchObject({ crf: 21, maxrateKbps: 6000, bufsizeKbps: 12000 });
    expect(phone.x264Preset).toBe('faster');
  });

  it('falls back to the container bitrate, and to camera when no bitrate is known', () => {
    expect(planEncode(LADDER, probe({ videoBitRate: null, formatBitRate: 1_000_000 })).contentKind).toBe('lecture');
    const unknown = planEncode(LADDER, probe({ videoBitRate: null, formatBitRate: null }));
    expect(unknown.contentKind).toBe('camera');
    expect(unknown.contentKindReason).toMatch(/unknown/);
  });

  it('lets the caller choose the content kind', () => {
    const forced = planEncode(LADDER, probe({ videoBitRate: 16_000_000 }), { contentKind: 'lecture' });
    expect(forced.contentKind).toBe('lecture');
    expect(forced.renditions.map((r) => r.maxrateKbps)).toEqual([2500, 1500, 800, 450]);
  });

  it('sizes the scrub thumbnails and the poster from the renditions and the duration', () => {
    const long = planEncode(LADDER, probe({ duration: 3600 }));
    expect(long.thumbnails).toMatchObject({ intervalSeconds: 10, width: 160, height: 90, count: 360, sprites: 4, posterAtSeconds: 10 });
    expect(long.thumbnails).toMatchObject({ posterWidth: 1280, posterHeight: 720 });
    const short = planEncode(LADDER, probe({ duration: 6, width: 426, height: 240 }));
    expect(short.thumbnails).toMatchObject({ intervalSeconds: 1, count: 6, sprites: 1, posterAtSeconds: 0.6 });
    const portrait = planEncode(LADDER, probe({ width: 1080, height: 1920 }));
    expect(portrait.thumbnails).toMatchObject({ width: 90, height: 160 });
  });
});

describe('thumbnailsVtt', () => {
  it('indexes every interval into the right sprite cell', () => {
    const plan = planEncode(LADDER, probe({ duration: 1234 }));
    const vtt = thumbnailsVtt(plan.thumbnails, 1234);
    const cues = vtt.split('\n\n').slice(1).filter((c) => c.trim() !== '');
    expect(vtt.startsWith('WEBVTT\n')).toBe(true);
    expect(cues).toHaveLength(plan.thumbnails.count);
    expect(cues[0]).toBe('00:00:00.000 --> 00:00:10.000\nthumbs-000.jpg#xywh=0,0,160,90');
    expect(cues[11]).toBe('00:01:50.000 --> 00:02:00.000\nthumbs-000.jpg#xywh=160,90,160,90');
    expect(cues[100]).toMatch(/^00:16:40\.000 --> 00:16:50\.000\nthumbs-001\.jpg#xywh=0,0,160,90$/);
    expect(cues.at(-1)).toMatch(/^00:20:30\.000 --> 00:20:34\.000\n/);
  });

  it('uses output frame rates that are whole-frame multiples of the GOP', () => {
    const plan = planEncode(LADDER, probe({ rFrameRate: '24000/1001' }));
    expect(rationalValue(plan.frameRate)).toBeCloseTo(23.976, 3);
    expect(plan.gopFrames).toBe(48);
  });
});
