/**
 * Which chromium the browser tests and the start-up bench drive through playwright-core:
 * CHROMIUM_PATH when set, else the system's chromium (PATH or /usr/bin/chromium), else the
 * build @sparticuz/chromium ships in its tarball (a devDependency, so `npm ci` is enough; it
 * unpacks into the OS temp folder on first use and needs no system libraries).
 * LECTERN_TOOLS=bundled skips the system's copy. A browser is never optional: not finding one
 * throws with the one-line fix.
 */
import { existsSync } from 'node:fs';
import { whichOnPath } from '../../pipeline/ffmpeg-path.ts';
import { toolsPolicy } from '../../pipeline/tools-policy.ts';

export interface ChromiumBinary {
  readonly path: string;
  readonly source: 'env' | 'system' | 'npm';
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

let cached: Promise<ChromiumBinary> | undefined;

export function resolveChromium(options: { fresh?: boolean } = {}): Promise<ChromiumBinary> {
  if (!cached || options.fresh) {
    cached = find();
    cached.catch(() => (cached = undefined));
  }
  return cached;
}

async function find(): Promise<ChromiumBinary> {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (existsSync(fromEnv)) return { path: fromEnv, source: 'env' };
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist: unset it to use the chromium npm installs`);
  }
  if (toolsPolicy() !== 'bundled') {
    for (const name of SYSTEM_NAMES) {
      const onPath = await whichOnPath(name);
      if (onPath) return { path: onPath, source: 'system' };
    }
  }
  let mod: { default: { executablePath(): Promise<string> } };
  try {
    mod = (await import('@sparticuz/chromium')) as typeof mod;
  } catch {
    throw new Error('no chromium found: run `npm ci` (it installs @sparticuz/chromium), or set CHROMIUM_PATH');
  }
  const path = await mod.default.executablePath();
  if (!existsSync(path)) throw new Error(`@sparticuz/chromium unpacked nothing at ${path}: run \`npm ci\` again`);
  return { path, source: 'npm' };
}
