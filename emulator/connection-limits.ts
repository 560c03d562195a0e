/**
 * How long a client may take, and how much it may hold open, on the local servers browsers
 * reach by a fixed port (the distribution and the IdP). Without bounds one slow or greedy
 * client (a page on any site can open sockets to localhost) holds the machine's only
 * distribution. Each field states its unit; DEFAULT_CONNECTION_LIMITS states the defaults.
 */
export interface ConnectionLimits {
  /** Milliseconds from a connection's (or request's) first byte to the end of its headers; then 408 and closed. */
  readonly headersTimeoutMs: number;
  /** Milliseconds from a request's first byte to the end of its body; then 408 and closed. Not less than headersTimeoutMs. */
  readonly requestTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection waits for its next request (Node adds a 1 s grace before closing). */
  readonly keepAliveTimeoutMs: number;
  /** Milliseconds a connection may pass with no byte either way while a request is in flight. */
  readonly idleSocketTimeoutMs: number;
  /** Header fields per request; a request with more is answered 431. */
  readonly maxHeaderCount: number;
  /** Bytes of request line and headers together; a request with more is answered 431. */
  readonly maxHeaderBytes: number;
  /** Connections open at once, from everyone; one more is closed as it arrives. */
  readonly maxConnections: number;
  /** Connections open at once from one remote address; one more is closed as it arrives. */
  readonly maxConnectionsPerClient: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  // The largest body sent is a 64 KB /auth/* request: seconds, even on a slow link.
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  // Above the longest quiet stretch a real request has: a Lambda@Edge viewer trigger (5 s).
  idleSocketTimeoutMs: 60_000,
  maxHeaderCount: 100,
  // CloudFront's quota on a request's length with headers and query string, body excluded
  // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-general).
  maxHeaderBytes: 20_480,
  maxConnections: 256,
  // Every local client shares 127.0.0.1: room for a browser's six per host on each of several
  // tabs and origins, the test suites and a benchmark's proxy, not for a socket flood.
  maxConnectionsPerClient: 64,
};

/** The defaults with `overrides` applied; throws on a value no server could keep. */
export function connectionLimits(overrides: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`connection limit ${name} must be a positive integer, not ${String(value)}`);
  }
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) throw new RangeError('connection limit requestTimeoutMs must not be less than headersTimeoutMs');
  return limits;
}
