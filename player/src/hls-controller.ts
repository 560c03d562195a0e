/**
 * One lesson attached through hls.js: the configuration (buffer, start level, our loader), its
 * events (levels, bandwidth samples, errors and recoveries) and the ladder warm-up. Created per
 * attachment; `destroy()` destroys hls.js and drops every listener and timer it set.
 */
import type HlsType from 'hls.js';
import type { Level } from 'hls.js';
import { rememberBandwidth } from './abr.ts';
import { PLAYER_DEFAULTS } from './defaults.ts';
import { toPlayerError, type PlayerError } from './errors.ts';
import { loadHls } from './platform.ts';
import type { PrefetchCache } from './prefetch.ts';
import { canonicalUrl } from './signed-url.ts';
import type { Transport } from './transport.ts';
import { currentEstimate, type Prepared } from './engine-startup.ts';
import { Listeners, type Controller } from './listeners.ts';
import { headStartModule } from './head-start-loader.ts';
import type { HeadStart } from './head-start.ts';

export interface QualityLevel {
  /** hls.js level index. */
  readonly index: number;
  readonly height: number;
  readonly bitrate: number;
  readonly label: string;
}

export interface AttachmentDeps {
  readonly video: HTMLVideoElement;
  readonly cache: PrefetchCache;
  readonly transport: Transport;
  readonly localStorage: Storage | undefined;
  readonly error: (error: PlayerError, fatal: boolean) => void;
  readonly levels: (levels: readonly QualityLevel[]) => void;
  readonly levelSwitched: (index: number, auto: boolean) => void;
  readonly mark: (name: string) => void;
  readonly marked: (name: string) => boolean;
}

const BUFFER = PLAYER_DEFAULTS.buffer;

let loaderModule: Promise<typeof import('./hls-loader.ts')> | null = null;

/**
 * Our hls.js loader travels with hls.js: a lazy chunk on the watch page (the embed inlines
 * it). Started as soon as an engine knows it will use hls.js, like hls.js itself.
 */
export function loadHlsLoader(): Promise<typeof import('./hls-loader.ts')> {
  loaderModule ??= import('./hls-loader.ts').catch((error: unknown) => {
    loaderModule = null;
    throw error;
  });
  return loaderModule;
}

/**
 * fMP4 media often starts a frame or two after 0 (encoder delay, B-frames). Left there, the
 * first play() waits for hls.js's gap handling to notice and jump (100 ms or more): jump now,
 * while the video is still paused.
 */
export function skipStartGap(video: HTMLVideoElement): void {
  const b = video.buffered;
  if (!video.paused || b.length === 0) return;
  const start = b.start(0);
  if (video.currentTime < start && start - video.currentTime < PLAYER_DEFAULTS.startGapSeconds) video.currentTime = start;
}

export class HlsController implements Controller {
  hls: HlsType | null = null;
  levelList: QualityLevel[] = [];
  readonly ready: Promise<void>;
  #destroyed = false;
  #sessionFailure: PlayerError | null = null;
  #recoveries = { network: 0, media: 0 };
  #lifted = false;
  #headStart: Promise<HeadStart | null> | null = null;
  readonly #listeners = new Listeners();

  readonly #deps: AttachmentDeps;
  readonly #prepared: Prepared;

  constructor(
    deps: AttachmentDeps,
    prepared: Prepared,
    preload: boolean,
  ) {
    this.#deps = deps;
    this.#prepared = prepared;
    this.ready = this.#attach(preload);
  }

  async #attach(preload: boolean): Promise<void> {
    // With a head start the first frame does not need hls.js, so hls.js waits for the first
    // segment instead of sharing the link with it (on 1.6 Mbps it is twice its bytes).
    if (headStartModule) await this.#prepared.firstSegment;
    const [Hls, { createLoaderClass, FetchWatch, warmLadder, onFatalError }] = await Promise.all([loadHls(), loadHlsLoader()]);
    this.#deps.mark('hls-loaded');
    // A head start in progress owns the element until its appends are done; hls.js then takes its MediaSource.
    const transfer = this.#headStart && (await this.#headStart);
    await transfer?.handOver();
    if (this.#destroyed) return;
    const prepared = this.#prepared;
    const deps = this.#deps;
    preload &&= !this.#lifted;
    const hls = new Hls({
      loader: createLoaderClass({
        cache: deps.cache,
        transport: () => deps.transport,
        onSessionError: (error) => {
          this.#sessionFailure = toPlayerError(error);
          deps.error(this.#sessionFailure, true);
        },
      }),
      autoStartLoad: false,
      startPosition: prepared.startPosition,
      // The level we already fetched; hls.js's own bandwidth test would fetch another.
      testBandwidth: false,
      abrEwmaDefaultEstimate: currentEstimate(deps.localStorage).bps,
      capLevelToPlayerSize: true,
      maxBufferLength: preload ? BUFFER.preloadBufferLength : BUFFER.maxBufferLength,
      maxMaxBufferLength: preload ? BUFFER.preloadBufferLength : BUFFER.maxMaxBufferLength,
      backBufferLength: BUFFER.backBufferLength,
      lowLatencyMode: false,
      // fMP4 segments are appended as they are (no transmuxing), so a worker buys nothing; the
      // ESM build would also need hls.worker.js served beside it.
      enableWorker: false,
      // Seek precision: land on the fragment that holds the target, never one early.
      maxFragLookUpTolerance: BUFFER.maxFragLookUpTolerance,
      maxStarvationDelay: BUFFER.emptyBufferFetchSeconds,
      startFragPrefetch: true,
    });
    this.hls = hls;
    const { Events } = Hls;
    hls.on(Events.MANIFEST_PARSED, () => {
      const index = hls.levels.findIndex((level) => canonicalUrl(level.url[0] ?? '') === prepared.start.variant.url);
      if (index >= 0) hls.startLevel = index;
      this.levelList = hls.levels.map((level: Level, i: number) => ({ index: i, height: level.height, bitrate: level.bitrate, label: `${level.height}p` }));
      deps.levels(this.levelList);
      hls.startLoad(prepared.startPosition);
    });
    hls.on(Events.LEVEL_SWITCHED, (_event, data) => deps.levelSwitched(data.level, hls.autoLevelEnabled));
    hls.on(Events.FRAG_BUFFERED, () => {
      if (!deps.marked('first-buffered')) this.#listeners.timeout(() => void warmLadder(prepared, deps.cache, deps.transport, () => this.#destroyed), 0);
      deps.mark('first-buffered');
      skipStartGap(deps.video);
    });
    hls.on(Events.FRAG_LOADED, (_event, data) => {
      // Our own sample (hls.bandwidthEstimate is the default estimate until it has enough
      // samples; storing that would feed a guess back as a measurement). Small objects say
      // more about latency than throughput.
      const { total, loading } = data.frag.stats;
      const ms = loading.end - loading.start;
      if ((data.frag.type as string) === 'main' && total > PLAYER_DEFAULTS.bandwidthSampleMinBytes && ms > 0) rememberBandwidth(deps.localStorage, (total * 8000) / ms);
    });
    const watch = new FetchWatch(hls, deps.video);
    this.#listeners.add(watch);
    hls.on(Events.FRAG_LOADING, (_event, data) => watch.watch(data.frag));
    hls.on(Events.ERROR, (_event, data) => onFatalError(hls, data, { sessionFailed: this.#sessionFailure !== null, recoveries: this.#recoveries, listeners: this.#listeners, error: deps.error }));
    hls.attachMedia(transfer ?? deps.video);
    hls.loadSource(prepared.masterUrl);
  }

  /**
   * The click before hls.js has arrived: the first frame from the prefetched segment
   * (head-start.ts), if that chunk is here. Resolves to it once it is buffered (play() shows
   * it), or to null: hls.js starts the usual way.
   */
  headStart(): Promise<HeadStart | null> | null {
    const module = headStartModule;
    return this.hls || !module ? null : (this.#headStart ??= module.headStart(this.#deps, this.#prepared));
  }

  /** The click: the one-segment preload limit is lifted. */
  liftPreload(): void {
    this.#lifted = true;
    const hls = this.hls;
    if (!hls || hls.config.maxBufferLength === BUFFER.maxBufferLength) return;
    hls.config.maxBufferLength = BUFFER.maxBufferLength;
    hls.config.maxMaxBufferLength = BUFFER.maxMaxBufferLength;
  }

  /** -1: automatic. A manual choice switches at the next segment boundary, without a stall. */
  setLevel(index: number): void {
    const hls = this.hls;
    if (!hls) return;
    if (index < 0) hls.loadLevel = -1;
    else hls.nextLevel = index;
  }

  destroy(): void {
    this.#destroyed = true;
    // A head start hls.js never took: its MediaSource leaves the element (unless another attachment has it by then).
    if (!this.hls) void this.#headStart?.then((h) => h?.release());
    this.#listeners.destroy();
    this.hls?.destroy();
    this.hls = null;
    this.levelList = [];
  }
}
