/**
 * The error a CloudFront Function run ends with, and how a thrown value is described in its
 * message; shared by the sandbox and the result validation.
 */
/** What CloudFront would do with the viewer when the function fails. */
export class CloudFrontFunctionError extends Error {
  /** `load`: CloudFront would not accept the code; `execution`: it threw or never finished. */
  readonly kind: 'load' | 'execution' | 'validation';
  /** 503 for an execution error, 502 for a result that fails validation. */
  readonly status: number;
  constructor(kind: 'load' | 'execution' | 'validation', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudFrontFunctionError';
    this.kind = kind;
    this.status = kind === 'validation' ? 502 : 503;
  }
}

export function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const name = 'name' in e ? String((e as { name: unknown }).name) : 'Error';
    return `${name}: ${String((e as { message: unknown }).message)}`;
  }
  return String(e);
}
