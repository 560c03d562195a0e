/**
 * The playback engine behind <lectern-player>, composed of controllers (no UI here):
 *   SessionPool      sessions and transports per course, scheduled renewal (engine-sessions.ts)
 *   Startup          the early fetches: master -> start variant -> media playlist -> first segments (engine-startup.ts)
 *   HlsController /  one attached lesson, through hls.js or native HLS where MSE is missing
 *   NativeController (hls-controller.ts, native-controller.ts); created per attach, destroyed on detach
 *   NextLesson       next.m3u8 lookup and prefetch (next-lesson.ts)
 *   Thumbnails       loaded on first use (media-tracks.ts; captions: captions-controller.ts)
 * hls.js is imported while the early fetches run, and its loader takes their responses from
 * the prefetch cache instead of fetching them again.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { PlayerError } from './errors.ts';
import { playbackPath } from './platform.ts';
import { PrefetchCache } from './prefetch.ts';
import type { SessionInfo, SessionModeSetting, TokenProvider } from './session.ts';
import type { Transport } from './transport.ts';
import { SessionPool } from './engine-sessions.ts';
import { keyframeAlign, lessonKey, Startup, type LessonRef, type Prepared } from './engine-startup.ts';
import { HlsController, loadHlsLoader, skipStartGap, type QualityLevel } from './hls-controller.ts';
import { NativeController } from './native-controller.ts';
import { NextLesson } from './next-lesson.ts';
import { Thumbnails, type ThumbnailLookup } from './media-tracks.ts';

export { lessonKey, type LessonRef, type Prepared } from './engine-startup.ts';
export type { QualityLevel } from './hls-controller.ts';

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
  /** The pipeline's segment duration. Default PLAYER_DEFAULTS.segmentSeconds. */
  readonly segmentSeconds?: number;
  readonly events: EngineEvents;
  readonly sessionStorage?: Storage | undefined;
  readonly localStorage?: Storage | undefined;
}

/** Buffer settings for VOD (PLAYER_DEFAULTS.buffer). */
export const VOD_BUFFER = PLAYER_DEFAULTS.buffer;

export class Engine {
  readonly cache = new PrefetchCache();
  readonly path: 'hls.js' | 'native' | 'none';
  /** Milestones (performance.now()), for the bench and tests. */
  readonly marks: Record<string, number> = {};
  readonly #options: EngineOptions;
  readonly #sessions: SessionPool;
  readonly #startup: Startup;
  readonly #next: NextLesson;
  readonly #thumbs = new Thumbnails();
  #attached: Prepared | null = null;
  #attachment: HlsController | NativeController | null = null;

  constructor(options: EngineOptions) {
    this.#options = options;
    const video = options.video;
    this.path = playbackPath(video);
    if (this.path === 'hls.js') void loadHlsLoader().catch(() => undefined);
    this.#sessions = new SessionPool({
      origin: options.origin,
      getToken: options.getToken,
      mode: options.mode,
      storage: options.sessionStorage,
      attachedCourse: () => this.#attached?.lesson.courseId,
      idle: () => typeof document !== 'undefined' && document.visibilityState === 'hidden' && video.paused,
      onError: (error) => options.events.error(error, true),
      ...(options.events.session ? { onSession: options.events.session } : {}),
    });
    const transport = (courseId: string) => this.transport(courseId);
    this.#startup = new Startup({
      origin: options.origin,
      cache: this.cache,
      video,
      keyframeInterval: options.keyframeInterval,
      segmentSeconds: options.segmentSeconds ?? PLAYER_DEFAULTS.segmentSeconds,
      localStorage: options.localStorage,
      transport,
      mark: (name) => this.#mark(name),
      log: (message) => options.events.log?.(message),
    });
    this.#next = new NextLesson({ origin: options.origin, cache: this.cache, transport, prepare: (lesson, position) => this.prepare(lesson, position) });
  }

  get origin(): string {
    return this.#options.origin;
  }

  #mark(name: string): void {
    this.marks[name] ??= performance.now();
  }

  transport(courseId: string): Transport {
    return this.#sessions.transport(courseId);
  }

  /** Snaps a seek target to the keyframe grid. */
  keyframeAlign(time: number, duration = this.#options.video.duration): number {
    return keyframeAlign(time, this.#options.keyframeInterval, duration);
  }

  /** The early fetches for a lesson (startup.ts). */
  prepare(lesson: LessonRef, position: number | Promise<number>): Promise<Prepared> {
    return this.#startup.prepare(lesson, position);
  }

  get current(): Prepared | null {
    return this.#attached;
  }

  get #hls(): HlsController | null {
    return this.#attachment instanceof HlsController ? this.#attachment : null;
  }

  /**
   * Hands the prepared lesson to the media element. `preload` buffers one segment only (the
   * first frame is ready before the click); `play()` lifts the limit.
   */
  attach(prepared: Prepared, preload: boolean): Promise<void> {
    if (this.#attached === prepared && this.#attachment) return this.#attachment.ready;
    this.detach();
    this.#attached = prepared;
    this.cache.retain([lessonKey(prepared.lesson), ...this.#next.warmed]);
    const { video, events } = this.#options;
    const transport = this.transport(prepared.lesson.courseId);
    // The poster waits for the first segment: fetched beside it, its ~50 KB would come out of
    // the bandwidth the first frame needs (a medium link spends it on the critical path).
    video.poster = '';
    if (prepared.posterUrl) {
      const poster = transport.session.sign(prepared.posterUrl);
      void prepared.firstSegment.then(() => {
        if (this.#attached === prepared) video.poster = poster;
      });
    }
    if (this.path === 'none') return Promise.reject(new PlayerError('unsupported'));
    this.#attachment =
      this.path === 'hls.js'
        ? new HlsController(
            {
              video,
              cache: this.cache,
              transport,
              localStorage: this.#options.localStorage,
              error: events.error,
              levels: events.levels,
              levelSwitched: events.levelSwitched,
              mark: (name) => this.#mark(name),
              marked: (name) => Boolean(this.marks[name]),
            },
            prepared,
            preload,
          )
        : new NativeController(video, transport, prepared, events.error);
    return this.#attachment.ready;
  }

  /** Starts playback (attaching first if needed). Call from the click handler. */
  async play(prepared: Prepared): Promise<void> {
    const video = this.#options.video;
    const attaching = this.#attached === prepared && this.#attachment ? this.#attachment.ready : this.attach(prepared, false);
    this.#hls?.liftPreload();
    // A head start (head-start.ts) plays before hls.js has arrived; hls.js takes over behind it.
    const head = await this.#hls?.headStart();
    if (!head) {
      await attaching;
      this.#hls?.liftPreload();
    }
    skipStartGap(video);
    this.#mark(head ? 'head-start' : 'play');
    await video.play();
  }

  seek(time: number, exact = false): number {
    const target = exact ? Math.max(0, time) : this.keyframeAlign(time);
    this.#options.video.currentTime = target;
    return target;
  }

  get levels(): readonly QualityLevel[] {
    return this.#hls?.levelList ?? [];
  }

  get autoLevel(): boolean {
    const hls = this.#hls?.hls;
    return hls ? hls.autoLevelEnabled : true;
  }

  get currentLevel(): number {
    return this.#hls?.hls?.currentLevel ?? -1;
  }

  /** -1: automatic. A manual choice switches at the next segment boundary, without a stall. */
  setLevel(index: number): void {
    this.#hls?.setLevel(index);
  }

  get bandwidthEstimate(): number {
    return this.#hls?.hls?.bandwidthEstimate ?? 0;
  }

  /** The lesson after this one, via the edge's next.m3u8 redirect; null after the last. */
  resolveNext(lesson: LessonRef): Promise<LessonRef | null> {
    return this.#next.resolve(lesson);
  }

  /** Prefetches the next lesson's start (near the end, or on hover), at the position it will start from. */
  warmNext(lesson: LessonRef, position: (next: LessonRef) => Promise<number> = async () => 0): Promise<Prepared | null> {
    return this.#next.warm(lesson, position);
  }

  /** The scrub-thumbnail index, loaded once per lesson. */
  thumbnails(prepared: Prepared): Promise<ThumbnailLookup | null> {
    return this.#thumbs.get(this.transport(prepared.lesson.courseId), prepared);
  }

  /** A media URL as the browser must request it (signed query in cookie-less mode). */
  signed(courseId: string, url: string): string {
    return this.transport(courseId).session.sign(url);
  }

  detach(): void {
    this.#attachment?.destroy();
    this.#attachment = null;
    this.#attached = null;
  }

  /** Signing out: stop playback and renewals, and end every course's session at the edge. */
  async endSessions(): Promise<void> {
    this.detach();
    await this.#sessions.endAll();
  }

  destroy(): void {
    this.#sessions.destroy();
    this.detach();
  }
}
