import { describe, expect, it } from 'vitest';
import { ffmpegArgsForPlan, filterGraph, toFfmpegArgs, variantDirName } from './ffmpeg-args.ts';
import { source, type SourceKnobs } from './fixtures.ts';
import { LADDER } from './ladder.ts';
import { planEncode } from './plan.ts';
import { parseProbe } from './probe.ts';

const probe = (k: SourceKnobs = {}) => parseProbe(source(k));

/** Value following `flag` (the first occurrence, or the nth). */
function after(args: string[], flag: string, nth = 0): string | undefined {
  let seen = 0;
  for (let i = 0; i < args.length - 1; i++) {
    if (args[i] === flag) {
      if (seen === nth) return args[i + 1];
      seen++;
    }
  }
  return undefined;
}

describe('toFfmpegArgs', () => {
  const args = toFfmpegArgs(LADDER, probe(), '/data/staging/v1');

  it('runs one process that reads the source once', () => {
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(after(args, '-i')).toBe('/uploads/source.mp4');
    expect(args.filter((a) => a === '-filter_complex')).toHaveLength(1);
  });

  it('decodes once, forces a constant frame rate, then splits and scales per rendition', () => {
    const graph = after(args, '-filter_complex')!;
    expect(graph.startsWith('[0:0]fps=30/1,format=yuv420p,split=6[s0][s1][s2][s3][th][po];')).toBe(true);
    expect(graph).toContain('[s0]scale=1920:1080:flags=bicubic,setsar=1[v0]');
    expect(graph).toContain('[s3]scale=640:360:flags=bicubic,setsar=1[v3]');
    expect(graph).toContain('[0:1]aresample=async=1,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,asplit=4[a0][a1][a2][a3]');
  });

  it('puts keyframes every 2 s at the same timestamps in every rendition', () => {
    expect(after(args, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
    expect(after(args, '-sc_threshold')).toBe('0');
    expect(after(args, '-g')).toBe('60');
    expect(after(args, '-keyint_min')).toBe('60');
  });

  it('encodes each rendition with capped CRF, its profile and level, and AAC', () => {
    expect(after(args, '-c:v')).toBe('libx264');
    expect(after(args, '-crf:v:0')).toBe('21');
    expect(after(args, '-maxrate:v:0')).toBe('6000k');
    expect(after(args, '-bufsize:v:0')).toBe('12000k');
    expect(after(args, '-profile:v:0')).toBe('high');
    expect(after(args, '-level:v:0')).toBe('4.0');
    expect(after(args, '-profile:v:3')).toBe('main');
    expect(after(args, '-maxrate:v:3')).toBe('1000k');
    expect(after(args, '-c:a')).toBe('aac');
    expect(after(args, '-b:a:0')).toBe('128k');
    expect(after(args, '-ac:a:0')).toBe('2');
  });

  it('writes HLS with fMP4 segments of 2 s (one GOP), a VOD playlist per rendition and a master', () => {
    expect(after(args, '-f')).toBe('hls');
    expect(after(args, '-hls_segment_type')).toBe('fmp4');
    expect(after(args, '-hls_time')).toBe('2');
    expect(after(args, '-hls_playlist_type')).toBe('vod');
    expect(after(args, '-hls_segment_filename')).toBe('/data/staging/v1/%v/seg-%05d.m4s');
    expect(after(args, '-master_pl_name')).toBe('ffmpeg-master.m3u8');
    expect(after(args, '-var_stream_map')).toBe('v:0,a:0,name:1080p v:1,a:1,name:720p v:2,a:2,name:480p v:3,a:3,name:360p');
    expect(args).toContain('/data/staging/v1/%v/index.m3u8');
  });

  it('reports progress on stdout and keeps stderr for errors', () => {
    expect(after(args, '-progress')).toBe('pipe:1');
    expect(args).toContain('-nostats');
    expect(after(args, '-v')).toBe('error');
    expect(args).toContain('-nostdin');
  });

  it('drops source metadata (phones carry GPS positions)', () => {
    expect(after(args, '-map_metadata')).toBe('-1');
  });

  it('writes the sprite sheets and the poster as extra outputs of the same process', () => {
    const graph = after(args, '-filter_complex')!;
    expect(graph).toContain('[th]fps=1/5,scale=160:90:flags=bicubic,setsar=1,tile=10x10[thumbs]');
    expect(graph).toContain('[po]trim=start=10:duration=1,scale=1280:720:flags=bicubic,setsar=1[poster]');
    expect(args).toContain('/data/staging/v1/thumbs-%03d.jpg');
    expect(args[args.length - 1]).toBe('/data/staging/v1/poster.jpg');
    expect(after(args, '-frames:v')).toBe('1');
  });
});

describe('toFfmpegArgs for awkward sources', () => {
  it('generates silent audio when the source has none', () => {
    const args = toFfmpegArgs(LADDER, probe({ audioChannels: null, duration: 12.5 }), '/o');
    const graph = after(args, '-filter_complex')!;
    expect(graph).toContain('anullsrc=r=48000:cl=mono,atrim=duration=12.5,');
    expect(graph).not.toContain('[0:1]');
    expect(after(args, '-b:a:0')).toBe('32k');
    expect(after(args, '-ac:a:0')).toBe('1');
  });

  it('keeps mono audio mono', () => {
    const args = toFfmpegArgs(LADDER, probe({ audioChannels: 1 }), '/o');
    expect(after(args, '-filter_complex')).toContain('channel_layouts=mono');
    expect(after(args, '-ac:a:0')).toBe('1');
    expect(after(args, '-b:a:0')).toBe('64k');
  });

  it('turns a variable frame rate into a constant one before the split', () => {
    const args = toFfmpegArgs(LADDER, probe({ rFrameRate: '30/1', avgFrameRate: '21/1' }), '/o');
    expect(after(args, '-filter_complex')).toMatch(/^\[0:0\]fps=30\/1,format=yuv420p,split=/);
  });

  it('deinterlaces interlaced sources first', () => {
    const args = toFfmpegArgs(LADDER, probe({ fieldOrder: 'tt', rFrameRate: '25/1' }), '/o');
    expect(after(args, '-filter_complex')).toMatch(/^\[0:0\]bwdif=mode=send_frame,fps=25\/1,/);
  });

  it('addresses the real video stream when cover art comes first', () => {
    const args = toFfmpegArgs(LADDER, probe({ attachedPicFirst: true }), '/o');
    expect(after(args, '-filter_complex')).toMatch(/^\[0:1\]fps=/);
    expect(after(args, '-filter_complex')).toContain('[0:2]aresample');
  });

  it('scales a portrait phone video into portrait renditions', () => {
    const graph = after(toFfmpegArgs(LADDER, probe({ width: 1920, height: 1080, rotation: -90 }), '/o'), '-filter_complex')!;
    expect(graph).toContain('scale=1080:1920');
    expect(graph).toContain('scale=360:640');
    expect(graph).toContain('scale=90:160');
  });

  it('encodes a low-resolution source once, without upscaling', () => {
    const args = toFfmpegArgs(LADDER, probe({ width: 320, height: 180 }), '/o');
    expect(after(args, '-var_stream_map')).toBe('v:0,a:0,name:180p');
    expect(after(args, '-filter_complex')).toContain('split=3[s0][th][po]');
  });

  it('leaves out -master_pl_name and variant names for old ffmpeg builds', () => {
    const plan = planEncode(LADDER, probe());
    const legacy = ffmpegArgsForPlan(plan, '/o', { legacyHls: true });
    expect(legacy).not.toContain('-master_pl_name');
    expect(after(legacy, '-var_stream_map')).toBe('v:0,a:0 v:1,a:1 v:2,a:2 v:3,a:3');
    expect(variantDirName(plan, 2, { legacyHls: true })).toBe('2');
    expect(variantDirName(plan, 2)).toBe('480p');
  });

  it('is a pure function of its inputs', () => {
    const plan = planEncode(LADDER, probe());
    expect(filterGraph(plan)).toBe(filterGraph(plan));
    expect(toFfmpegArgs(LADDER, probe(), '/o')).toEqual(toFfmpegArgs(LADDER, probe(), '/o'));
  });
});
