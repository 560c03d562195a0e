/**
 * hls.js's network loader, replaced: every playlist and segment request
 * - is answered from the prefetch cache when the player fetched it ahead (start-up, next lesson);
 * - goes through the course's Transport otherwise: signed query appended in cookie-less mode,
 *   cookies sent in cookie mode, and a 403 refreshes the session once and retries, so an
 *   expired cookie never surfaces as an hls.js error.
 * Progress is reported into the same stats object hls.js holds (it reads `loader.stats` for its
 * abandon rules while a fragment loads).
 */
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import type { PrefetchCache } from './prefetch.ts';
// Travels in this lazy chunk with the loader: it only ever runs beside hls.js.
export { FetchWatch } from './fetch-watch.ts';
export { warmLadder } from './warm-ladder.ts';
export { onFatalError } from './hls-recovery.ts';
import type { Fetched, Transport } from './transport.ts';

export interface LoaderDeps {
  readonly cache: PrefetchCache;
  readonly transport: () => Transport;
  /** A fatal session problem (not enrolled, signed out): shown to the person by the element. */
  readonly onSessionError: (error: unknown) => void;
}

function newStats(): LoaderStats {
  return {
    aborted: false,
    loaded: 0,
    retry: 0,
    total: 0,
    chunkCount: 0,
    bwEstimate: 0,
    loading: { start: 0, first: 0, end: 0 },
    parsing: { start: 0, end: 0 },
    buffering: { start: 0, first: 0, end: 0 },
  };
}

type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;

export function createLoaderClass(deps: LoaderDeps): LoaderClass {
  return class LecternLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    stats: LoaderStats = newStats();
    #controller: AbortController | null = null;
    #callbacks: LoaderCallbacks<LoaderContext> | null = null;
    #timer: ReturnType<typeof setTimeout> | undefined;
    #done = false;

    constructor(_config: HlsConfig) {}

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.context = context;
      this.#callbacks = callbacks;
      const stats = this.stats;
      stats.loading.start = performance.now();
      const ranged = Boolean(context.rangeEnd || context.rangeStart);
      const hit = ranged ? undefined : deps.cache.lookup(context.url);
      if (hit) {
        hit.promise.then(
          (result) => {
            if (this.#done) return;
            if (result.ok) {
              deps.cache.markServed(context.url);
              this.#deliver(result, true);
            } else this.#network(config, 0);
          },
          () => !this.#done && this.#network(config, 0),
        );
        return;
      }
      this.#network(config, 0);
    }

    #network(config: LoaderConfiguration, attempt: number): void {
      const context = this.context;
      if (!context || this.#done) return;
      const stats = this.stats;
      const policy = config.loadPolicy;
      const controller = (this.#controller = new AbortController());
      clearTimeout(this.#timer);
      const budget = Number.isFinite(policy.maxLoadTimeMs) && policy.maxLoadTimeMs > 0 ? policy.maxLoadTimeMs : 20_000;
      this.#timer = setTimeout(() => {
        if (this.#done) return;
        controller.abort();
        const retry = policy.timeoutRetry;
        if (retry && attempt < retry.maxNumRetry) {
          stats.retry++;
          this.#network(config, attempt + 1);
          return;
        }
        this.#finish();
        this.#callbacks?.onTimeout(stats, context, null);
      }, budget);
      const headers: Record<string, string> = { ...(context.headers ?? {}) };
      if (context.rangeEnd) headers['Range'] = `bytes=${context.rangeStart ?? 0}-${context.rangeEnd - 1}`;
      stats.loading.first = 0;
      stats.loaded = 0;
      deps
        .transport()
        .get(context.url, {
          signal: controller.signal,
          ...(Object.keys(headers).length ? { headers } : {}),
          onProgress: (loaded, total, first) => {
            stats.loading.first ||= first;
            stats.loaded = loaded;
            if (total) stats.total = total;
            stats.chunkCount++;
          },
        })
        .then(
          (result) => {
            if (this.#done) return;
            if (result.ok) return this.#deliver(result, false);
            const retry = policy.errorRetry;
            // 403 was already retried with a fresh session by the transport.
            const retriable = result.status >= 500 || result.status === 0 || result.status === 429;
            if (retriable && retry && attempt < retry.maxNumRetry) {
              stats.retry++;
              const delay = Math.min(retry.maxRetryDelayMs || 8000, (retry.retryDelayMs || 1000) * 2 ** attempt);
              setTimeout(() => this.#network(config, attempt + 1), delay);
              return;
            }
            this.#finish();
            this.#callbacks?.onError({ code: result.status, text: `HTTP ${result.status}` }, context, null, stats);
          },
          (error: unknown) => {
            if (this.#done || controller.signal.aborted) return;
            if ((error as { name?: string }).name === 'PlayerError') {
              deps.onSessionError(error);
              this.#finish();
              this.#callbacks?.onError({ code: 403, text: (error as Error).message }, context, null, stats);
              return;
            }
            const retry = policy.errorRetry;
            if (retry && attempt < retry.maxNumRetry) {
              stats.retry++;
              setTimeout(() => this.#network(config, attempt + 1), Math.min(retry.maxRetryDelayMs || 8000, (retry.retryDelayMs || 1000) * 2 ** attempt));
              return;
            }
            this.#finish();
            this.#callbacks?.onError({ code: 0, text: (error as Error).message }, context, null, stats);
          },
        );
    }

    #deliver(result: Fetched, fromCache: boolean): void {
      const context = this.context;
      const callbacks = this.#callbacks;
      if (!context || !callbacks) return;
      const stats = this.stats;
      if (fromCache) {
        // The real network timing of the prefetch, so hls.js's bandwidth estimate stays true.
        stats.loading.start = result.start;
        stats.loading.first = result.first;
      } else {
        stats.loading.first ||= result.first;
      }
      stats.loading.end = Math.max(result.end, stats.loading.first);
      stats.loaded = stats.total = result.data.byteLength;
      stats.bwEstimate = (stats.total * 8000) / Math.max(1, stats.loading.end - stats.loading.first);
      const data = context.responseType === 'arraybuffer' ? result.data : new TextDecoder().decode(result.data);
      this.#finish();
      callbacks.onProgress?.(stats, context, data, null);
      callbacks.onSuccess({ url: result.url, data, code: result.status }, stats, context, null);
    }

    #finish(): void {
      this.#done = true;
      clearTimeout(this.#timer);
    }

    abort(): void {
      if (this.#done) return;
      this.#finish();
      this.stats.aborted = true;
      this.#controller?.abort();
      if (this.context) this.#callbacks?.onAbort?.(this.stats, this.context, null);
    }

    destroy(): void {
      if (!this.#done) {
        this.#finish();
        this.#controller?.abort();
      }
      this.#callbacks = null;
      this.context = null;
    }

    getCacheAge(): number | null {
      return null;
    }

    getResponseHeader(): string | null {
      return null;
    }
  };
}
