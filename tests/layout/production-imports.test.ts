/**
 * What deploys imports nothing from the stand-ins: production code (edge/, infra/, pipeline/,
 * tables/, player/) never reaches emulator/ or local/, so nothing of the local system can ride
 * along into a bundle or a deployment. Tests and test fixtures may.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PRODUCTION = ['edge', 'infra', 'pipeline', 'tables', 'player'];
const STAND_INS = ['emulator', 'local'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'testing' ? [] : sources(full);
    return /\.(ts|mts|mjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)]
    .map((m) => (m[1] ?? m[2]) as string)
    .map((spec) => relative(ROOT, resolve(dirname(file), spec)));
}

describe('production code and the local stand-ins', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsOf(join(ROOT, 'infra', 'program.ts'))).toContain(join('edge', 'media-types.ts'));
  });

  it.each(PRODUCTION)('%s/ imports nothing from emulator/ or local/', (dir) => {
    const offending = sources(join(ROOT, dir)).flatMap((file) =>
      importsOf(file).filter((target) => STAND_INS.some((s) => target.startsWith(s + '/'))).map((target) => `${relative(ROOT, file)} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });
});
