/**
 * Captions (EXT-X-MEDIA TYPE=SUBTITLES, WebVTT read by the player: hls.js light has no subtitle
 * support) and scrub thumbnails (the pipeline's sprite + WebVTT, or MediaConvert's image-stream
 * playlist), each loaded on first use.
 */
import { imageStreamThumbnails, parseMedia, type SubtitleRendition } from './m3u8.ts';
import { text } from './prefetch.ts';
import type { Fetched, Transport } from './transport.ts';
import { parseVtt, thumbnailIndex, vttThumbnails, type Thumbnail } from './vtt.ts';
import type { Prepared } from './engine-startup.ts';
import type { Controller } from './listeners.ts';

export type ThumbnailLookup = (time: number) => Thumbnail | undefined;

export class Captions implements Controller {
  readonly #tracks = new Map<string, { track: TextTrack; loaded: Promise<void> | null }>();

  readonly #video: HTMLVideoElement;

  constructor(video: HTMLVideoElement) {
    this.#video = video;
  }

  async enable(transport: Transport, rendition: SubtitleRendition | null): Promise<void> {
    for (const entry of this.#tracks.values()) entry.track.mode = 'disabled';
    if (!rendition) return;
    let entry = this.#tracks.get(rendition.url);
    if (!entry) {
      entry = { track: this.#video.addTextTrack('captions', rendition.name, rendition.language ?? ''), loaded: null };
      this.#tracks.set(rendition.url, entry);
    }
    const target = entry;
    target.track.mode = 'showing';
    target.loaded ??= (async () => {
      const playlistRes = await transport.get(rendition.url);
      if (!playlistRes.ok) throw new Error(`captions ${playlistRes.status}`);
      const body = text(playlistRes);
      const files = body.startsWith('WEBVTT') ? [playlistRes] : await Promise.all(parseMedia(body, playlistRes.url).segments.map((s) => transport.get(s.url)));
      for (const file of files) {
        if (!file.ok) continue;
        for (const cue of parseVtt(text(file))) target.track.addCue(new VTTCue(cue.start, cue.end, cue.text));
      }
    })();
    await target.loaded;
  }

  /** A lesson switch: the tracks are turned off and forgotten. */
  destroy(): void {
    for (const entry of this.#tracks.values()) entry.track.mode = 'disabled';
    this.#tracks.clear();
  }
}

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
