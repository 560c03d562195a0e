/**
 * The CLI writes lessons into the local stack's buckets without evaluating the program, so
 * the folders it uses and the folders the local stack gives the program's buckets must be the
 * same: this fails when either side moves.
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, testArtifacts } from '../infra/testing/fixtures.ts';
import { originRoot } from '../pipeline/encode-lesson.ts';
import { nextLessonMapPath } from '../pipeline/lessons.ts';
import { localSourcePath } from '../pipeline/on-demand.ts';
import { BUCKET_FOLDERS, dataPaths } from './data-paths.ts';

afterAll(async () => (await testArtifacts()).cleanup());

describe('the data folder and the program', () => {
  it('has a folder for each bucket the program declares by that name', async () => {
    const program = await run();
    const logical = program.ofType('aws:s3/bucket:Bucket').map((b) => b.name).sort();
    expect(Object.keys(BUCKET_FOLDERS).sort()).toEqual(logical);
  });

  it('puts the media bucket, the uploads bucket and the next-lesson store where the pipeline writes them', () => {
    const paths = dataPaths('/data');
    expect(paths.media).toBe(resolve(originRoot('/data')));
    expect(localSourcePath('/data', 'uploads/demo/l1/source.mp4')).toBe(resolve(paths.uploads, 'uploads/demo/l1/source.mp4'));
    expect(paths.kvsFile).toBe(resolve(nextLessonMapPath('/data')));
  });
});
