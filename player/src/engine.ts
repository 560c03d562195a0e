/**
 * The playback engine behind <lectern-player>: sessions, the early fetches, hls.js (or native
 * HLS where MSE is missing), quality, captions and the next-lesson prefetch. No UI here.
 *
 * Start-up, in order, each step as soon as its input exists:
 *   session (skipped when this tab still holds a valid one) -> master playlist -> start
 *   variant chosen from the bandwidth estimate -> its media playlist -> init segment and the
 *   segment at the start position. hls.js is imported at the same time, and its loader takes
 *   these responses from the prefetch cache instead of fetching them again.
 */
import type HlsType from 'hls.js';
import type { ErrorData, Level } from 'hls.js';
import { chooseStartVariant, estimateBandwidth, pageLoadBandwidth, rememberBandwidth, type BandwidthEstimate, type StartChoice } from './abr.ts';
import { PlayerError, toPlayerError } from './errors.ts';
import { createLoaderClass } from './hls-loader.ts';
import { imageStreamThumbnails, parseMaster, parseMedia, segmentAt, SESSION_DATA_IDS, type MasterPlaylist, type MediaPlaylist, type SubtitleRendition } from './m3u8.ts';
import { loadHls, playbackPath } from './platform.ts';
import { PrefetchCache, text } from './prefetch.ts';
import { renewAtMs } from './session-renewal.ts';
import { canonicalUrl, Session, Transport, type Fetched, type SessionInfo, type SessionModeSetting, type TokenProvider } from './session.ts';
import { parseVtt, thumbnailIndex, vttThumbnails, type Thumbnail } from './vtt.ts';

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

export interface QualityLevel {
  /** hls.js level index. */
  readonly index: number;
  readonly height: number;
  readonly bitrate: number;
  readonly label: string;
}

export interface EngineEvents {
  /** A problem the person must see; `fatal` stops playback. */
  error(error: PlayerError, fatal: boolean): void;
  levels(levels: readonly QualityLevel[]): void;
  levelSwitched(index: number, auto: boolean): void;
  session?(info: SessionInfo, reason: string): void;
  log?(message: string): void;
}

export interface EngineOptions {
  /** Distribution origin. */
  readonly origin: string;
  readonly video: HTMLVideoElement;
  readonly getToken: TokenProvider;
  readonly mode: SessionModeSetting;
  /** Seconds between keyframes (the pipeline's GOP); seeks land on this grid. */
  readonly keyframeInterval: number;
  /** The pipeline's segment duration (the start level's first segment must download fast). Default 4. */
  readonly segmentSeconds?: number;
  readonly events: EngineEvents;
  readonly sessionStorage?: Storage | undefined;
  readonly localStorage?: Storage | undefined;
}

/** Buffer settings for VOD: a modest forward buffer (a lecture is watched in order, seeks are cheap) and a back buffer for short rewinds. */
export const VOD_BUFFER = {
  /** Seconds buffered ahead in steady state. */
  maxBufferLength: 24,
  maxMaxBufferLength: 48,
  backBufferLength: 30,
  /** Before play: one segment only (preload). */
  preloadBufferLength: 1,
} as const;

export class Engine {
  readonly cache = new PrefetchCache();
  readonly path: 'hls.js' | 'native' | 'none';
  private readonly options: EngineOptions;
  private readonly transports = new Map<string, Transport>();
  private hls: HlsType | null = null;
  private attached: Prepared | null = null;
  private attaching: Promise<void> | null = null;
  private nextLookups = new Map<string, Promise<LessonRef | null>>();
  private warmups = new Map<string, Promise<Prepared | null>>();
  /** Lessons prefetched as "next": their cache entries survive a lesson switch. */
  private warmedNext = new Set<string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private recoveries = { network: 0, media: 0 };
  private nativeRetried = false;
  private sessionFailure: PlayerError | null = null;
  private levelList: QualityLevel[] = [];
  private captionTracks = new Map<string, { track: TextTrack; loaded: Promise<void> | null; rendition: SubtitleRendition }>();
  /** Start variant per lesson, so a warmed-up lesson starts in the variant it cached. */
  private startChoices = new Map<string, StartChoice>();
  private thumbs = new Map<string, Promise<((time: number) => Thumbnail | undefined) | null>>();
  /** Milestones (performance.now()), for the bench and tests. */
  readonly marks: Record<string, number> = {};

  constructor(options: EngineOptions) {
    this.options = options;
    this.path = playbackPath(options.video);
  }

  get origin(): string {
    return this.options.origin;
  }

  private mark(name: string): void {
    this.marks[name] ??= performance.now();
  }

  transport(courseId: string): Transport {
    let transport = this.transports.get(courseId);
    if (!transport) {
      const session = new Session({
        origin: this.options.origin,
        courseId,
        getToken: this.options.getToken,
        mode: this.options.mode,
        storage: this.options.sessionStorage,
        onRefresh: (info, reason) => {
          this.scheduleRefresh(courseId, info);
          this.options.events.session?.(info, reason);
        },
      });
      transport = new Transport(session);
      this.transports.set(courseId, transport);
      if (session.current) this.scheduleRefresh(courseId, session.current);
    }
    return transport;
  }

  /**
   * Renews the session at a fixed share of its (short) life, so a lesson never meets a 403 and
   * a revoked enrollment shows its message at the first renewal after it (session-renewal.ts).
   */
  private scheduleRefresh(courseId: string, info: SessionInfo): void {
    if (this.attached && this.attached.lesson.courseId !== courseId) return;
    clearTimeout(this.refreshTimer);
    const ms = Math.max(1_000, renewAtMs(info) - Date.now());
    this.refreshTimer = setTimeout(() => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden' && this.options.video.paused) return;
      this.transport(courseId).session.refresh('scheduled').catch((error: unknown) => this.options.events.error(toPlayerError(error), true));
    }, ms);
  }

  /** Best bandwidth figure at hand (see abr.ts for the order). */
  private estimate(): BandwidthEstimate {
    let sample: number | undefined;
    try {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
      sample = pageLoadBandwidth(entries.filter((e) => e.name.startsWith(location.origin)));
    } catch {
      sample = undefined;
    }
    return estimateBandwidth(this.options.localStorage, (navigator as { connection?: { downlink?: number; saveData?: boolean } }).connection, Date.now(), sample);
  }

  /** Snaps a seek target to the keyframe grid: the decoder starts there without decoding a GOP it will throw away. */
  keyframeAlign(time: number, duration = this.options.video.duration): number {
    const k = this.options.keyframeInterval;
    let t = k > 0 ? Math.round(time / k) * k : time;
    if (Number.isFinite(duration) && duration > 0) t = Math.min(t, Math.max(0, duration - 0.25));
    return Math.max(0, t);
  }

  /**
   * The early fetches for a lesson (idempotent per lesson thanks to the cache). `position`
   * may still be in flight (the progress lookup): playlists do not wait for it, segments do.
   */
  async prepare(lesson: LessonRef, position: number | Promise<number>): Promise<Prepared> {
    this.mark('prepare');
    const transport = this.transport(lesson.courseId);
    const group = lessonKey(lesson);
    const masterUrl = `${this.options.origin}/courses/${lesson.courseId}/${lesson.lessonId}/master.m3u8`;
    const masterRes = await this.cache.fetch(transport, masterUrl, group);
    this.mark('master');
    // 404, or a 403 that survived a fresh session: the course is fine (the session was
    // issued), so the object is missing (S3 behind Origin Access Control answers 403 for a
    // missing key) — or, cross-site in cookie mode, the cookies were not sent.
    if (masterRes.status === 404 || masterRes.status === 403) {
      const crossSite = typeof location !== 'undefined' && new URL(this.options.origin).origin !== location.origin;
      if (masterRes.status === 403 && crossSite && transport.session.mode === 'cookies') throw new PlayerError('cookies-blocked', '403 after a fresh session, cookie mode, another origin');
      const why = await transport.session.lessonStatus(lesson.lessonId);
      if (why.status === 'encoding') throw new PlayerError('lesson-preparing', String(why.retryAfter ?? 10));
      if (why.status === 'failed') throw new PlayerError('lesson-failed', why.message);
      if (why.status === 'not-enrolled') throw new PlayerError('not-enrolled', 'lesson status');
      throw new PlayerError('lesson-missing', `${masterRes.status}, status ${why.status}`);
    }
    if (!masterRes.ok) throw new PlayerError('network', `master ${masterRes.status}`);
    const master = parseMaster(text(masterRes), masterRes.url);

    const video = this.options.video;
    const pixelHeight = (video.clientHeight || 360) * (globalThis.devicePixelRatio || 1);
    // A lesson prefetched as "next" keeps the variant it was prefetched in: that is what is cached.
    let start = this.startChoices.get(group);
    if (!start || !master.variants.some((v) => v.url === start?.variant.url)) {
      start = chooseStartVariant(master.variants, this.estimate(), pixelHeight, {
        segmentSeconds: this.options.segmentSeconds ?? 4,
      });
      this.startChoices.set(group, start);
    }
    this.options.events.log?.(`start level: ${start.reason}`);
    const mediaRes = await this.cache.fetch(transport, start.variant.url, group);
    if (!mediaRes.ok) throw new PlayerError(mediaRes.status === 404 || mediaRes.status === 403 ? 'lesson-missing' : 'network', `variant ${mediaRes.status}`);
    const media = parseMedia(text(mediaRes), mediaRes.url);
    this.mark('variant');

    const startPosition = this.keyframeAlign(await position, media.duration);
    const atEnd = startPosition >= media.duration - 1;
    const from = atEnd ? 0 : startPosition;
    // Only the segments hls.js will ask for first; failures fall back to hls.js's own fetch.
    const first = segmentAt(media, from);
    const firstSegment = Promise.all([
      media.initUrl ? this.cache.fetch(transport, media.initUrl, group) : null,
      first ? this.cache.fetch(transport, first.url, group).then((r) => (this.mark('first-segment'), r)) : null,
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

  get current(): Prepared | null {
    return this.attached;
  }

  /**
   * Hands the prepared lesson to the media element. `preload` buffers one segment only (the
   * first frame is ready before the click); `play()` lifts the limit.
   */
  attach(prepared: Prepared, preload: boolean): Promise<void> {
    if (this.attached === prepared && this.attaching) return this.attaching;
    this.detach();
    this.attached = prepared;
    this.sessionFailure = null;
    this.recoveries = { network: 0, media: 0 };
    this.nativeRetried = false;
    this.cache.retain([lessonKey(prepared.lesson), ...this.warmedNext]);
    const session = this.transport(prepared.lesson.courseId).session;
    this.options.video.poster = prepared.posterUrl ? session.sign(prepared.posterUrl) : '';
    this.attaching = this.path === 'hls.js' ? this.attachHls(prepared, preload) : this.attachNative(prepared);
    return this.attaching;
  }

  private async attachHls(prepared: Prepared, preload: boolean): Promise<void> {
    const Hls = await loadHls();
    this.mark('hls-loaded');
    if (this.attached !== prepared) return;
    const video = this.options.video;
    const transport = this.transport(prepared.lesson.courseId);
    const estimate = this.estimate();
    const hls = new Hls({
      loader: createLoaderClass({
        cache: this.cache,
        transport: () => transport,
        onSessionError: (error) => {
          this.sessionFailure = toPlayerError(error);
          this.options.events.error(this.sessionFailure, true);
        },
      }),
      autoStartLoad: false,
      startPosition: prepared.startPosition,
      // The level we already fetched; hls.js's own bandwidth test would fetch another.
      testBandwidth: false,
      abrEwmaDefaultEstimate: estimate.bps,
      capLevelToPlayerSize: true,
      maxBufferLength: preload ? VOD_BUFFER.preloadBufferLength : VOD_BUFFER.maxBufferLength,
      maxMaxBufferLength: preload ? VOD_BUFFER.preloadBufferLength : VOD_BUFFER.maxMaxBufferLength,
      backBufferLength: VOD_BUFFER.backBufferLength,
      lowLatencyMode: false,
      // fMP4 segments are appended as they are (no transmuxing), so a worker buys nothing; the
      // ESM build would also need hls.worker.js served beside it.
      enableWorker: false,
      // Seek precision: land on the fragment that holds the target, never one early.
      maxFragLookUpTolerance: 0.1,
      startFragPrefetch: true,
    });
    this.hls = hls;
    const { Events } = Hls;
    hls.on(Events.MANIFEST_PARSED, () => {
      const index = hls.levels.findIndex((level) => canonicalUrl(level.url[0] ?? '') === prepared.start.variant.url);
      if (index >= 0) hls.startLevel = index;
      this.levelList = hls.levels.map((level: Level, i: number) => ({ index: i, height: level.height, bitrate: level.bitrate, label: `${level.height}p` }));
      this.options.events.levels(this.levelList);
      hls.startLoad(prepared.startPosition);
    });
    hls.on(Events.LEVEL_SWITCHED, (_event, data) => this.options.events.levelSwitched(data.level, hls.autoLevelEnabled));
    hls.on(Events.FRAG_BUFFERED, () => {
      if (!this.marks['first-buffered']) setTimeout(() => this.warmLadder(prepared), 0);
      this.mark('first-buffered');
      this.skipStartGap();
    });
    hls.on(Events.FRAG_LOADED, (_event, data) => {
      // Our own sample (hls.bandwidthEstimate is the default estimate until it has enough
      // samples; storing that would feed a guess back as a measurement). Small objects say
      // more about latency than throughput.
      const { total, loading } = data.frag.stats;
      const ms = loading.end - loading.start;
      if ((data.frag.type as string) === 'main' && total > 100_000 && ms > 0) rememberBandwidth(this.options.localStorage, (total * 8000) / ms);
    });
    hls.on(Events.ERROR, (_event, data) => this.onHlsError(hls, data));
    hls.attachMedia(video);
    hls.loadSource(prepared.masterUrl);
  }

  private onHlsError(hls: HlsType, data: ErrorData): void {
    if (!data.fatal) return;
    if (this.sessionFailure) {
      hls.stopLoad();
      return;
    }
    if (data.type === 'mediaError') {
      if (this.recoveries.media++ < 2) {
        hls.recoverMediaError();
        return;
      }
      this.options.events.error(new PlayerError('media', data.details), true);
      return;
    }
    if (data.type === 'networkError') {
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        this.options.events.error(new PlayerError('offline', data.details), false);
        window.addEventListener('online', () => hls.startLoad(), { once: true });
        return;
      }
      if (this.recoveries.network++ < 3) {
        setTimeout(() => hls.startLoad(), 1000 * this.recoveries.network);
        return;
      }
      const status = (data.response as { code?: number } | undefined)?.code;
      this.options.events.error(new PlayerError(status === 404 ? 'lesson-missing' : 'network', data.details), true);
      return;
    }
    this.options.events.error(new PlayerError('media', data.details), true);
  }

  private async attachNative(prepared: Prepared): Promise<void> {
    if (this.path === 'none') throw new PlayerError('unsupported');
    const video = this.options.video;
    const session = this.transport(prepared.lesson.courseId).session;
    // Native HLS fetches sub-resources itself: only cookie mode can sign them.
    video.src = session.sign(prepared.masterUrl);
    video.preload = 'auto';
    if (prepared.startPosition > 0) {
      video.addEventListener('loadedmetadata', () => (video.currentTime = prepared.startPosition), { once: true });
    }
    video.addEventListener('error', this.onNativeError);
  }

  private onNativeError = (): void => {
    const prepared = this.attached;
    const video = this.options.video;
    if (!prepared || this.hls) return;
    if (this.nativeRetried) {
      this.options.events.error(new PlayerError('network', `native ${video.error?.code}`), true);
      return;
    }
    this.nativeRetried = true;
    const at = video.currentTime;
    const wasPlaying = !video.paused;
    this.transport(prepared.lesson.courseId)
      .session.refresh('native error')
      .then(() => {
        video.src = this.transport(prepared.lesson.courseId).session.sign(prepared.masterUrl);
        video.addEventListener('loadedmetadata', () => (video.currentTime = at), { once: true });
        if (wasPlaying) void video.play().catch(() => undefined);
      })
      .catch((error: unknown) => this.options.events.error(toPlayerError(error), true));
  };

  /** Starts playback (attaching first if needed). Call from the click handler. */
  async play(prepared: Prepared): Promise<void> {
    const video = this.options.video;
    if (this.attached !== prepared) void this.attach(prepared, false);
    const attaching = this.attaching;
    if (this.hls) this.liftPreload(this.hls);
    await attaching;
    if (this.hls) this.liftPreload(this.hls);
    this.skipStartGap();
    this.mark('play');
    await video.play();
  }

  /**
   * The other renditions' playlists and init segments (a few KB together), fetched once the
   * first segment is in: a later quality switch, above all an emergency switch down when the
   * bandwidth drops, then costs one segment request instead of three round trips.
   */
  private warmLadder(prepared: Prepared): void {
    if (this.attached !== prepared) return;
    const transport = this.transport(prepared.lesson.courseId);
    const group = lessonKey(prepared.lesson);
    void (async () => {
      for (const variant of prepared.master.variants) {
        if (this.attached !== prepared) return;
        if (variant.url === prepared.start.variant.url) continue;
        const res = await this.cache.fetch(transport, variant.url, group).catch(() => null);
        if (!res?.ok) continue;
        const initUrl = parseMedia(text(res), res.url).initUrl;
        if (initUrl) await this.cache.fetch(transport, initUrl, group).catch(() => null);
      }
    })();
  }

  /**
   * fMP4 media often starts a frame or two after 0 (encoder delay, B-frames). Left there, the
   * first play() waits for hls.js's gap handling to notice and jump (100 ms or more): jump now,
   * while the video is still paused.
   */
  private skipStartGap(): void {
    const video = this.options.video;
    const b = video.buffered;
    if (!video.paused || b.length === 0) return;
    const start = b.start(0);
    if (video.currentTime < start && start - video.currentTime < 1) video.currentTime = start;
  }

  private liftPreload(hls: HlsType): void {
    if (hls.config.maxBufferLength === VOD_BUFFER.maxBufferLength) return;
    hls.config.maxBufferLength = VOD_BUFFER.maxBufferLength;
    hls.config.maxMaxBufferLength = VOD_BUFFER.maxMaxBufferLength;
  }

  seek(time: number, exact = false): number {
    const video = this.options.video;
    const target = exact ? Math.max(0, time) : this.keyframeAlign(time);
    video.currentTime = target;
    return target;
  }

  get levels(): readonly QualityLevel[] {
    return this.levelList;
  }

  get autoLevel(): boolean {
    return this.hls ? this.hls.autoLevelEnabled : true;
  }

  get currentLevel(): number {
    return this.hls ? this.hls.currentLevel : -1;
  }

  /** -1: automatic. A manual choice switches at the next segment boundary, without a stall. */
  setLevel(index: number): void {
    const hls = this.hls;
    if (!hls) return;
    if (index < 0) hls.loadLevel = -1;
    else hls.nextLevel = index;
  }

  get bandwidthEstimate(): number {
    return this.hls?.bandwidthEstimate ?? 0;
  }

  /** `course/lesson` of the lesson after this one, via the edge's next.m3u8 redirect; null after the last. */
  resolveNext(lesson: LessonRef): Promise<LessonRef | null> {
    const key = lessonKey(lesson);
    let lookup = this.nextLookups.get(key);
    if (!lookup) {
      lookup = (async () => {
        const transport = this.transport(lesson.courseId);
        const res = await transport.get(`${this.options.origin}/courses/${lesson.courseId}/${lesson.lessonId}/next.m3u8`);
        if (res.status === 404) return null;
        if (!res.ok) throw new Error(`next.m3u8 ${res.status}`);
        const m = /\/courses\/([a-z0-9-]+)\/([a-z0-9-]+)\/master\.m3u8$/.exec(new URL(res.url).pathname);
        if (!m) return null;
        const next = { courseId: m[1] as string, lessonId: m[2] as string };
        // The redirect's target is the next lesson's master playlist: keep it.
        this.cache.put(res, lessonKey(next));
        return next;
      })();
      lookup.catch(() => this.nextLookups.delete(key));
      this.nextLookups.set(key, lookup);
    }
    return lookup;
  }

  /**
   * Prefetches the next lesson's playlists, init segment and first segment (near the end, or
   * on hover), at the position it will start from.
   */
  warmNext(lesson: LessonRef, position: (next: LessonRef) => Promise<number> = async () => 0): Promise<Prepared | null> {
    const key = lessonKey(lesson);
    let warm = this.warmups.get(key);
    if (!warm) {
      warm = this.resolveNext(lesson).then(async (next) => {
        if (!next) return null;
        this.warmedNext.add(lessonKey(next));
        const prepared = await this.prepare(next, position(next));
        await prepared.firstSegment;
        return prepared;
      });
      warm.catch(() => this.warmups.delete(key));
      this.warmups.set(key, warm);
    }
    return warm;
  }

  /** Captions listed in the master (EXT-X-MEDIA TYPE=SUBTITLES), loaded on first use. */
  captionOptions(prepared: Prepared): readonly SubtitleRendition[] {
    return prepared.master.subtitles;
  }

  async enableCaptions(prepared: Prepared, rendition: SubtitleRendition | null): Promise<void> {
    const video = this.options.video;
    for (const entry of this.captionTracks.values()) entry.track.mode = 'disabled';
    if (!rendition) return;
    let entry = this.captionTracks.get(rendition.url);
    if (!entry) {
      const track = video.addTextTrack('captions', rendition.name, rendition.language ?? '');
      entry = { track, loaded: null, rendition };
      this.captionTracks.set(rendition.url, entry);
    }
    const target = entry;
    target.track.mode = 'showing';
    target.loaded ??= (async () => {
      const transport = this.transport(prepared.lesson.courseId);
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

  /** The scrub-thumbnail index (the pipeline's sprite + WebVTT), loaded once per lesson. */
  thumbnails(prepared: Prepared): Promise<((time: number) => Thumbnail | undefined) | null> {
    if (!prepared.thumbnailsUrl) return Promise.resolve(null);
    let index = this.thumbs.get(prepared.thumbnailsUrl);
    if (!index) {
      // A WebVTT sprite index (ffmpeg pipeline) or an image-stream playlist (MediaConvert).
      const entries = (res: Fetched) => (new URL(res.url).pathname.endsWith('.m3u8') ? imageStreamThumbnails(text(res), res.url) : vttThumbnails(text(res), res.url));
      index = this.transport(prepared.lesson.courseId)
        .get(prepared.thumbnailsUrl)
        .then((res) => (res.ok ? thumbnailIndex(entries(res)) : null))
        .catch(() => null);
      this.thumbs.set(prepared.thumbnailsUrl, index);
    }
    return index;
  }

  /** A media URL as the browser must request it (signed query in cookie-less mode). */
  signed(courseId: string, url: string): string {
    return this.transport(courseId).session.sign(url);
  }

  detach(): void {
    const video = this.options.video;
    this.hls?.destroy();
    this.hls = null;
    video.removeEventListener('error', this.onNativeError);
    if (this.attached && this.path !== 'hls.js') {
      video.removeAttribute('src');
      video.load();
    }
    for (const entry of this.captionTracks.values()) entry.track.mode = 'disabled';
    this.captionTracks.clear();
    this.levelList = [];
    this.attached = null;
    this.attaching = null;
  }

  /**
   * Signing out: stop playback and renewals, and have the edge clear every course's cookies
   * (DELETE /auth/session) and this tab forget each stored signed query.
   */
  async endSessions(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.detach();
    const transports = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(transports.map((t) => t.session.clear()));
  }

  destroy(): void {
    clearTimeout(this.refreshTimer);
    this.detach();
  }
}
