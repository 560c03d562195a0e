/**
 * Media GETs for one course, through its Session: signed in cookie-less mode, and a 403 costs
 * one session refresh and a retry, never a visible error.
 */
import type { Session } from './session.ts';
import { canonicalUrl } from './signed-url.ts';

export interface Fetched {
  /** Canonical (unsigned) final URL, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly ok: boolean;
  readonly data: ArrayBuffer;
  /** performance.now() at request start, first byte, end. */
  readonly start: number;
  readonly first: number;
  readonly end: number;
}

export interface GetOptions {
  readonly signal?: AbortSignal;
  readonly headers?: Record<string, string>;
  readonly onProgress?: (loaded: number, total: number, first: number) => void;
}

/**
 * Media GETs for one course. A 403 means "no valid session": refresh it once and retry, so a
 * cookie that expired mid-lesson costs one round trip, not a visible error.
 */
export class Transport {
  readonly session: Session;
  /** 403s recovered by a refresh, for tests. */
  recovered = 0;

  constructor(session: Session) {
    this.session = session;
  }

  async get(url: string, options: GetOptions = {}): Promise<Fetched> {
    let result = await this.#once(url, options);
    if (result.status !== 403) return result;
    await this.session.refresh('403');
    result = await this.#once(url, options);
    if (result.status === 403 && this.session.fallBackToSignedQuery()) result = await this.#once(url, options);
    if (result.ok) this.recovered++;
    return result;
  }

  async #once(url: string, options: GetOptions): Promise<Fetched> {
    await this.session.ensure();
    const start = performance.now();
    const response = await fetch(this.session.sign(url), {
      credentials: this.session.credentials,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    const first = performance.now();
    let data: ArrayBuffer;
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      data = new ArrayBuffer(0);
    } else if (options.onProgress && response.body) {
      const total = Number(response.headers.get('content-length')) || 0;
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let loaded = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        options.onProgress(loaded, total, first);
      }
      const joined = new Uint8Array(loaded);
      let at = 0;
      for (const chunk of chunks) {
        joined.set(chunk, at);
        at += chunk.byteLength;
      }
      data = joined.buffer;
    } else {
      data = await response.arrayBuffer();
    }
    return { url: canonicalUrl(response.url || url), status: response.status, ok: response.ok, data, start, first, end: performance.now() };
  }
}
