/**
 * The early fetches for a lesson, each as soon as its input exists: master playlist -> start
 * variant chosen from the bandwidth estimate -> its media playlist (and its audio rendition's,
 * when the sound is separate) -> init segment and the segment at the start position, all into
 * the prefetch cache (hls.js takes them from there).
 */
import { chooseStartVariant, estimateBandwidth, pageLoadBandwidth, type BandwidthEstimate, type StartChoice } from './abr.ts';
import { PLAYER_DEFAULTS } from './defaults.ts';
import { PlayerError } from './errors.ts';
import { audioFor, parseMaster, parseMedia, segmentAt, SESSION_DATA_IDS, type MasterPlaylist, type MediaPlaylist } from './m3u8.ts';
import { text, type PrefetchCache } from './prefetch.ts';
import type { Transport } from './transport.ts';

export interface LessonRef {
  readonly courseId: string;
  readonly lessonId: string;
}

export const lessonKey = (lesson: LessonRef): string => `${lesson.courseId}/${lesson.lessonId}`;

export interface Prepared {
  readonly lesson: LessonRef;
  readonly masterUrl: string;
  readonly master: MasterPlaylist;
  readonly start: StartChoice;
  readonly media: MediaPlaylist;
  readonly startPosition: number;
  readonly duration: number;
  readonly posterUrl: string;
  readonly thumbnailsUrl: string;
  /** Settles when the init segment and the first segment are in the prefetch cache (or failed). */
  readonly firstSegment: Promise<void>;
}

/** Best bandwidth figure at hand (see abr.ts for the order). */
export function currentEstimate(localStorage: Storage | undefined): BandwidthEstimate {
  let sample: number | undefined;
  try {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
    sample = pageLoadBandwidth(entries.filter((e) => e.name.startsWith(location.origin)));
  } catch {
    sample = undefined;
  }
  return estimateBandwidth(localStorage, (navigator as { connection?: { downlink?: number; saveData?: boolean } }).connection, Date.now(), sample);
}

/**
 * Snaps a seek target to the keyframe grid: the decoder starts there without decoding a GOP it
 * will throw away. A hair past the keyframe (PLAYER_DEFAULTS.buffer.maxFragLookUpTolerance),
 * because half the grid points are segment boundaries and hls.js, asked for exactly 16.0,
 * fetched the segment that ends there first (a whole wasted segment before the seek's frame).
 */
export function keyframeAlign(time: number, keyframeInterval: number, duration: number): number {
  const k = keyframeInterval;
  let t = k > 0 ? Math.round(time / k) * k + (time > 0 ? PLAYER_DEFAULTS.buffer.maxFragLookUpTolerance : 0) : time;
  if (Number.isFinite(duration) && duration > 0) t = Math.min(t, Math.max(0, duration - PLAYER_DEFAULTS.seekEndMarginSeconds));
  return Math.max(0, t);
}

export interface StartupDeps {
  readonly origin: string;
  readonly cache: PrefetchCache;
  readonly video: HTMLVideoElement;
  readonly keyframeInterval: number;
  readonly segmentSeconds: number;
  readonly localStorage: Storage | undefined;
  readonly transport: (courseId: string) => Transport;
  readonly mark: (name: string) => void;
  readonly log: (message: string) => void;
}

export class Startup {
  /** Start variant per lesson, so a warmed-up lesson starts in the variant it cached. */
  readonly #startChoices = new Map<string, StartChoice>();

  readonly #deps: StartupDeps;

  constructor(deps: StartupDeps) {
    this.#deps = deps;
  }

  /**
   * Idempotent per lesson thanks to the cache. `position` may still be in flight (the
   * progress lookup): playlists do not wait for it, segments do.
   */
  async prepare(lesson: LessonRef, position: number | Promise<number>): Promise<Prepared> {
    const { cache, mark } = this.#deps;
    mark('prepare');
    const transport = this.#deps.transport(lesson.courseId);
    const group = lessonKey(lesson);
    const masterUrl = `${this.#deps.origin}/courses/${lesson.courseId}/${lesson.lessonId}/master.m3u8`;
    const masterRes = await cache.fetch(transport, masterUrl, group);
    mark('master');
    // 404, or a 403 that survived a fresh session: the course is fine (the session was
    // issued), so the object is missing (S3 behind Origin Access Control answers 403 for a
    // missing key) — or, cross-site in cookie mode, the cookies were not sent.
    if (masterRes.status === 404 || masterRes.status === 403) {
      const crossSite = typeof location !== 'undefined' && new URL(this.#deps.origin).origin !== location.origin;
      if (masterRes.status === 403 && crossSite && transport.session.mode === 'cookies') throw new PlayerError('cookies-blocked', '403 after a fresh session, cookie mode, another origin');
      const why = await transport.session.lessonStatus(lesson.lessonId);
      if (why.status === 'encoding') throw new PlayerError('lesson-preparing', String(why.retryAfter ?? PLAYER_DEFAULTS.lesson.preparingRetrySeconds.fallback));
      if (why.status === 'failed') throw new PlayerError('lesson-failed', why.message);
      if (why.status === 'not-enrolled') throw new PlayerError('not-enrolled', 'lesson status');
      throw new PlayerError('lesson-missing', `${masterRes.status}, status ${why.status}`);
    }
    if (!masterRes.ok) throw new PlayerError('network', `master ${masterRes.status}`);
    const master = parseMaster(text(masterRes), masterRes.url);

    const pixelHeight = (this.#deps.video.clientHeight || 360) * (globalThis.devicePixelRatio || 1);
    // A lesson prefetched as "next" keeps the variant it was prefetched in: that is what is cached.
    let start = this.#startChoices.get(group);
    if (!start || !master.variants.some((v) => v.url === start?.variant.url)) {
      start = chooseStartVariant(master.variants, currentEstimate(this.#deps.localStorage), pixelHeight, { segmentSeconds: this.#deps.segmentSeconds });
      this.#startChoices.set(group, start);
    }
    this.#deps.log(`start level: ${start.reason}`);
    // Sound in its own rendition (MediaConvert CMAF): its playlist, init and first segment are
    // on the first frame's path too, so they are fetched beside the video's, not after hls.js.
    const sound = audioFor(master, start.variant);
    const soundMedia = sound && cache.fetch(transport, sound.url, group).then((r) => parseMedia(text(r), r.url));
    soundMedia?.catch(() => undefined);
    const mediaRes = await cache.fetch(transport, start.variant.url, group);
    if (!mediaRes.ok) throw new PlayerError(mediaRes.status === 404 || mediaRes.status === 403 ? 'lesson-missing' : 'network', `variant ${mediaRes.status}`);
    const media = parseMedia(text(mediaRes), mediaRes.url);
    mark('variant');

    const startPosition = keyframeAlign(await position, this.#deps.keyframeInterval, media.duration);
    const atEnd = startPosition >= media.duration - 1;
    const from = atEnd ? 0 : startPosition;
    // Only the segments hls.js will ask for first; failures fall back to hls.js's own fetch.
    const first = segmentAt(media, from);
    const firstSegment = Promise.all([
      media.initUrl ? cache.fetch(transport, media.initUrl, group) : null,
      first ? cache.fetch(transport, first.url, group).then((r) => (mark('first-segment'), r)) : null,
      // Failures here (a 403 body does not parse), as for the video's, fall back to hls.js's own fetch.
      soundMedia?.then((m) => Promise.all([m.initUrl, segmentAt(m, from)?.url].map((u) => u && cache.fetch(transport, u, group)))),
    ]).then(
      () => undefined,
      () => undefined,
    );

    // The publisher names the poster and thumbnails in the master (ffmpeg and MediaConvert
    // name them differently): none named, none shown.
    const image = (id: string) => {
      const value = master.sessionData.get(id);
      return value ? new URL(value, masterRes.url).href : '';
    };
    return {
      lesson,
      masterUrl: masterRes.url,
      master,
      start,
      media,
      startPosition: from,
      duration: media.duration,
      posterUrl: image(SESSION_DATA_IDS.poster),
      thumbnailsUrl: image(SESSION_DATA_IDS.thumbnails),
      firstSegment,
    };
  }
}
