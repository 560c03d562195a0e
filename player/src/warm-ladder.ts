/**
 * The other renditions' playlists and init segments (a few KB together), fetched once the
 * first segment is in: a later quality switch, above all an emergency switch down when the
 * bandwidth drops, then costs one segment request instead of three round trips. Travels in
 * the hls.js loader's lazy chunk: it only runs beside hls.js.
 */
import { parseMedia } from './m3u8.ts';
import { text, type PrefetchCache } from './prefetch.ts';
import type { Transport } from './transport.ts';
import { lessonKey, type Prepared } from './engine-startup.ts';

export async function warmLadder(prepared: Prepared, cache: PrefetchCache, transport: Transport, stopped: () => boolean): Promise<void> {
  const group = lessonKey(prepared.lesson);
  for (const variant of prepared.master.variants) {
    if (stopped()) return;
    if (variant.url === prepared.start.variant.url) continue;
    const res = await cache.fetch(transport, variant.url, group).catch(() => null);
    if (!res?.ok) continue;
    const initUrl = parseMedia(text(res), res.url).initUrl;
    if (initUrl) await cache.fetch(transport, initUrl, group).catch(() => null);
  }
}
