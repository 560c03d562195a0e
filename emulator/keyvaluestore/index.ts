/**
 * A local stand-in for the CloudFront KeyValueStore data plane, reached through the real
 * `@aws-sdk/client-cloudfront-keyvaluestore` (the client's `endpoint`, or
 * AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE). Each store's storage is its file in CloudFront's
 * KVS import format, the file the local CloudFront Function reads (emulator/cloudfront/kvs-file.ts):
 * a key the completion handler writes is seen by the viewer-request function at once.
 *
 * The SDK puts the account id of the store's ARN in front of the endpoint's host name, so
 * give clients a host-name endpoint whose subdomains reach 127.0.0.1 (e.g. replace
 * `127.0.0.1` in `endpoint` with `kvs.localhost` and use pipeline/aws/loopback-agent.ts, or a
 * sandbox that resolves *.localhost to loopback); `@aws-sdk/signature-v4a` must be loaded
 * for the SDK to sign.
 *
 * Production code never imports this; the local stack (local/stand-ins.ts) and tests do.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../loopback-server.ts';
import { KvsFileStore } from './kvs-file-store.ts';
import { createKvsHandler, type KvsStoreEntry } from './server.ts';

export { MAX_KEY_BYTES, MAX_STORE_BYTES, MAX_VALUE_BYTES } from './quotas.ts';

export interface KeyValueStoreStandInOptions {
  /** Each store's ARN and its file (created, empty, when missing). */
  readonly stores: readonly { readonly arn: string; readonly file: string }[];
  readonly log?: (line: string) => void;
  /** Port on 127.0.0.1; default any free port. */
  readonly port?: number;
}

export interface KeyValueStoreStandIn {
  /** `http://127.0.0.1:<port>`; see above for the host name clients need. */
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startKeyValueStoreStandIn(options: KeyValueStoreStandInOptions): Promise<KeyValueStoreStandIn> {
  const stores = new Map<string, KvsStoreEntry>();
  for (const { arn, file } of options.stores) {
    if (!/^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[\w-]+$/.test(arn)) throw new Error(`${arn} is not a CloudFront KeyValueStore ARN`);
    const store = new KvsFileStore(file);
    await store.ensure();
    await store.read();
    stores.set(arn, { arn, store, created: new Date() });
  }
  const server = createServer(createKvsHandler(stores, options.log ?? (() => {})));
  const listening = await listenOnLoopback(server, options.port);
  return {
    endpoint: listening.endpoint,
    close: listening.close,
  };
}
