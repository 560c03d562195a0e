import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { DeployedLambda } from '../deployed-stack.ts';

/**
 * Unpacks a function's deployment package (the program's AssetArchive) into `dir`, replacing
 * what a previous start left there: the files Lambda would extract into /var/task.
 */
export async function unpackDeploymentPackage(lambda: DeployedLambda, dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, file] of Object.entries(lambda.files)) {
    const target = normalize(join(dir, name));
    if (!target.startsWith(dir + sep)) throw new Error(`${lambda.functionName}: package entry ${name} leaves the package`);
    await mkdir(dirname(target), { recursive: true });
    if ('path' in file) await copyFile(file.path, target);
    else await writeFile(target, file.text);
  }
  return dir;
}
