import { describe, expect, it } from 'vitest';
import {
  createProgressWriter,
  formatDuration,
  ProgressParser,
  renderProgressBar,
  toBlock,
  toProgress,
  type EncodeProgress,
} from './progress.ts';

// What ffmpeg 5.1 prints with `-progress pipe:1` (one block per report).
const BLOCK = (frame: number, outUs: number, end = false) =>
  [
    `frame=${frame}`,
    'fps=57.31',
    'stream_0_0_q=28.0',
    'bitrate=N/A',
    'total_size=N/A',
    `out_time_us=${outUs}`,
    `out_time_ms=${outUs}`,
    `out_time=00:00:${String(Math.floor(outUs / 1e6)).padStart(2, '0')}.000000`,
    'dup_frames=0',
    'drop_frames=0',
    'speed=2.5x',
    `progress=${end ? 'end' : 'continue'}`,
    '',
  ].join('\n');

describe('ProgressParser', () => {
  it('turns key=value lines into one block per progress= line, across chunk boundaries', () => {
    const parser = new ProgressParser();
    const text = BLOCK(90, 3_000_000) + BLOCK(180, 6_000_000, true);
    const blocks = [...parser.push(text.slice(0, 37)), ...parser.push(text.slice(37, 200)), ...parser.push(text.slice(200))];
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({ frame: 90, outTimeSeconds: 3, ffmpegSpeed: 2.5, totalSizeBytes: null, end: false });
    expect(blocks[1]).toMatchObject({ frame: 180, outTimeSeconds: 6, end: true });
  });

  it('reads out_time when the microsecond fields are missing, and N/A as unknown', () => {
    const block = toBlock({ out_time: '00:01:02.500000', speed: 'N/A', progress: 'continue' });
    expect(block.outTimeSeconds).toBe(62.5);
    expect(block.ffmpegSpeed).toBeNull();
    expect(block.frame).toBeNull();
  });

  it('ignores blank and malformed lines', () => {
    const parser = new ProgressParser();
    expect(parser.push('\n\nnonsense\n=x\nframe=3\nprogress=continue\n')).toHaveLength(1);
  });
});

describe('toProgress', () => {
  it('computes percent from frames of the first rendition, speed from wall time, and the ETA', () => {
    const p = toProgress(toBlock({ frame: '900', out_time_us: '95000000', progress: 'continue' }), {
      durationSeconds: 120,
      fps: 30,
      elapsedSeconds: 10,
    });
    // 900 frames at 30 fps = 30 s, even though the sprite output pushed out_time to 95 s.
    expect(p.encodedSeconds).toBe(30);
    expect(p.percent).toBe(25);
    expect(p.speed).toBe(3);
    expect(p.etaSeconds).toBe(30);
    expect(p.done).toBe(false);
  });

  it('falls back to out_time without a frame rate, and clamps to the duration', () => {
    const p = toProgress(toBlock({ out_time_us: '200000000', progress: 'continue' }), { durationSeconds: 100, elapsedSeconds: 50 });
    expect(p.percent).toBe(100);
    expect(p.speed).toBe(2);
  });

  it('says nothing about speed before anything was encoded, and finishes at 100 %', () => {
    const start = toProgress(toBlock({ frame: '0', progress: 'continue' }), { durationSeconds: 60, fps: 25, elapsedSeconds: 0.2 });
    expect(start.speed).toBeNull();
    expect(start.etaSeconds).toBeNull();
    const end = toProgress(toBlock({ frame: '1490', progress: 'end' }), { durationSeconds: 60, fps: 25, elapsedSeconds: 20 });
    expect(end).toMatchObject({ percent: 100, etaSeconds: 0, done: true });
  });
});

describe('renderProgressBar', () => {
  const half: EncodeProgress = { percent: 50, encodedSeconds: 30, durationSeconds: 60, speed: 2.3125, etaSeconds: 13, done: false };

  it('draws percent, speed and ETA in a fixed width', () => {
    const line = renderProgressBar(half, 60);
    expect(line).toBe('encode [#############------------]   50.0%   2.31x  ETA 0:13');
    expect(line).toHaveLength(60);
  });

  it('formats long ETAs with hours and unknown ones as dashes', () => {
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('--:--');
    expect(renderProgressBar({ ...half, speed: null, etaSeconds: null }, 60)).toContain('--x  ETA --:--');
  });

  it('says done with the media duration at the end', () => {
    expect(renderProgressBar({ ...half, percent: 100, done: true, etaSeconds: 0 }, 60)).toMatch(/\[#+\]  100\.0% .* done 1:00$/);
  });
});

describe('createProgressWriter', () => {
  it('prints a line every 10 % when the output is not a terminal', () => {
    const lines: string[] = [];
    const writer = createProgressWriter({ write: (s: string) => lines.push(s), isTTY: false });
    for (let pct = 0; pct <= 100; pct += 2.5) {
      writer.update({ percent: pct, encodedSeconds: pct, durationSeconds: 100, speed: 1, etaSeconds: 100 - pct, done: pct === 100 });
    }
    writer.finish();
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
  });

  it('redraws one line with a carriage return on a terminal', () => {
    const out: string[] = [];
    const writer = createProgressWriter({ write: (s: string) => out.push(s), isTTY: true, columns: 80 });
    writer.update({ percent: 10, encodedSeconds: 1, durationSeconds: 10, speed: 1, etaSeconds: 9, done: false });
    writer.update({ percent: 100, encodedSeconds: 10, durationSeconds: 10, speed: 1, etaSeconds: 0, done: true });
    writer.finish();
    expect(out[0]!.startsWith('\rencode [')).toBe(true);
    expect(out.at(-1)).toBe('\n');
  });
});
