/** The names MediaConvert gives its files, as pure functions of the settings. */
import { describe, expect, it } from 'vitest';
import { captionSegmentName, cmafManifest, destinationBase, frameCaptureName, initName, outputStem, playlistName, segmentName } from './output-names.ts';
import { unsafeKeyReason } from './s3-paths.ts';
import { fromWire, toWire } from './wire-case.ts';

describe('output names', () => {
  const d = destinationBase('s3://media/courses/c/l/v1/index', 's3://up/uploads/c/l/Welcome (final).mp4');

  it('splits a destination into its folder and base name', () => {
    expect(d).toEqual({ bucket: 'media', folder: 'courses/c/l/v1/', base: 'index' });
  });

  it('falls back to the input file name when the destination ends in /', () => {
    expect(destinationBase('s3://media/out/', 's3://up/uploads/c/l/Welcome (final).mp4').base).toBe('Welcome (final)');
  });

  it('names the group manifests <base>.m3u8 and <base>.mpd', () => {
    expect(cmafManifest(d, 'hls').key).toBe('courses/c/l/v1/index.m3u8');
    expect(cmafManifest(d, 'dash').key).toBe('courses/c/l/v1/index.mpd');
  });

  it('names an output <base><NameModifier>, its init <stem>init and its segments <stem>_<nine digits>', () => {
    const stem = outputStem(d, '_audio');
    expect([playlistName(stem), initName(stem, 'audio'), segmentName(stem, 'audio', 12)]).toEqual(['index_audio.m3u8', 'index_audioinit.cmfa', 'index_audio_000000012.cmfa']);
    expect(segmentName(outputStem(d, '_video', 2), 'video', 1)).toBe('index_video_2_000000001.cmfv');
  });

  it('names a WebVTT caption output like any output, its segments <stem>_<nine digits>.vtt', () => {
    const stem = outputStem(d, '_captions_pt-BR');
    expect([playlistName(stem), captionSegmentName(stem, 3)]).toEqual(['index_captions_pt-BR.m3u8', 'index_captions_pt-BR_000000003.vtt']);
  });

  it('numbers frame captures with seven digits from 1', () => {
    expect(frameCaptureName(destinationBase('s3://media/p/poster', 'x.mp4'), undefined, 1).key).toBe('p/poster.0000001.jpg');
  });

  it('maps only keys that stay inside a bucket folder', () => {
    expect(unsafeKeyReason('courses/c/l/v1/index')).toBeNull();
    expect(unsafeKeyReason('courses/../../etc/passwd')).toMatch(/\.\./);
    expect(unsafeKeyReason('/etc/passwd')).toMatch(/absolute/);
    expect(unsafeKeyReason('a//b')).toMatch(/empty/);
  });
});

describe('wire JSON', () => {
  it('converts member names but keeps the keys of maps', () => {
    const wire = { settings: { inputs: [{ audioSelectors: { 'Audio Selector 1': { defaultSelection: 'DEFAULT' } } }] }, userMetadata: { courseId: 'c' } };
    const sdk = fromWire(wire);
    expect(sdk).toEqual({ Settings: { Inputs: [{ AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } } }] }, UserMetadata: { courseId: 'c' } });
    expect(toWire(sdk)).toEqual(wire);
  });

  it('keeps a member or map key named __proto__ as data, never as the prototype of what it converts', () => {
    const sdk = fromWire(JSON.parse('{"role":"r","settings":{"__proto__":{"inputs":[1]}},"userMetadata":{"__proto__":{"courseId":"x"}}}')) as Record<string, Record<string, unknown>>;
    expect(sdk['Settings']?.['Inputs']).toBeUndefined();
    expect(Object.keys(sdk['Settings'] ?? {})).toEqual(['__proto__']);
    expect(sdk['UserMetadata']?.['courseId']).toBeUndefined();
    expect(Object.keys(sdk['UserMetadata'] ?? {})).toEqual(['__proto__']);
  });
});
