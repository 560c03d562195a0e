/**
 * Where the project's external programs (ffmpeg, ffprobe, chromium) come from.
 * LECTERN_TOOLS: `auto` (default) prefers the system's copy on PATH and falls back to the one
 * npm installed; `bundled` uses only what npm installed, as a machine with nothing but Node
 * would (CI runs this way). Read on every call, so tests can switch it.
 */
import { join, resolve } from 'node:path';

export type ToolsPolicy = 'auto' | 'bundled';

export function toolsPolicy(env: NodeJS.ProcessEnv = process.env): ToolsPolicy {
  const value = env['LECTERN_TOOLS'];
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'bundled') return 'bundled';
  throw new Error(`LECTERN_TOOLS=${value} is not one of auto, bundled`);
}

/** Executable copies of npm-shipped binaries (see ffmpeg-path.ts), under node_modules/.cache. */
export function npmToolCache(): string {
  return join(resolve(import.meta.dirname, '..'), 'node_modules', '.cache', 'lectern-tools');
}
