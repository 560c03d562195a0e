import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { EncodeRequest } from '../encode-request.ts';
import { LecternError } from '../errors.ts';

/** Starts an encode somewhere else; resolves once the request is accepted (not when it is done). */
export interface EncodeRequester {
  request(request: EncodeRequest): Promise<void>;
}

/**
 * Locally: POST to the local system's encode-request endpoint (loopback, a random bearer secret
 * known only to this config), which queues an in-process encodeLesson.
 */
export function httpEncodeRequester(options: { url: string; secret: string; timeoutMs: number; fetch?: typeof fetch }): EncodeRequester {
  const doFetch = options.fetch ?? fetch;
  return {
    async request(request) {
      let status: number;
      try {
        const response = await doFetch(options.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.secret}`, 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        throw new LecternError('ERR_ENCODE_UNAVAILABLE', 'encode request failed', { cause: error });
      }
      if (status !== 202 && status !== 200) throw new LecternError('ERR_ENCODE_UNAVAILABLE', `encode endpoint answered ${status}`);
    },
  };
}

/**
 * On AWS: an asynchronous invoke (InvocationType Event: Lambda queues it and answers 202 at
 * once) of the upload-trigger function, which submits the MediaConvert job. The issuer's role
 * needs lambda:InvokeFunction on that function.
 */
export function lambdaEncodeRequester(options: { functionName: string; region: string; timeoutMs: number; client?: Pick<LambdaClient, 'send'> }): EncodeRequester {
  const client = options.client ?? new LambdaClient({ region: options.region, maxAttempts: 2 });
  return {
    async request(request) {
      let status: number | undefined;
      try {
        const result = await client.send(
          new InvokeCommand({ FunctionName: options.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(request)) }),
          { abortSignal: AbortSignal.timeout(options.timeoutMs) },
        );
        status = result.StatusCode;
      } catch (error) {
        throw new LecternError('ERR_ENCODE_UNAVAILABLE', 'invoke failed', { cause: error });
      }
      if (status !== 202) throw new LecternError('ERR_ENCODE_UNAVAILABLE', `invoke answered ${String(status)}`);
    },
  };
}
