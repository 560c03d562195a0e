/**
 * What every table module shares: the item type, per-call cut-offs (the edge functions give each
 * call its own timeout inside Lambda@Edge's 5 s, optionally tied to the request's budget), the
 * conditional-check test, and paging through a Query or Scan. No node: imports: the Lambda@Edge
 * bundles include these modules.
 */
import { ConditionalCheckFailedException, type AttributeValue, type DynamoDBClient, type QueryCommand, type ScanCommand } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export interface CallOptions {
  /** Milliseconds for the whole call, its retries included. */
  readonly timeoutMs?: number;
  /** The caller's own budget (e.g. the request's): the call is cut off at whichever ends first. */
  readonly signal?: AbortSignal;
}

/** The `send` options for a call: an abort signal when a timeout or signal is given. */
export function sendOptions(options: CallOptions = {}): { abortSignal?: AbortSignal } {
  const own = options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined;
  const signal = own && options.signal ? AbortSignal.any([own, options.signal]) : (own ?? options.signal);
  return signal ? { abortSignal: signal } : {};
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** Every item of a Query or Scan, following LastEvaluatedKey page by page. */
export async function allItems(
  dynamo: DynamoDBClient,
  page: (start: Item | undefined) => QueryCommand | ScanCommand,
  options: CallOptions = {},
): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    // Query and Scan answer the same page shape; send()'s overloads just cannot take the union.
    const result = await dynamo.send(page(start) as QueryCommand, sendOptions(options));
    out.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start);
  return out;
}

export const str = (item: Item, key: string): string | undefined => item[key]?.S;

export function num(item: Item, key: string): number | undefined {
  const v = item[key]?.N;
  return v === undefined ? undefined : Number(v);
}
