/**
 * Atomic file writes: the bytes go to a temporary file in the target's own folder (same file
 * system, so the final step is a rename), then the temporary file is renamed over the target.
 * A reader opening the target sees the old file or the new one, never a part of either.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PARTIAL_FILE_PREFIX } from './object-keys.ts';

/** A temporary path beside `target` (its folder is created). */
export async function partialFileFor(target: string): Promise<string> {
  await mkdir(path.dirname(target), { recursive: true });
  return path.join(path.dirname(target), `${PARTIAL_FILE_PREFIX}${randomBytes(6).toString('hex')}-${path.basename(target).slice(0, 64)}`);
}

/** Renames a finished temporary file over `target`; the temporary file is removed on failure. */
export async function commitFile(partial: string, target: string): Promise<void> {
  try {
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

export async function writeFileAtomic(target: string, data: string | Buffer): Promise<void> {
  const partial = await partialFileFor(target);
  try {
    await writeFile(partial, data);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await commitFile(partial, target);
}
