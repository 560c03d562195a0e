/**
 * Which ffmpeg/ffprobe to run: LECTERN_FFMPEG / LECTERN_FFPROBE when set, else the system ones
 * on PATH, else the static binaries shipped in npm packages (@ffmpeg-installer/ffmpeg and
 * @ffprobe-installer/ffprobe, both dependencies, so `npm ci` alone is enough).
 * LECTERN_TOOLS=bundled skips the system copies (CI runs that way, to prove a bare machine).
 */
import { access, chmod, constants, copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { PipelineError } from './errors.ts';
import { runProcess } from './run.ts';
import { npmToolCache, toolsPolicy } from './tools-policy.ts';

export interface FfmpegTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly source: { readonly ffmpeg: ToolSource; readonly ffprobe: ToolSource };
}

export type ToolSource = 'env' | 'system' | 'npm';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable called `name` on PATH, or null. */
export async function whichOnPath(name: string, pathEnv = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function fromPackage(pkg: string): Promise<string | null> {
  let path: unknown;
  try {
    const mod = (await import(pkg)) as { default?: { path?: unknown }; path?: unknown };
    path = mod.default?.path ?? mod.path;
  } catch {
    return null;
  }
  if (typeof path !== 'string') return null;
  if (await isExecutable(path)) return path;
  return executableCopy(path);
}

/**
 * The installer packages set the execute bit in a postinstall script, which npm 11 does not run
 * unless allowed; the tarball's mode is `u+x` only, so another user cannot run it. A copy in the
 * project's cache, made executable, works for everyone; it is reused while the size matches.
 */
async function executableCopy(path: string): Promise<string | null> {
  try {
    const source = await stat(path);
    const dir = npmToolCache();
    const target = join(dir, `${source.size}-${basename(path)}`);
    if (!(await isExecutable(target))) {
      await mkdir(dir, { recursive: true });
      await copyFile(path, `${target}.tmp`);
      await chmod(`${target}.tmp`, 0o755);
      await rename(`${target}.tmp`, target);
    }
    return target;
  } catch {
    return null;
  }
}

async function resolveTool(name: 'ffmpeg' | 'ffprobe', envVar: string, pkg: string): Promise<{ path: string; source: ToolSource } | null> {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return { path: fromEnv, source: 'env' };
    throw new PipelineError('tools', `${envVar}=${fromEnv} is not an executable file`);
  }
  const system = toolsPolicy() === 'bundled' ? null : await whichOnPath(name);
  if (system) return { path: system, source: 'system' };
  const shipped = await fromPackage(pkg);
  return shipped ? { path: shipped, source: 'npm' } : null;
}

let cached: Promise<FfmpegTools> | undefined;

export async function resolveFfmpegTools(options: { fresh?: boolean } = {}): Promise<FfmpegTools> {
  if (!cached || options.fresh) {
    cached = (async () => {
      const ffmpeg = await resolveTool('ffmpeg', 'LECTERN_FFMPEG', '@ffmpeg-installer/ffmpeg');
      const ffprobe = await resolveTool('ffprobe', 'LECTERN_FFPROBE', '@ffprobe-installer/ffprobe');
      if (!ffmpeg) {
        throw new PipelineError('tools', 'ffmpeg not found: run `npm ci` (it installs @ffmpeg-installer/ffmpeg), or put ffmpeg on PATH');
      }
      if (!ffprobe) {
        throw new PipelineError('tools', 'ffprobe not found: run `npm ci` (it installs @ffprobe-installer/ffprobe), or put ffprobe on PATH');
      }
      return { ffmpeg: ffmpeg.path, ffprobe: ffprobe.path, source: { ffmpeg: ffmpeg.source, ffprobe: ffprobe.source } };
    })();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

export interface FfmpegFeatures {
  readonly version: string;
  /** See FfmpegArgOptions.legacyHls. */
  readonly legacyHls: boolean;
}

/** Pure: `ffmpeg -version` output -> features. Releases >= 5, or snapshots built from 2021 on, are modern. */
export function parseFfmpegVersion(output: string): FfmpegFeatures {
  const version = /ffmpeg version (\S+)/.exec(output)?.[1] ?? 'unknown';
  const release = /^n?(\d+)\.(\d+)/.exec(version);
  if (release) return { version, legacyHls: Number(release[1]) < 5 };
  const year = Number(/Copyright \(c\) \d{4}-(\d{4})/.exec(output)?.[1] ?? 0);
  return { version, legacyHls: year < 2021 };
}

const featureCache = new Map<string, Promise<FfmpegFeatures>>();

export function ffmpegFeatures(ffmpegPath: string): Promise<FfmpegFeatures> {
  let p = featureCache.get(ffmpegPath);
  if (!p) {
    p = runProcess(ffmpegPath, ['-hide_banner', '-version']).then((r) => {
      if (r.code !== 0) throw new PipelineError('tools', `${ffmpegPath} -version failed: ${r.stderr.trim()}`);
      return parseFfmpegVersion(r.stdout);
    });
    featureCache.set(ffmpegPath, p);
    p.catch(() => featureCache.delete(ffmpegPath));
  }
  return p;
}
