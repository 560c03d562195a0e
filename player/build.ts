/**
 * `npm run build` (player part): Vite builds the watch page (ESM, hls.js split into a
 * lazily imported chunk, the captions UI another) and the embed (one classic IIFE script, with
 * the captions UI as a second one), builds the same hls.js as a classic script for the embed,
 * measures every script gzipped and fails over PLAYER_BUDGET.
 *
 * `ensurePlayerBuild()` is what `startLocalSystem` calls: it rebuilds only when the player's
 * sources changed since the last build (hash in player/build.json), under a lock so parallel
 * test processes do not build over each other.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { overBudget, PLAYER_BUDGET, type PlayerSizes } from './budget.ts';
import { HLS_SOURCE_ENTRY, hlsDefines, hlsFeatureShims, hlsVersion } from './hls-features.ts';
import { minifyStyleLiterals } from './style-literals.ts';

const PLAYER_DIR = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(PLAYER_DIR, '..');
export const PLAYER_DIST = join(REPO, 'dist', 'player');

export interface PlayerBuildReport {
  readonly outDir: string;
  readonly sourceHash: string;
  readonly files: readonly { file: string; bytes: number; gzipBytes: number; role: 'initial' | 'lazy' | 'on-use' | 'embed' | 'hls-classic' }[];
  readonly sizes: PlayerSizes;
  readonly budget: typeof PLAYER_BUDGET;
}

export class PlayerBudgetError extends Error {
  override name = 'PlayerBudgetError';
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

/** Every file that shapes the build output: a change to any of them rebuilds it. */
export async function playerSourceFiles(): Promise<string[]> {
  return [
    ...(await walk(join(PLAYER_DIR, 'src'))),
    ...(await walk(join(PLAYER_DIR, 'shell'))),
    ...(await walk(join(PLAYER_DIR, 'hls-shims'))),
    // Modules from outside player/ that it bundles (player/build.test.ts checks the list).
    ...(await walk(join(REPO, 'pipeline', 'hls'))),
    join(REPO, 'edge', 'signed-url.ts'),
    join(PLAYER_DIR, 'index.html'),
    join(PLAYER_DIR, 'vite.config.ts'),
    join(PLAYER_DIR, 'style-literals.ts'),
    join(PLAYER_DIR, 'build.ts'),
    join(PLAYER_DIR, 'budget.ts'),
    join(PLAYER_DIR, 'hls-features.ts'),
    join(REPO, 'node_modules', 'hls.js', 'package.json'),
    join(REPO, 'node_modules', 'vite', 'package.json'),
  ]
    .filter((f) => !f.endsWith('.test.ts'))
    .sort();
}

/** Hash of everything that shapes the build output. */
export async function playerSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = await playerSourceFiles();
  for (const file of files) {
    hash.update(relative(REPO, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function gz(data: Buffer): number {
  return gzipSync(data, { level: 9 }).byteLength;
}

export async function buildPlayer(options: { outDir?: string; log?: (line: string) => void } = {}): Promise<PlayerBuildReport> {
  const outDir = options.outDir ?? PLAYER_DIST;
  const log = options.log ?? (() => {});
  const { build } = await import('vite');
  const sourceHash = await playerSourceHash();
  const configFile = join(PLAYER_DIR, 'vite.config.ts');

  // 1. The watch page.
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });

  // 2. The same hls.js as a classic script for the embed (global Hls), content-hashed (cacheable forever).
  const hlsTmp = 'player/assets/hls.classic.js';
  await build({
    configFile: false,
    root: PLAYER_DIR,
    logLevel: 'warn',
    publicDir: false,
    plugins: [hlsFeatureShims()],
    define: hlsDefines(hlsVersion()),
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      reportCompressedSize: false,
      lib: { entry: HLS_SOURCE_ENTRY, formats: ['iife'], name: 'Hls', fileName: () => hlsTmp },
    },
  });
  const hlsBytes = await readFile(join(outDir, hlsTmp));
  const hlsName = `hls.classic-${createHash('sha256').update(hlsBytes).digest('hex').slice(0, 8)}.js`;
  await rename(join(outDir, hlsTmp), join(outDir, 'player', 'assets', hlsName));

  // 3. The captions UI for the embed: a classic script defining LecternCaptionsUi, content-hashed.
  const captionsTmp = 'player/assets/captions-ui.classic.js';
  await build({
    configFile: false,
    root: PLAYER_DIR,
    logLevel: 'warn',
    publicDir: false,
    plugins: [minifyStyleLiterals()],
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      reportCompressedSize: false,
      lib: { entry: join(PLAYER_DIR, 'src', 'captions-ui.ts'), formats: ['iife'], name: 'LecternCaptionsUi', fileName: () => captionsTmp },
    },
  });
  const captionsBytes = await readFile(join(outDir, captionsTmp));
  const captionsName = `captions-ui.classic-${createHash('sha256').update(captionsBytes).digest('hex').slice(0, 8)}.js`;
  await rename(join(outDir, captionsTmp), join(outDir, 'player', 'assets', captionsName));

  // 4. The embed: one IIFE, no imports, at a stable URL.
  await build({
    configFile: false,
    root: PLAYER_DIR,
    logLevel: 'warn',
    publicDir: false,
    plugins: [minifyStyleLiterals()],
    define: { __HLS_CLASSIC_FILE__: JSON.stringify(`assets/${hlsName}`), __CAPTIONS_UI_CLASSIC_FILE__: JSON.stringify(`assets/${captionsName}`) },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      reportCompressedSize: false,
      lib: { entry: join(PLAYER_DIR, 'src', 'embed.ts'), formats: ['iife'], name: 'LecternEmbed', fileName: () => 'player/embed.js' },
    },
  });

  // 5. Measure, classify, check.
  const manifestPath = join(outDir, '.vite', 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, { file: string; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean }>;
  const initial = new Set<string>();
  const visit = (key: string): void => {
    const chunk = manifest[key];
    if (!chunk || initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  await rm(join(outDir, '.vite'), { recursive: true, force: true });

  const files: PlayerBuildReport['files'][number][] = [];
  for (const full of await walk(outDir)) {
    if (!full.endsWith('.js')) continue;
    const file = relative(outDir, full).split('\\').join('/');
    const data = await readFile(full);
    const role = file === 'player/embed.js' ? 'embed' : file.endsWith(hlsName) ? 'hls-classic' : initial.has(file) ? 'initial' : /\/captions-ui[-.]/.test(file) ? 'on-use' : 'lazy';
    files.push({ file, bytes: data.byteLength, gzipBytes: gz(data), role });
  }
  const sum = (role: string) => files.filter((f) => f.role === role).reduce((s, f) => s + f.gzipBytes, 0);
  const hlsChunk = files.filter((f) => f.role === 'lazy' && /hls/.test(f.file)).reduce((s, f) => s + f.gzipBytes, 0);
  const sizes: PlayerSizes = {
    initialGzipBytes: sum('initial'),
    embedGzipBytes: sum('embed'),
    hlsGzipBytes: Math.max(hlsChunk, sum('hls-classic')),
    onUseGzipBytes: Math.max(0, ...files.filter((f) => f.role === 'on-use').map((f) => f.gzipBytes)),
    // What a student downloads to watch: the page and its lazy hls.js chunk, or the embed and its classic hls.js.
    totalGzipBytes: Math.max(sum('initial') + sum('lazy'), sum('embed') + sum('hls-classic')),
  };
  const report: PlayerBuildReport = { outDir, sourceHash, files, sizes, budget: PLAYER_BUDGET };
  await writeFile(join(outDir, 'player', 'build.json'), JSON.stringify(report, null, 2));
  for (const f of files) log(`  ${f.role.padEnd(11)} ${f.file.padEnd(48)} ${(f.bytes / 1024).toFixed(1).padStart(7)} KB  ${(f.gzipBytes / 1024).toFixed(1).padStart(6)} KB gzip`);
  const over = overBudget(sizes);
  if (over.length > 0) {
    // A build over budget must not be served by a later start either.
    await rm(join(outDir, 'player', 'build.json'), { force: true });
    throw new PlayerBudgetError(`player JavaScript over budget:\n  ${over.join('\n  ')}`);
  }
  return report;
}

async function readReport(outDir: string): Promise<PlayerBuildReport | null> {
  try {
    return JSON.parse(await readFile(join(outDir, 'player', 'build.json'), 'utf8')) as PlayerBuildReport;
  } catch {
    return null;
  }
}

async function withLock<T>(lockDir: string, run: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockDir), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lockDir).then((s) => s.mtimeMs, () => Date.now()));
      if (age > 180_000) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() - started > 240_000) throw new Error(`player build lock ${lockDir} held too long`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/**
 * The built player, rebuilt if its sources changed, then `install(outDir)` runs while the
 * lock is held (so a parallel rebuild cannot swap files mid-copy).
 */
export async function ensurePlayerBuild(install: (outDir: string) => Promise<void>, log?: (line: string) => void): Promise<PlayerBuildReport> {
  return withLock(join(REPO, 'dist', '.player-build.lock'), async () => {
    const hash = await playerSourceHash();
    let report = await readReport(PLAYER_DIST);
    if (!report || report.sourceHash !== hash || !existsSync(join(PLAYER_DIST, 'index.html'))) {
      log?.('lectern: building the player (sources changed)');
      const tmp = `${PLAYER_DIST}.tmp-${process.pid}`;
      await rm(tmp, { recursive: true, force: true });
      report = await buildPlayer({ outDir: tmp });
      await rm(PLAYER_DIST, { recursive: true, force: true });
      await rename(tmp, PLAYER_DIST);
      report = { ...report, outDir: PLAYER_DIST };
    }
    await install(PLAYER_DIST);
    return report;
  });
}

async function main(): Promise<void> {
  const report = await withLock(join(REPO, 'dist', '.player-build.lock'), () => buildPlayer({ log: (line) => console.log(line) }));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const { sizes, budget } = report;
  console.log(
    `player          dist/player  initial ${kb(sizes.initialGzipBytes)} (budget ${kb(budget.initialGzipBytes)}), embed ${kb(sizes.embedGzipBytes)} (budget ${kb(budget.embedGzipBytes)}), ` +
      `hls.js ${kb(sizes.hlsGzipBytes)} lazy (budget ${kb(budget.hlsGzipBytes)}), captions UI ${kb(sizes.onUseGzipBytes)} on use (budget ${kb(budget.onUseGzipBytes)}), total ${kb(sizes.totalGzipBytes)} (budget ${kb(budget.totalGzipBytes)}), gzip`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof PlayerBudgetError ? error.message : error);
    process.exitCode = 1;
  });
}
