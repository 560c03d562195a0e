import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { playerSourceFiles } from './build.ts';

const PLAYER_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(PLAYER_DIR, '..');

/** Relative imports of a file, resolved to paths. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1]!));
}

describe('the player build cache', () => {
  it('hashes every module the player bundles, those outside player/ included, so a change to any rebuilds it', async () => {
    const files = new Set(await playerSourceFiles());
    const sources = [...files].filter((f) => f.endsWith('.ts'));
    const missing: string[] = [];
    for (const file of sources) {
      for (const target of await importsOf(file)) {
        if (!target.endsWith('.ts') || target.endsWith('.test.ts')) continue;
        if (!files.has(target)) missing.push(`${relative(REPO, file)} -> ${relative(REPO, target)}`);
      }
    }
    expect(missing).toEqual([]);
    expect([...files].some((f) => f.endsWith('edge/signed-url.ts'))).toBe(true);
  });
});
