import { M3U8Parser } from 'hls.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  averageBitrate,
  codecsFromInitSegment,
  peakBitrate,
  renderMasterPlaylist,
  writeFileAtomic,
  type Variant,
} from './master-playlist.ts';

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(new TextEncoder().encode(type), 4);
  let pos = 8;
  for (const p of payload) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
const bytes = (...b: number[]) => new Uint8Array(b);
const zeros = (n: number) => new Uint8Array(n);

/** A minimal fMP4 init segment: one H.264 track (High 3.1) and one AAC track (given object type). */
function initSegment(aot = 2): Uint8Array {
  const avcC = box('avcC', bytes(1, 0x64, 0x00, 0x1f, 0xff, 0xe1));
  const avc1 = box('avc1', zeros(78), avcC);
  // esds: ES_Descriptor(3) > DecoderConfigDescriptor(4, OTI 0x40) > DecSpecificInfo(5, ASC)
  const asc = bytes((aot << 3) | 0b001, 0b1_0001_000);
  const dsi = bytes(0x05, 0x80, 0x80, 0x80, asc.length, ...asc);
  const dcd = bytes(0x04, 13 + dsi.length, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...dsi);
  const esd = bytes(0x03, 3 + dcd.length, 0, 1, 0, ...dcd);
  const esds = box('esds', zeros(4), esd);
  const mp4a = box('mp4a', zeros(28), esds);
  const stsd = (entry: Uint8Array) => box('stsd', zeros(4), bytes(0, 0, 0, 1), entry);
  const trak = (entry: Uint8Array) => box('trak', box('mdia', box('minf', box('stbl', stsd(entry)))));
  return new Uint8Array([...box('ftyp', new TextEncoder().encode('iso6')), ...box('moov', trak(avc1), trak(mp4a))]);
}

describe('codecsFromInitSegment', () => {
  it('reads avc1.PPCCLL from avcC and mp4a.40.N from esds', () => {
    expect(codecsFromInitSegment(initSegment())).toEqual({ video: 'avc1.64001f', audio: 'mp4a.40.2' });
    expect(codecsFromInitSegment(initSegment(5)).audio).toBe('mp4a.40.5');
  });

  it('returns nothing for bytes that are not an init segment', () => {
    expect(codecsFromInitSegment(new TextEncoder().encode('#EXTM3U\nnot mp4'))).toEqual({ video: null, audio: null });
    expect(codecsFromInitSegment(new Uint8Array(0))).toEqual({ video: null, audio: null });
  });
});

describe('peakBitrate', () => {
  it('is the largest rate of any run of segments lasting 0.5 to 1.5 target durations', () => {
    const segs = [
      { duration: 4, bytes: 500_000 }, // 1.0 Mbit/s
      { duration: 4, bytes: 1_000_000 }, // 2.0 Mbit/s
      { duration: 4, bytes: 250_000 },
      { duration: 1, bytes: 400_000 }, // 3.2 Mbit/s alone, but only 1 s: too short to count alone
    ];
    expect(peakBitrate(segs, 4)).toBe(2_000_000);
    expect(averageBitrate(segs)).toBe(Math.ceil((2_150_000 * 8) / 13));
  });

  it('counts a short last segment together with its neighbour', () => {
    const segs = [
      { duration: 4, bytes: 100_000 },
      { duration: 1.5, bytes: 600_000 },
    ];
    // 4 + 1.5 = 5.5 s is within 1.5 x 4 s: (700 000 x 8) / 5.5
    expect(peakBitrate(segs, 4)).toBe(Math.ceil(5_600_000 / 5.5));
  });

  it('uses the average for a stream shorter than half a target duration', () => {
    expect(peakBitrate([{ duration: 1, bytes: 1000 }], 4)).toBe(8000);
  });
});

const variants: Variant[] = [
  { name: '1080p', uri: 'v1/1080p/index.m3u8', bandwidth: 5_800_000, averageBandwidth: 3_100_000, width: 1920, height: 1080, frameRate: 30, codecs: 'avc1.640028,mp4a.40.2', durationSeconds: 60 },
  { name: '360p', uri: 'v1/360p/index.m3u8', bandwidth: 900_000, averageBandwidth: 500_000, width: 640, height: 360, frameRate: 30, codecs: 'avc1.4d401e,mp4a.40.2', durationSeconds: 60 },
  { name: '480p', uri: 'v1/480p/index.m3u8', bandwidth: 1_700_000, averageBandwidth: 900_000, width: 854, height: 480, frameRate: 30000 / 1001, codecs: 'avc1.4d401e,mp4a.40.2', durationSeconds: 60 },
  { name: '720p', uri: 'v1/720p/index.m3u8', bandwidth: 3_300_000, averageBandwidth: 1_800_000, width: 1280, height: 720, frameRate: 30, codecs: 'avc1.64001f,mp4a.40.2', durationSeconds: 60 },
];

describe('renderMasterPlaylist', () => {
  const text = renderMasterPlaylist(variants);

  it('lists the 480p start rendition first, then the rest from the top down', () => {
    const uris = text.split('\n').filter((l) => l.startsWith('v1/'));
    expect(uris).toEqual(['v1/480p/index.m3u8', 'v1/1080p/index.m3u8', 'v1/720p/index.m3u8', 'v1/360p/index.m3u8']);
  });

  it('writes every attribute a player needs, as hls.js reads them', () => {
    const parsed = M3U8Parser.parseMasterPlaylist(text, 'https://cdn.example/courses/demo/lesson-1/master.m3u8');
    expect(parsed.playlistParsingError).toBeNull();
    expect(parsed.levels).toHaveLength(4);
    const first = parsed.levels[0]!;
    expect(first.url).toBe('https://cdn.example/courses/demo/lesson-1/v1/480p/index.m3u8');
    expect(first.attrs).toMatchObject({
      BANDWIDTH: '1700000',
      'AVERAGE-BANDWIDTH': '900000',
      RESOLUTION: '854x480',
      'FRAME-RATE': '29.970',
      CODECS: 'avc1.4d401e,mp4a.40.2',
    });
    expect(first.videoCodec).toBe('avc1.4d401e');
    expect(first.audioCodec).toBe('mp4a.40.2');
  });

  it('starts from the smallest rendition when none is 480p or below', () => {
    const big = renderMasterPlaylist(variants.filter((v) => v.height >= 720));
    expect(big.split('\n').find((l) => l.startsWith('v1/'))).toBe('v1/720p/index.m3u8');
  });
});

// parseMediaPlaylist and isSafeRelativeUri: hls/hls.test.ts.

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp files behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lectern-atomic-'));
    try {
      const path = join(dir, 'master.m3u8');
      await writeFileAtomic(path, 'one');
      await writeFileAtomic(path, 'two');
      expect(await readFile(path, 'utf8')).toBe('two');
      expect(await readdir(dir)).toEqual(['master.m3u8']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
