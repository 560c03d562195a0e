/**
 * Scrub thumbnails (the pipeline's sprite + WebVTT, or MediaConvert's image-stream playlist),
 * loaded on first use. Captions: caption-tracks.ts.
 */
import { imageStreamThumbnails } from './m3u8.ts';
import { text } from './prefetch.ts';
import type { Fetched, Transport } from './transport.ts';
import { thumbnailIndex, vttThumbnails, type Thumbnail } from './vtt.ts';
import type { Prepared } from './engine-startup.ts';

export type ThumbnailLookup = (time: number) => Thumbnail | undefined;

export class Thumbnails {
  readonly #indexes = new Map<string, Promise<ThumbnailLookup | null>>();

  get(transport: Transport, prepared: Prepared): Promise<ThumbnailLookup | null> {
    if (!prepared.thumbnailsUrl) return Promise.resolve(null);
    let index = this.#indexes.get(prepared.thumbnailsUrl);
    if (!index) {
      const entries = (res: Fetched) => (new URL(res.url).pathname.endsWith('.m3u8') ? imageStreamThumbnails(text(res), res.url) : vttThumbnails(text(res), res.url));
      index = transport
        .get(prepared.thumbnailsUrl)
        .then((res) => (res.ok ? thumbnailIndex(entries(res)) : null))
        .catch(() => null);
      this.#indexes.set(prepared.thumbnailsUrl, index);
    }
    return index;
  }
}
