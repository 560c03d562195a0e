/**
 * Responses fetched ahead of hls.js (start-up and next-lesson prefetch), keyed by canonical
 * URL. hls.js's loader asks here first, so a prefetched playlist or segment is never fetched
 * twice and the next click plays from memory.
 */
import { canonicalUrl } from './signed-url.ts';
import type { Fetched, Transport } from './transport.ts';

export interface CacheEntry {
  readonly key: string;
  readonly promise: Promise<Fetched>;
  /** Set once settled. */
  result?: Fetched;
  /** Lesson this belongs to, `course/lesson`, for eviction. */
  readonly group: string;
}

export class PrefetchCache {
  readonly #entries = new Map<string, CacheEntry>();
  /** URLs served from memory, for tests and the bench. */
  readonly served: string[] = [];

  has(url: string): boolean {
    return this.#entries.has(canonicalUrl(url));
  }

  /** Starts (or joins) a fetch. Failed fetches are dropped so a retry goes to the network. */
  fetch(transport: Transport, url: string, group: string): Promise<Fetched> {
    const key = canonicalUrl(url);
    const existing = this.#entries.get(key);
    if (existing) return existing.promise;
    const promise = transport.get(key);
    const entry: CacheEntry = { key, promise, group };
    this.#entries.set(key, entry);
    promise.then(
      (result) => {
        entry.result = result;
        if (!result.ok) this.#entries.delete(key);
      },
      () => this.#entries.delete(key),
    );
    return promise;
  }

  /** Stores a response fetched elsewhere (the next-lesson redirect's target). */
  put(result: Fetched, group: string): void {
    if (!result.ok) return;
    const entry: CacheEntry = { key: result.url, promise: Promise.resolve(result), result, group };
    this.#entries.set(result.url, entry);
  }

  lookup(url: string): CacheEntry | undefined {
    return this.#entries.get(canonicalUrl(url));
  }

  markServed(url: string): void {
    this.served.push(canonicalUrl(url));
  }

  /** Drops everything not in `keep` (lesson groups). */
  retain(keep: readonly string[]): void {
    for (const [key, entry] of this.#entries) if (!keep.includes(entry.group)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export function text(result: Fetched): string {
  return new TextDecoder().decode(result.data);
}
