import { join, resolve } from 'node:path';
import { LOCAL_UPLOADS_BUCKET_DIR } from '../pipeline/on-demand.ts';

/** The data folder's default name, in the current directory (LECTERN_DATA overrides it). */
export const DEFAULT_DATA_DIR = '.lectern';

/**
 * The one map of the data folder (`.lectern`, or LECTERN_DATA): the local stack's state. Each S3 bucket is a
 * folder chosen by the bucket's logical name in the program, so the CLI (lectern encode,
 * migrate: pipeline/encode-lesson.ts) finds the media bucket without evaluating the program;
 * a test keeps the program's names, the pipeline's folder and these in step.
 */
export const BUCKET_FOLDERS: Readonly<Record<string, string>> = {
  'storage-media': join('origin', 'media'),
  'storage-player': join('origin', 'player'),
  'storage-uploads': LOCAL_UPLOADS_BUCKET_DIR,
};

export function dataPaths(dataDir: string) {
  const root = resolve(dataDir);
  const bucket = (logicalName: string) => join(root, BUCKET_FOLDERS[logicalName] ?? join('buckets', logicalName));
  return {
    root,
    bucket,
    media: bucket('storage-media'),
    player: bucket('storage-player'),
    uploads: bucket('storage-uploads'),
    s3Metadata: join(root, 's3-metadata'),
    /** A KeyValueStore's file, by the store's name without the stack's name prefix. */
    kvs: (storeName: string) => join(root, 'kvs', `${storeName}.json`),
    kvsFile: join(root, 'kvs', 'next-lesson.json'),
    dynamo: join(root, 'dynamodb'),
    build: join(root, 'build'),
    lambda: (functionName: string) => join(root, 'lambda', functionName),
    runtime: join(root, 'runtime.json'),
    /** Key material made on first run: the IdP's JWK and the distribution's key pair. */
    keys: join(root, 'keys'),
    idpSigningKey: join(root, 'keys', 'idp-signing.jwk.json'),
    cloudFrontPrivateKey: join(root, 'keys', 'cloudfront-private.pem'),
    cloudFrontPublicKey: join(root, 'keys', 'cloudfront-public.pem'),
  };
}
