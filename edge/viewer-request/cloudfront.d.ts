/**
 * The `cloudfront` module of the cloudfront-js-2.0 runtime, as far as lectern uses it
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html).
 * Only the CloudFront Function imports it; esbuild keeps the import external, and the local
 * sandbox (emulator/cloudfront/function-sandbox.ts) supplies it when it runs the built file.
 */
declare module 'cloudfront' {
  interface KeyValueStoreHandle {
    /** Rejects when the key does not exist. */
    get(key: string, options?: { format?: 'string' }): Promise<string>;
    get(key: string, options: { format: 'json' }): Promise<unknown>;
    get(key: string, options: { format: 'bytes' }): Promise<Uint8Array>;
    exists(key: string): Promise<boolean>;
    meta(): Promise<{ creationDateTime: string; lastUpdatedDateTime: string; keyCount: number }>;
  }
  const cf: {
    /** The key value store associated with the function (an id is optional with one store). */
    kvs(id?: string): KeyValueStoreHandle;
  };
  export default cf;
}
