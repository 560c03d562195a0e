import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFfmpegFailure, isEnospc, PipelineError } from './errors.ts';
import { ffmpegFeatures, parseFfmpegVersion, resolveFfmpegTools, whichOnPath } from './ffmpeg-path.ts';
import { runProcess } from './run.ts';

describe('parseFfmpegVersion', () => {
  it('treats ffmpeg 5 and later as modern', () => {
    const v = parseFfmpegVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\n');
    expect(v).toEqual({ version: '5.1.9-0+deb12u1', legacyHls: false });
    expect(parseFfmpegVersion('ffmpeg version n6.1.1 Copyright (c) 2000-2023').legacyHls).toBe(false);
  });

  it('treats 4.x and old git snapshots (the static build in @ffmpeg-installer) as legacy', () => {
    expect(parseFfmpegVersion('ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021').legacyHls).toBe(true);
    const snapshot = parseFfmpegVersion('ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers');
    expect(snapshot).toEqual({ version: 'N-47683-g0e8eb07980-static', legacyHls: true });
    expect(parseFfmpegVersion('ffmpeg version N-110000-gabc Copyright (c) 2000-2023').legacyHls).toBe(false);
  });
});

describe('finding ffmpeg', () => {
  let dir: string;
  const saved = { ...process.env };
  const restoreToolsPolicy = () => {
    if (saved.LECTERN_TOOLS === undefined) delete process.env.LECTERN_TOOLS;
    else process.env.LECTERN_TOOLS = saved.LECTERN_TOOLS;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-path-'));
    await writeFile(join(dir, 'ffprobe'), '#!/bin/sh\n');
    await chmod(join(dir, 'ffprobe'), 0o755);
    await writeFile(join(dir, 'ffmpeg'), 'not executable');
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('finds executables on PATH and skips files that are not executable', async () => {
    expect(await whichOnPath('ffprobe', ['/nonexistent', dir].join(delimiter))).toBe(join(dir, 'ffprobe'));
    expect(await whichOnPath('ffmpeg', dir)).toBeNull();
  });

  it('honours LECTERN_FFMPEG / LECTERN_FFPROBE, and says so when they are wrong', async () => {
    process.env.LECTERN_FFPROBE = join(dir, 'ffprobe');
    process.env.LECTERN_FFMPEG = join(dir, 'ffprobe');
    const tools = await resolveFfmpegTools({ fresh: true });
    expect(tools.source).toEqual({ ffmpeg: 'env', ffprobe: 'env' });
    process.env.LECTERN_FFMPEG = join(dir, 'ffmpeg');
    await expect(resolveFfmpegTools({ fresh: true })).rejects.toThrow(/LECTERN_FFMPEG=.* is not an executable file/);
    delete process.env.LECTERN_FFMPEG;
    delete process.env.LECTERN_FFPROBE;
  });

  it('prefers the system ffmpeg and falls back to the npm-shipped one when PATH has none', async () => {
    process.env.PATH = dir; // only a fake ffprobe here, no ffmpeg
    delete process.env.LECTERN_TOOLS;
    const tools = await resolveFfmpegTools({ fresh: true });
    expect(tools.source.ffmpeg).toBe('npm');
    expect(tools.ffmpeg).toMatch(/@ffmpeg-installer/);
    expect(tools.source.ffprobe).toBe('system');
    process.env.PATH = saved.PATH;
    restoreToolsPolicy();
  });

  it('uses only what npm installed under LECTERN_TOOLS=bundled, even with both on PATH', async () => {
    process.env.PATH = dir;
    await writeFile(join(dir, 'ffmpeg'), '#!/bin/sh\n');
    await chmod(join(dir, 'ffmpeg'), 0o755);
    process.env.LECTERN_TOOLS = 'bundled';
    try {
      const tools = await resolveFfmpegTools({ fresh: true });
      expect(tools.source).toEqual({ ffmpeg: 'npm', ffprobe: 'npm' });
      expect(tools.ffprobe).toMatch(/ffprobe$/);
      expect(tools.ffprobe.startsWith(dir)).toBe(false);
      process.env.LECTERN_TOOLS = 'none';
      await expect(resolveFfmpegTools({ fresh: true })).rejects.toThrow(/LECTERN_TOOLS=none is not one of auto, bundled/);
    } finally {
      restoreToolsPolicy();
      process.env.PATH = saved.PATH;
      await chmod(join(dir, 'ffmpeg'), 0o644);
    }
  });

  it('runs the npm-shipped ffprobe and ffmpeg, whose versions the pipeline knows', async () => {
    process.env.LECTERN_TOOLS = 'bundled';
    try {
      const tools = await resolveFfmpegTools({ fresh: true });
      const probe = await runProcess(tools.ffprobe, ['-hide_banner', '-version']);
      expect(probe.code).toBe(0);
      expect(probe.stdout).toMatch(/^ffprobe version /);
      const features = await ffmpegFeatures(tools.ffmpeg);
      // The 2018 static build: hls muxer without -master_pl_name and named variants.
      expect(features.legacyHls).toBe(true);
    } finally {
      restoreToolsPolicy();
    }
  });
});

describe('classifyFfmpegFailure', () => {
  it('recognises a full disk, an undecodable input, and anything else', () => {
    const full = classifyFfmpegFailure('[hls @ 0x1] Error writing trailer: No space left on device\n', 1, null);
    expect(full).toBeInstanceOf(PipelineError);
    expect(full.kind).toBe('disk-full');
    expect(classifyFfmpegFailure('x.mov: Invalid data found when processing input\n', 1, null).kind).toBe('input');
    const killed = classifyFfmpegFailure('', null, 'SIGKILL');
    expect(killed).toMatchObject({ kind: 'ffmpeg', message: 'ffmpeg was stopped by SIGKILL' });
    expect(classifyFfmpegFailure('a\nb\nc\nlast words\n', 234, null).message).toBe('ffmpeg exited with code 234: b | c | last words');
  });

  it('recognises ENOSPC from the file system', () => {
    expect(isEnospc(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe(true);
    expect(isEnospc(new Error('other'))).toBe(false);
  });
});
