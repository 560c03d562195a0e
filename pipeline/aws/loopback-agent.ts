import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';

/**
 * For local endpoints only (tests, `config.endpoints`): an HTTP agent whose DNS lookup answers
 * 127.0.0.1 for every host name. CloudFront KeyValueStore's endpoint rules prefix the account id
 * to the endpoint's host (`111122223333.fake-aws.test`), which no resolver answers; use a host
 * name, not an IP, in such an endpoint.
 */
export function loopbackAgent(): Agent {
  const lookup = ((_host: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void) => {
    const cb = typeof options === 'function' ? (options as typeof callback) : callback;
    if (typeof options === 'object' && options?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;
  return new Agent({ keepAlive: false, lookup } as ConstructorParameters<typeof Agent>[0]);
}
