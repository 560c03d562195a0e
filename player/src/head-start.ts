/**
 * The first frame without waiting for hls.js. On a cold start hls.js (~104 KB gzip) is the
 * largest download and shares the link with the media the first frame needs; the first
 * segment is usually in the prefetch cache before hls.js has arrived. So the page appends the
 * prefetched init and first segment to its own MediaSource and plays them, and hls.js, once
 * here, takes over that MediaSource and its SourceBuffers (`attachMedia({ media, mediaSource,
 * tracks })`, the transfer its interstitials use) and goes on from the buffered end.
 *
 * hls.js may arrive after the first segment has played out (on a slow link it shares the link
 * with the media), so until it takes over the head start goes on appending the next segments
 * by itself, a few seconds ahead of the playhead, through the same cache hls.js then reads
 * them from.
 *
 * Anything unexpected (no MediaSource, a codec it will not take, a fetch that failed, an append
 * error) gives null before the element is touched or after it is put back, and hls.js starts
 * the usual way.
 */
import { lessonKey, type Prepared } from './engine-startup.ts';
import { audioFor, parseMedia, segmentAt, type MediaPlaylist, type Segment } from './m3u8.ts';
import type { PrefetchCache } from './prefetch.ts';
import type { Transport } from './transport.ts';

/** Seconds ahead of the playhead the head start buffers by itself while hls.js is on its way. */
const FEED_SECONDS = 6;

/** hls.js's SourceBufferTrack (types/buffer.ts), the fields a transfer reads. */
export interface HeadStartTrack {
  readonly id: 'main' | 'audio';
  readonly container: string;
  readonly codec: string;
  readonly levelCodec: string;
  readonly buffer: SourceBuffer;
  readonly listeners: [];
}

/** hls.js's AttachMediaSourceData. */
export interface HeadStart {
  readonly media: HTMLMediaElement;
  readonly mediaSource: MediaSource;
  readonly tracks: Partial<Record<'audiovideo' | 'video' | 'audio', HeadStartTrack>>;
  /** Stops the head start's own appends; resolves when none is in flight (hls.js may take the buffers). */
  readonly handOver: () => Promise<void>;
  /** Takes the MediaSource off the element (if it still holds it) when hls.js never took it. */
  readonly release: () => void;
}

const AUDIO_CODEC = /^(mp4a|ac-3|ec-3|opus|flac)/;

/** One media's init + segment at `position`, from the cache only (never the network). */
function cachedPair(cache: PrefetchCache, initUrl: string | undefined, segmentUrl: string | undefined): [ArrayBuffer, ArrayBuffer] | null {
  const init = initUrl ? cache.lookup(initUrl)?.result : undefined;
  const segment = segmentUrl ? cache.lookup(segmentUrl)?.result : undefined;
  return init?.ok && segment?.ok ? [init.data, segment.data] : null;
}

function append(buffer: SourceBuffer, data: ArrayBuffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      buffer.removeEventListener('updateend', done);
      buffer.removeEventListener('error', failed);
      resolve();
    };
    const failed = () => {
      buffer.removeEventListener('updateend', done);
      buffer.removeEventListener('error', failed);
      reject(new Error('append failed'));
    };
    buffer.addEventListener('updateend', done);
    buffer.addEventListener('error', failed);
    buffer.appendBuffer(data);
  });
}

/**
 * Appends `playlist`'s segments after `first` to `buffer`, keeping FEED_SECONDS ahead of the
 * playhead, until `stopped()` (hls.js has taken over) or the end.
 */
function feed(video: HTMLVideoElement, buffer: SourceBuffer, playlist: MediaPlaylist, first: Segment, fetch: (url: string) => Promise<ArrayBuffer | null>, stopped: () => boolean, appending: (p: Promise<void>) => void): Promise<void> {
  return (async () => {
    for (let segment = first; ; ) {
      const next = segmentAt(playlist, segment.start + segment.duration);
      if (next === segment) return;
      while (!stopped() && next!.start - video.currentTime > FEED_SECONDS) await new Promise((r) => setTimeout(r, 250));
      if (stopped()) return;
      const data = await fetch(next!.url);
      if (!data || stopped()) return;
      const done = append(buffer, data);
      appending(done);
      await done;
      segment = next!;
    }
  })().catch(() => undefined);
}

/**
 * Appends the start variant's prefetched init and first segment (and its separate audio
 * rendition's, for MediaConvert's CMAF) to a new MediaSource on `video`. Resolves when they
 * are buffered: `video.play()` then shows the first frame.
 */
export async function headStart(
  { video, cache, transport }: { readonly video: HTMLVideoElement; readonly cache: PrefetchCache; readonly transport: Transport },
  prepared: Prepared,
): Promise<HeadStart | null> {
  const MS = (globalThis as { MediaSource?: typeof MediaSource }).MediaSource;
  if (!MS) return null;
  await prepared.firstSegment;
  const { media, master, start, startPosition } = prepared;
  const main = cachedPair(cache, media.initUrl, segmentAt(media, startPosition)?.url);
  const codecs = (start.variant.codecs ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  if (!main || codecs.length === 0) return null;
  const sound = audioFor(master, start.variant);
  let audio: [ArrayBuffer, ArrayBuffer] | null = null;
  let soundMedia: MediaPlaylist | null = null;
  if (sound) {
    const playlist = cache.lookup(sound.url)?.result;
    if (!playlist?.ok) return null;
    soundMedia = parseMedia(new TextDecoder().decode(playlist.data), playlist.url);
    audio = cachedPair(cache, soundMedia.initUrl, segmentAt(soundMedia, startPosition)?.url);
    if (!audio) return null;
  }
  // Muxed (the local ladder): one audio+video buffer, as hls.js's passthrough names it
  // `audiovideo`. Separate audio: `video` and `audio`.
  const videoCodecs = audio ? codecs.filter((c) => !AUDIO_CODEC.test(c)).join(',') : codecs.join(',');
  const audioCodecs = codecs.filter((c) => AUDIO_CODEC.test(c)).join(',');
  const videoType = `video/mp4; codecs="${videoCodecs}"`;
  const audioType = `audio/mp4; codecs="${audioCodecs}"`;
  if (!MS.isTypeSupported(videoType) || (audio && (!audioCodecs || !MS.isTypeSupported(audioType)))) return null;

  const mediaSource = new MS();
  const url = URL.createObjectURL(mediaSource);
  const release = () => {
    if (video.src === url) {
      video.removeAttribute('src');
      video.load();
    }
    URL.revokeObjectURL(url);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      mediaSource.addEventListener('sourceopen', () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new Error('media error')), { once: true });
      video.src = url;
    });
    const tracks: HeadStart['tracks'] = {};
    const videoBuffer = mediaSource.addSourceBuffer(videoType);
    const track = (id: 'main' | 'audio', container: string, codec: string, buffer: SourceBuffer): HeadStartTrack => ({ id, container, codec, levelCodec: codec, buffer, listeners: [] });
    if (audio) {
      tracks.video = track('main', 'video/mp4', videoCodecs, videoBuffer);
      tracks.audio = track('audio', 'audio/mp4', audioCodecs, mediaSource.addSourceBuffer(audioType));
    } else {
      tracks.audiovideo = track('main', 'video/mp4', videoCodecs, videoBuffer);
    }
    await Promise.all([
      append(videoBuffer, main[0]).then(() => append(videoBuffer, main[1])),
      audio && tracks.audio ? append(tracks.audio.buffer, audio[0]).then(() => append(tracks.audio!.buffer, audio![1])) : null,
    ]);
    // The whole lesson's length at once (not the one segment's), for the time shown.
    if (Number.isFinite(prepared.duration) && prepared.duration > 0) mediaSource.duration = prepared.duration;

    let stopped = false;
    const inFlight = new Set<Promise<void>>();
    const appending = (p: Promise<void>) => {
      inFlight.add(p);
      void p.catch(() => undefined).finally(() => inFlight.delete(p));
    };
    const group = lessonKey(prepared.lesson);
    const fetch = (url: string) => cache.fetch(transport, url, group).then((r) => (r.ok ? r.data : null));
    const isStopped = () => stopped;
    void feed(video, videoBuffer, media, segmentAt(media, startPosition)!, fetch, isStopped, appending);
    if (soundMedia && tracks.audio) void feed(video, tracks.audio.buffer, soundMedia, segmentAt(soundMedia, startPosition)!, fetch, isStopped, appending);
    const handOver = async () => {
      stopped = true;
      await Promise.all([...inFlight].map((p) => p.catch(() => undefined)));
    };
    return { media: video, mediaSource, tracks, handOver, release: () => (void handOver(), release()) };
  } catch {
    release();
    return null;
  }
}
