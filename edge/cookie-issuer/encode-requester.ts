import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { EncodeRequest } from '../encode-request.ts';
import { LecternError } from '../errors.ts';

/** Starts an encode somewhere else; resolves once the request is accepted (not when it is done). */
export interface EncodeRequester {
  request(request: EncodeRequest): Promise<void>;
}

/**
 * An asynchronous invoke (InvocationType Event: Lambda queues it and answers 202 at
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
