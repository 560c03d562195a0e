/**
 * <lectern-player course="demo" lesson="lesson-1"> — the player, as a custom element. The
 * watch page (/watch/<course>/<lesson>) and embeds on other origins use the same element.
 *
 * Attributes: course, lesson (required); origin (the distribution; default: where the script
 * came from); mode = auto | cookies | signed-query; preload = auto | none; autoplay;
 * token (a bearer token; or set the `getToken` property); progress-url (or "off");
 * keyframe-interval (seconds, default 2); label (accessible name).
 * Events (bubbling, composed): lectern-ready, lectern-firstframe, lectern-error,
 * lectern-signin-required, lectern-lessonchange, lectern-progress, lectern-complete.
 */
import { Engine, lessonKey, type LessonRef, type Prepared, type QualityLevel } from './engine.ts';
import { MESSAGES, PlayerError, toPlayerError, type PlayerErrorCode } from './errors.ts';
import { preconnect } from './platform.ts';
import { localPosition, ProgressClient, ProgressTracker, resumePosition } from './progress.ts';
import type { ProgressRecord } from './progress-contract.ts';
import type { SessionModeSetting, TokenProvider } from './session.ts';
import { STYLES } from './styles.ts';

const ICONS = {
  play: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8 5v14l11-7z"/></svg>',
  pause: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>',
  volume: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z"/></svg>',
  muted: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9v6h4l5 5V4L7 9H3zm18.6 6.2-1.4 1.4-3.2-3.2-3.2 3.2-1.4-1.4 3.2-3.2-3.2-3.2 1.4-1.4 3.2 3.2 3.2-3.2 1.4 1.4-3.2 3.2z"/></svg>',
  captions: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm-8 7H9.5v-.5h-2v3h2V13H11v1a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v1zm7 0h-1.5v-.5h-2v3h2V13H18v1a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v1z"/></svg>',
  pip: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 11h-8v6h8v-6zm4 8V5a2 2 0 0 0-2-2H3a2 2 0 0 0-2 2v14c0 1.1.9 2 2 2h18a2 2 0 0 0 2-2zm-2 0H3V5h18v14z"/></svg>',
  fullscreen: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z"/></svg>',
  next: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z"/></svg>',
};

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds % 60);
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

function spokenTime(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return m > 0 ? `${m} minute${m === 1 ? '' : 's'} ${s} second${s === 1 ? '' : 's'}` : `${s} second${s === 1 ? '' : 's'}`;
}

function safeStorage(kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return globalThis[kind];
  } catch {
    return undefined;
  }
}

/** Defaults the entry point sets: where the distribution is, and page-level config. */
export interface ElementDefaults {
  origin: string;
  /** Progress API base; may still be arriving (config.json). */
  progressUrl?: string | Promise<string>;
}

export const elementDefaults: ElementDefaults = { origin: typeof location !== 'undefined' ? location.origin : '' };

export class LecternPlayerElement extends HTMLElement {
  static observedAttributes = ['course', 'lesson', 'label'];

  /**
   * Bearer token source; overrides the `token` attribute. `declare`d, not initialised: a page
   * may set it before this class is defined (async embed script), and an initialiser would
   * overwrite that value when the element upgrades.
   */
  declare getToken: TokenProvider | null | undefined;

  private engine: Engine | null = null;
  private root!: ShadowRoot;
  private ui!: Record<string, HTMLElement>;
  private video!: HTMLVideoElement;
  private lesson: LessonRef | null = null;
  private prepared: Prepared | null = null;
  private preparing: Promise<Prepared> | null = null;
  private generation = 0;
  private tracker: ProgressTracker | null = null;
  private progressClient: ProgressClient | null = null;
  private progressRecord: ProgressRecord | null = null;
  private nextLesson: LessonRef | null = null;
  private wantsPlay = false;
  /** Play once an on-demand encode finishes, if the person asked to play while waiting. */
  private wantsPlayAfterPreparing = false;
  private waiting = false;
  private attributeLoadQueued = false;
  /** Resume positions looked up ahead of time (the next lesson). */
  private readonly positions = new Map<string, Promise<number>>();
  /** Lessons whose next lesson was prefetched. */
  private readonly warmed = new Set<string>();
  private pausedByHiding = false;
  private scrubbing = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastToken: string | null = null;
  private completed = false;
  private captionsOn = false;
  private firstFrameSeen = false;
  private errorShown: PlayerError | null = null;
  /** What happened, for tests and the bench (read through `debugState`). */
  private readonly log: string[] = [];

  // ---------- configuration ----------

  get origin(): string {
    return (this.getAttribute('origin') || elementDefaults.origin).replace(/\/+$/, '');
  }

  private get mode(): SessionModeSetting {
    const m = this.getAttribute('mode');
    return m === 'cookies' || m === 'signed-query' ? m : 'auto';
  }

  private tokenProvider: TokenProvider = async (options) => {
    const token = this.getToken ? await this.getToken(options) : this.getAttribute('token');
    this.lastToken = token ?? null;
    return token;
  };

  private get keyframeInterval(): number {
    const k = Number(this.getAttribute('keyframe-interval'));
    return Number.isFinite(k) && k > 0 ? k : 2;
  }

  // ---------- lifecycle ----------

  connectedCallback(): void {
    if (!this.engine) this.build();
    document.addEventListener('visibilitychange', this.onVisibility);
    const course = this.getAttribute('course');
    const lesson = this.getAttribute('lesson');
    if (course && lesson && (!this.lesson || lessonKey(this.lesson) !== `${course}/${lesson}`)) {
      void this.load({ courseId: course, lessonId: lesson }, { autoplay: this.hasAttribute('autoplay') });
    }
  }

  disconnectedCallback(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    // Moved within the page (disconnect + connect in one task): keep playing. Removed: stop.
    queueMicrotask(() => {
      if (this.isConnected) {
        document.addEventListener('visibilitychange', this.onVisibility);
        return;
      }
      this.tracker?.dispose(true);
      this.tracker = null;
      this.generation++;
      this.engine?.destroy();
      this.lesson = null;
      this.prepared = null;
    });
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (name === 'label' && this.ui) this.ui['player']!.setAttribute('aria-label', after || 'Video player');
    if ((name === 'course' || name === 'lesson') && before !== after && this.isConnected && this.engine && !this.attributeLoadQueued) {
      // course and lesson usually change together: load once, after both.
      this.attributeLoadQueued = true;
      queueMicrotask(() => {
        this.attributeLoadQueued = false;
        const course = this.getAttribute('course');
        const lesson = this.getAttribute('lesson');
        if (course && lesson && (!this.lesson || lessonKey(this.lesson) !== `${course}/${lesson}`)) {
          void this.load({ courseId: course, lessonId: lesson }, { autoplay: this.hasAttribute('autoplay') });
        }
      });
    }
  }

  private build(): void {
    this.root = this.attachShadow({ mode: 'open', delegatesFocus: false });
    const label = this.getAttribute('label') || 'Video player';
    this.root.innerHTML = `<style>${STYLES}</style>
<div class="player" part="player" role="region" tabindex="0" aria-label="${label.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" aria-describedby="keys">
  <video playsinline crossorigin="use-credentials" preload="none" part="video"></video>
  <div class="overlay">
    <div class="spinner" role="presentation" hidden></div>
    <button class="big-play" type="button" aria-label="Play">${ICONS.play}</button>
    <div class="message" role="alert" hidden><p></p><button type="button" class="action" hidden></button></div>
  </div>
  <div class="controls" role="group" aria-label="Video controls">
    <div class="seek-wrap">
      <input class="seek" type="range" min="0" max="0" step="0.1" value="0" aria-label="Seek" aria-valuetext="0 seconds of 0 seconds">
      <div class="preview" aria-hidden="true" hidden><span></span></div>
    </div>
    <div class="row">
      <button class="play" type="button" aria-label="Play" title="Play (k)">${ICONS.play}</button>
      <button class="mute" type="button" aria-label="Mute" title="Mute (m)">${ICONS.volume}</button>
      <input class="volume" type="range" min="0" max="1" step="0.05" value="1" aria-label="Volume">
      <span class="time" aria-hidden="true">0:00 / 0:00</span>
      <span class="spacer"></span>
      <button class="next" type="button" hidden aria-label="Next lesson" title="Next lesson (Shift+N)">${ICONS.next}<span>Next</span></button>
      <label class="speed-label sr-only" for="speed">Playback speed</label>
      <select class="speed" id="speed" aria-label="Playback speed" title="Speed">${SPEEDS.map((s) => `<option value="${s}"${s === 1 ? ' selected' : ''}>${s}×</option>`).join('')}</select>
      <select class="quality" aria-label="Quality" title="Quality"><option value="-1">Auto</option></select>
      <button class="captions" type="button" aria-label="Captions" aria-pressed="false" title="Captions (c)" hidden>${ICONS.captions}</button>
      <button class="pip" type="button" aria-label="Picture in picture" title="Picture in picture (i)" hidden>${ICONS.pip}</button>
      <button class="fullscreen" type="button" aria-label="Full screen" title="Full screen (f)">${ICONS.fullscreen}</button>
    </div>
  </div>
  <div class="sr-only" id="keys">Keyboard: k or space play and pause, left and right arrows seek 5 seconds, j and l seek 10 seconds, up and down arrows change volume, m mute, c captions, f full screen, i picture in picture, shift and n next lesson, 0 to 9 jump to that tenth of the lesson.</div>
  <div class="sr-only status" role="status" aria-live="polite"></div>
</div>`;
    const q = <T extends HTMLElement>(selector: string): T => this.root.querySelector(selector) as T;
    this.ui = {
      player: q('.player'),
      bigPlay: q('.big-play'),
      spinner: q('.spinner'),
      message: q('.message'),
      messageText: q('.message p'),
      action: q('.message .action'),
      seek: q('.seek'),
      preview: q('.preview'),
      previewTime: q('.preview span'),
      play: q('.play'),
      mute: q('.mute'),
      volume: q('.volume'),
      time: q('.time'),
      next: q('.next'),
      speed: q('.speed'),
      quality: q('.quality'),
      captions: q('.captions'),
      pip: q('.pip'),
      fullscreen: q('.fullscreen'),
      status: q('.status'),
    };
    this.video = q('video');
    const v = this.video;
    // Credentialed CORS for media in cookie mode; the element is told otherwise in query mode.
    if (this.mode === 'signed-query') v.removeAttribute('crossorigin');
    this.engine = new Engine({
      origin: this.origin,
      video: v,
      getToken: this.tokenProvider,
      mode: this.mode,
      keyframeInterval: this.keyframeInterval,
      sessionStorage: safeStorage('sessionStorage'),
      localStorage: safeStorage('localStorage'),
      events: {
        error: (error, fatal) => this.showError(error, fatal),
        levels: (levels) => this.renderLevels(levels),
        levelSwitched: (index, auto) => this.onLevelSwitched(index, auto),
        session: (_info, reason) => this.note(`session ${reason}`),
        log: (message) => this.note(message),
      },
    });
    preconnect(this.origin, this.mode !== 'signed-query');

    const progressUrl = this.getAttribute('progress-url') ?? elementDefaults.progressUrl ?? `${this.origin}/api/progress`;
    if (progressUrl !== 'off') {
      this.progressClient = new ProgressClient(progressUrl, this.tokenProvider);
      void Promise.resolve(progressUrl).then((url) => preconnect(new URL(url, location.href).origin, false));
    }

    const ui = this.ui;
    ui['bigPlay']!.addEventListener('click', () => void this.play());
    ui['play']!.addEventListener('click', () => this.togglePlay());
    v.addEventListener('click', () => this.togglePlay());
    v.addEventListener('dblclick', () => this.toggleFullscreen());
    ui['mute']!.addEventListener('click', () => this.toggleMute());
    ui['volume']!.addEventListener('input', () => {
      v.volume = Number((ui['volume'] as HTMLInputElement).value);
      v.muted = v.volume === 0;
    });
    ui['speed']!.addEventListener('change', () => this.setSpeed(Number((ui['speed'] as HTMLSelectElement).value)));
    ui['quality']!.addEventListener('change', () => this.setQuality(Number((ui['quality'] as HTMLSelectElement).value)));
    ui['captions']!.addEventListener('click', () => void this.toggleCaptions());
    ui['pip']!.addEventListener('click', () => void this.togglePip());
    ui['fullscreen']!.addEventListener('click', () => this.toggleFullscreen());
    const next = ui['next']!;
    next.addEventListener('click', () => void this.goNext());
    next.addEventListener('pointerenter', () => this.warmNext('hover'));
    next.addEventListener('focus', () => this.warmNext('focus'));

    const seek = ui['seek'] as HTMLInputElement;
    seek.addEventListener('input', () => {
      this.scrubbing = true;
      const t = Number(seek.value);
      this.renderTime(t);
      this.showPreview(t);
    });
    seek.addEventListener('change', () => {
      this.scrubbing = false;
      this.seekTo(Number(seek.value));
      this.hidePreview();
    });
    const wrap = seek.parentElement as HTMLElement;
    wrap.addEventListener('pointermove', (e) => {
      const rect = seek.getBoundingClientRect();
      const d = this.duration;
      if (!d || rect.width === 0) return;
      this.showPreview(Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width)) * d, e.clientX - rect.left);
    });
    wrap.addEventListener('pointerleave', () => !this.scrubbing && this.hidePreview());
    seek.addEventListener('blur', () => this.hidePreview());

    ui['player']!.addEventListener('keydown', (e) => this.onKey(e));
    ui['player']!.addEventListener('pointermove', () => this.wake());
    ui['player']!.addEventListener('focusin', () => this.wake());

    v.addEventListener('play', () => this.renderPlaying());
    v.addEventListener('pause', () => {
      this.wantsPlay = false;
      this.renderPlaying();
    });
    v.addEventListener('playing', () => {
      this.waiting = false;
      this.renderOverlay();
    });
    v.addEventListener('waiting', () => {
      this.waiting = true;
      this.renderOverlay();
    });
    v.addEventListener('seeking', () => this.renderOverlay());
    v.addEventListener('seeked', () => this.renderOverlay());
    v.addEventListener('timeupdate', () => this.onTimeUpdate());
    v.addEventListener('durationchange', () => this.renderTime());
    v.addEventListener('volumechange', () => this.renderVolume());
    v.addEventListener('ratechange', () => ((ui['speed'] as HTMLSelectElement).value = String(v.playbackRate)));
    v.addEventListener('ended', () => this.onEnded());
    v.addEventListener('loadeddata', () => this.emit('lectern-ready', { lesson: this.lesson }));

    (ui['pip'] as HTMLButtonElement).hidden = !(document.pictureInPictureEnabled && !v.disablePictureInPicture);
    (ui['fullscreen'] as HTMLButtonElement).hidden = !document.fullscreenEnabled;
    const speed = Number(safeStorage('localStorage')?.getItem('lectern:speed'));
    if (SPEEDS.includes(speed)) this.setSpeed(speed, false);
  }

  // ---------- state for tests / the bench ----------

  get debugState(): Record<string, unknown> {
    const engine = this.engine;
    const transport = engine && this.lesson ? engine.transport(this.lesson.courseId) : null;
    return {
      lesson: this.lesson,
      path: engine?.path,
      mode: transport?.session.mode,
      sessionRefreshes: transport?.session.refreshes,
      recovered403: transport?.recovered,
      levels: engine?.levels,
      currentLevel: engine?.currentLevel,
      autoLevel: engine?.autoLevel,
      bandwidthEstimate: engine?.bandwidthEstimate,
      startLevel: this.prepared?.start.reason,
      startPosition: this.prepared?.startPosition,
      servedFromCache: engine?.cache.served.slice(),
      cacheSize: engine?.cache.size,
      marks: { ...engine?.marks },
      completed: this.completed,
      nextLesson: this.nextLesson,
      error: this.errorShown ? { code: this.errorShown.code, message: this.errorShown.message, detail: this.errorShown.detail } : null,
      log: this.log.slice(-50),
    };
  }

  private note(message: string): void {
    this.log.push(`${Math.round(performance.now())} ${message}`);
  }

  private emit(name: string, detail: unknown = {}, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
  }

  private announce(text: string): void {
    const status = this.ui['status']!;
    status.textContent = '';
    // A fresh text node so screen readers announce repeats.
    requestAnimationFrame(() => (status.textContent = text));
  }

  // ---------- lessons ----------

  get duration(): number {
    const d = this.video?.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return this.prepared?.duration ?? 0;
  }

  /** Loads a lesson (keeps the element, its session and its prefetch cache). */
  async load(lesson: LessonRef, options: { autoplay: boolean }): Promise<void> {
    if (!this.engine) this.build();
    const engine = this.engine as Engine;
    const generation = ++this.generation;
    this.tracker?.dispose(true);
    this.tracker = null;
    this.lesson = lesson;
    this.prepared = null;
    this.nextLesson = null;
    this.completed = false;
    this.firstFrameSeen = false;
    this.captionsOn = false;
    this.errorShown = null;
    this.wantsPlay = options.autoplay;
    this.wantsPlayAfterPreparing = false;
    this.waiting = false;
    this.hideMessage();
    (this.ui['next'] as HTMLButtonElement).hidden = true;
    (this.ui['captions'] as HTMLButtonElement).hidden = true;
    this.ui['captions']!.setAttribute('aria-pressed', 'false');
    this.renderTime(0);
    if (this.getAttribute('course') !== lesson.courseId) this.setAttribute('course', lesson.courseId);
    if (this.getAttribute('lesson') !== lesson.lessonId) this.setAttribute('lesson', lesson.lessonId);
    this.note(`load ${lessonKey(lesson)}`);

    // The next lesson's position was looked up ahead (lookupNext), so a click does not wait on it.
    const position = this.positions.get(lessonKey(lesson)) ?? this.lookupPosition(lesson);
    this.positions.clear();
    this.preparing = engine.prepare(lesson, position);
    this.renderOverlay();
    let prepared: Prepared;
    try {
      prepared = await this.preparing;
    } catch (error) {
      if (generation === this.generation) this.showError(toPlayerError(error), true);
      return;
    }
    if (generation !== this.generation) return;
    this.prepared = prepared;
    this.renderTime(prepared.startPosition);
    (this.ui['captions'] as HTMLButtonElement).hidden = engine.captionOptions(prepared).length === 0;
    this.tracker = new ProgressTracker({
      client: this.progressClient,
      courseId: lesson.courseId,
      lessonId: lesson.lessonId,
      video: this.video,
      getToken: this.tokenProvider,
      currentToken: () => this.lastToken,
      storage: safeStorage('localStorage'),
      alreadyCompleted: false,
      // The server decides (edge/progress-api/completion.ts); the player shows what it answered.
      onComplete: (record) => {
        this.completed = true;
        this.note('complete');
        this.emit('lectern-complete', { lesson, completedAt: record.completedAt, completedNow: record.completedNow });
      },
      onSaved: (record, reason) => this.emit('lectern-progress', { lesson, record, reason }),
    });
    if (this.wantsPlay) {
      await this.play();
    } else if (this.getAttribute('preload') !== 'none') {
      await engine.attach(prepared, true).catch((error: unknown) => this.showError(toPlayerError(error), true));
    }
    this.lookupNext(prepared);
  }

  private lookupPosition(lesson: LessonRef): Promise<number> {
    const storage = safeStorage('localStorage');
    const local = localPosition(storage, lesson.courseId, lesson.lessonId);
    const server = this.progressClient ? this.progressClient.get(lesson.courseId, lesson.lessonId).catch(() => null) : Promise.resolve(null);
    // The server normally answers long before the playlists arrive; never wait past this.
    const capped = Promise.race([server, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
    return capped.then((record) => {
      if (record) this.progressRecord = record;
      return resumePosition(record ?? null, local);
    });
  }

  /** Resume position of a lesson, looked up once (the next lesson's, ahead of the click). */
  private positionFor(lesson: LessonRef): Promise<number> {
    const key = lessonKey(lesson);
    let position = this.positions.get(key);
    if (!position) {
      position = this.lookupPosition(lesson);
      this.positions.set(key, position);
    }
    return position;
  }

  private lookupNext(prepared: Prepared): void {
    const engine = this.engine;
    if (!engine) return;
    engine.resolveNext(prepared.lesson).then(
      (next) => {
        if (this.prepared !== prepared) return;
        this.nextLesson = next;
        (this.ui['next'] as HTMLButtonElement).hidden = !next;
        if (next) this.positionFor(next);
      },
      () => undefined,
    );
  }

  private warmNext(reason: string): void {
    const prepared = this.prepared;
    if (!prepared || !this.engine) return;
    const key = lessonKey(prepared.lesson);
    if (this.warmed.has(key)) return;
    this.warmed.add(key);
    this.note(`warm next (${reason})`);
    this.engine.warmNext(prepared.lesson, (next) => this.positionFor(next)).then(
      (next) => next && this.emit('lectern-next-ready', { lesson: next.lesson, reason }),
      () => this.warmed.delete(key),
    );
  }

  async goNext(): Promise<void> {
    const prepared = this.prepared;
    if (!prepared || !this.engine) return;
    const next = this.nextLesson ?? (await this.engine.resolveNext(prepared.lesson).catch(() => null));
    if (!next) return;
    this.emit('lectern-lessonchange', { lesson: next, previous: prepared.lesson });
    await this.load(next, { autoplay: true });
    this.ui['player']!.focus({ preventScroll: true });
  }

  // ---------- playback ----------

  async play(): Promise<void> {
    this.wantsPlay = true;
    if (this.errorShown?.code === 'lesson-preparing') this.wantsPlayAfterPreparing = true;
    const engine = this.engine;
    if (!engine) return;
    // The big button disappears: keep keyboard focus in the player (on the bar's play button).
    if (this.root.activeElement === this.ui['bigPlay']) this.ui['play']!.focus({ preventScroll: true });
    this.renderOverlay();
    const prepared = this.prepared ?? (await this.preparing?.catch(() => null));
    if (!prepared || this.prepared !== prepared) return;
    if (!this.firstFrameSeen && 'requestVideoFrameCallback' in this.video) {
      this.video.requestVideoFrameCallback(() => {
        this.firstFrameSeen = true;
        this.emit('lectern-firstframe', { lesson: prepared.lesson });
      });
    }
    try {
      await engine.play(prepared);
    } catch (error) {
      if ((error as Error).name === 'NotAllowedError') {
        // Autoplay refused (no user gesture yet): the big play button asks for one.
        this.wantsPlay = false;
        this.renderOverlay();
        return;
      }
      if ((error as Error).name === 'AbortError') return;
      this.showError(toPlayerError(error), true);
    }
  }

  /** Signing out: playback stops and the media sessions end at the edge, not when they lapse. */
  async endSessions(): Promise<void> {
    this.wantsPlay = false;
    this.video?.pause();
    await this.engine?.endSessions();
  }

  pause(): void {
    this.wantsPlay = false;
    this.video?.pause();
    this.renderOverlay();
  }

  private togglePlay(): void {
    if (this.video.paused || this.video.ended) void this.play();
    else this.pause();
  }

  /** Seek, keyframe-aligned: the decoder can show the target frame at once. */
  seekTo(time: number, exact = false): void {
    if (!this.engine) return;
    const d = this.duration;
    const target = this.engine.seek(Math.max(0, Math.min(d || time, time)), exact);
    this.renderTime(target);
    this.announce(`${spokenTime(target)}`);
  }

  private seekBy(delta: number): void {
    this.seekTo(this.video.currentTime + delta);
  }

  private setSpeed(rate: number, remember = true): void {
    this.video.playbackRate = rate;
    (this.ui['speed'] as HTMLSelectElement).value = String(rate);
    if (remember) {
      try {
        safeStorage('localStorage')?.setItem('lectern:speed', String(rate));
      } catch {
        /* ignore */
      }
      this.announce(`Speed ${rate}×`);
    }
  }

  private setQuality(index: number): void {
    this.engine?.setLevel(index);
    this.note(`quality ${index < 0 ? 'auto' : index}`);
    const level = this.engine?.levels.find((l) => l.index === index);
    this.announce(index < 0 ? 'Quality: automatic' : `Quality: ${level?.label ?? index}`);
  }

  private renderLevels(levels: readonly QualityLevel[]): void {
    const select = this.ui['quality'] as HTMLSelectElement;
    const sorted = [...levels].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);
    select.innerHTML = `<option value="-1">Auto</option>${sorted.map((l) => `<option value="${l.index}">${l.label}</option>`).join('')}`;
    select.value = '-1';
    select.hidden = levels.length < 2;
  }

  private onLevelSwitched(index: number, auto: boolean): void {
    const level = this.engine?.levels.find((l) => l.index === index);
    this.note(`level switched ${index} (${level?.label}) ${auto ? 'auto' : 'manual'}`);
    const select = this.ui['quality'] as HTMLSelectElement;
    const autoOption = select.querySelector('option[value="-1"]');
    if (autoOption) autoOption.textContent = auto && level ? `Auto (${level.label})` : 'Auto';
    this.dataset['level'] = level?.label ?? '';
  }

  private toggleMute(): void {
    this.video.muted = !this.video.muted;
    if (!this.video.muted && this.video.volume === 0) this.video.volume = 0.5;
  }

  private async toggleCaptions(): Promise<void> {
    const prepared = this.prepared;
    if (!prepared || !this.engine) return;
    const options = this.engine.captionOptions(prepared);
    if (options.length === 0) return;
    this.captionsOn = !this.captionsOn;
    this.ui['captions']!.setAttribute('aria-pressed', String(this.captionsOn));
    const choice = options.find((o) => o.isDefault) ?? options[0] ?? null;
    await this.engine.enableCaptions(prepared, this.captionsOn ? choice : null).catch(() => this.announce('Captions could not be loaded'));
    this.announce(this.captionsOn ? `Captions on: ${choice?.name}` : 'Captions off');
  }

  private async togglePip(): Promise<void> {
    try {
      if (document.pictureInPictureElement) await document.exitPictureInPicture();
      else await this.video.requestPictureInPicture();
    } catch {
      this.announce('Picture in picture is not available');
    }
  }

  private toggleFullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void this.requestFullscreen().catch(() => this.announce('Full screen is not available'));
  }

  // ---------- page visibility ----------

  /** Hidden tab: pause (unless picture-in-picture), and resume when the person comes back. */
  private onVisibility = (): void => {
    const v = this.video;
    if (!v) return;
    if (document.visibilityState === 'hidden') {
      if (!v.paused && !v.ended && document.pictureInPictureElement !== v) {
        this.pausedByHiding = true;
        v.pause();
        this.note('paused (hidden)');
      }
    } else if (this.pausedByHiding) {
      this.pausedByHiding = false;
      this.note('resumed (visible)');
      void this.play();
    }
  };

  // ---------- rendering ----------

  private renderPlaying(): void {
    const playing = !this.video.paused;
    const button = this.ui['play'] as HTMLButtonElement;
    button.innerHTML = playing ? ICONS.pause : ICONS.play;
    button.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    button.title = playing ? 'Pause (k)' : 'Play (k)';
    this.ui['player']!.classList.toggle('playing', playing);
    this.renderOverlay();
    this.wake();
  }

  /** Spinner while a wanted playback is not moving; the big play button whenever paused by choice. */
  private renderOverlay(): void {
    const v = this.video;
    const message = !this.ui['message']!.hidden;
    const stuck = v.paused || this.waiting || v.seeking;
    this.ui['spinner']!.hidden = message || !(this.wantsPlay && stuck && !v.ended);
    this.ui['bigPlay']!.hidden = message || this.wantsPlay || !v.paused;
  }

  private renderTime(at?: number): void {
    const t = at ?? this.video.currentTime;
    const d = this.duration;
    const seek = this.ui['seek'] as HTMLInputElement;
    seek.max = String(d || 0);
    if (!this.scrubbing || at !== undefined) seek.value = String(t);
    seek.setAttribute('aria-valuetext', `${spokenTime(t)} of ${spokenTime(d)}`);
    this.ui['time']!.textContent = `${formatTime(t)} / ${formatTime(d)}`;
  }

  private renderVolume(): void {
    const v = this.video;
    (this.ui['volume'] as HTMLInputElement).value = String(v.muted ? 0 : v.volume);
    const mute = this.ui['mute'] as HTMLButtonElement;
    mute.innerHTML = v.muted ? ICONS.muted : ICONS.volume;
    mute.setAttribute('aria-label', v.muted ? 'Unmute' : 'Mute');
  }

  private onTimeUpdate(): void {
    if (!this.scrubbing) this.renderTime();
    const d = this.duration;
    const v = this.video;
    // Near the end, with the current lesson safely buffered: fetch the next one's start.
    if (d && this.nextLesson && d - v.currentTime <= 30) {
      const b = v.buffered;
      const bufferedEnd = b.length ? b.end(b.length - 1) : 0;
      if (bufferedEnd - v.currentTime >= Math.min(8, d - v.currentTime - 0.5)) this.warmNext('near end');
    }
  }

  private onEnded(): void {
    this.renderPlaying();
    if (this.nextLesson) {
      const next = this.ui['next'] as HTMLButtonElement;
      next.hidden = false;
      next.focus();
      this.announce('Lesson finished. Next lesson button focused.');
    } else {
      this.announce('Lesson finished.');
    }
  }

  private async showPreview(time: number, x?: number): Promise<void> {
    const prepared = this.prepared;
    if (!prepared || !this.engine) return;
    const preview = this.ui['preview']!;
    const seek = this.ui['seek'] as HTMLInputElement;
    const d = this.duration || 1;
    const left = x ?? (time / d) * seek.getBoundingClientRect().width;
    this.ui['previewTime']!.textContent = formatTime(time);
    const index = await this.engine.thumbnails(prepared);
    const thumb = index?.(time);
    if (!thumb || this.prepared !== prepared) return;
    preview.style.width = `${thumb.width}px`;
    preview.style.height = `${thumb.height}px`;
    const width = seek.getBoundingClientRect().width;
    preview.style.left = `${Math.max(thumb.width / 2, Math.min(width - thumb.width / 2, left))}px`;
    preview.style.backgroundImage = `url("${this.engine.signed(prepared.lesson.courseId, thumb.url)}")`;
    preview.style.backgroundPosition = `-${thumb.x}px -${thumb.y}px`;
    preview.dataset['time'] = String(time);
    preview.hidden = false;
  }

  private hidePreview(): void {
    this.ui['preview']!.hidden = true;
  }

  private wake(): void {
    const player = this.ui['player']!;
    player.classList.remove('idle');
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => player.classList.add('idle'), 2500);
  }

  // ---------- errors ----------

  private showError(error: PlayerError, fatal: boolean): void {
    this.note(`error ${error.code} ${error.detail ?? ''}`);
    if (error.code === 'signin-required') {
      // The host page decides how to sign in (the watch page redirects to the IdP).
      // The host page decides how to sign in: the watch page calls showSignIn() from its
      // listener (and cancels the event); an embedding page may supply a token instead.
      const handled = !this.emit('lectern-signin-required', { lesson: this.lesson }, true);
      if (!handled) this.showMessage(error.code, null);
      return;
    }
    this.emit('lectern-error', { code: error.code, message: error.message, fatal });
    if (!fatal) {
      this.announce(error.message);
      return;
    }
    if (this.wantsPlay) this.wantsPlayAfterPreparing = true;
    this.video.pause();
    if (error.code === 'lesson-preparing' && this.lesson) {
      // An on-demand encode is running: ask again when the edge says, and start when it is published.
      const lesson = this.lesson;
      const generation = this.generation;
      const wait = Math.min(60, Math.max(2, Number(error.detail) || 10));
      this.showMessage(error.code, null);
      this.errorShown = error;
      setTimeout(() => generation === this.generation && void this.load(lesson, { autoplay: this.wantsPlayAfterPreparing }), wait * 1000);
      return;
    }
    const retry = error.code === 'network' || error.code === 'session-unavailable' || error.code === 'offline';
    this.showMessage(error.code, retry && this.lesson ? { label: 'Try again', run: () => this.lesson && void this.load(this.lesson, { autoplay: true }) } : null, error.code === 'lesson-failed' ? error.detail : undefined);
    this.errorShown = error;
  }

  /** Shows the sign-in prompt (the host page calls this when it has no token). */
  showSignIn(run: () => void): void {
    this.showMessage('signin-required', { label: 'Sign in', run });
  }

  private showMessage(code: PlayerErrorCode, action: { label: string; run: () => void } | null, text?: string): void {
    this.errorShown = new PlayerError(code);
    this.ui['messageText']!.textContent = text || MESSAGES[code];
    const button = this.ui['action'] as HTMLButtonElement;
    button.hidden = !action;
    if (action) {
      button.textContent = action.label;
      button.onclick = () => action.run();
    }
    this.ui['message']!.hidden = false;
    this.renderOverlay();
    this.dataset['error'] = code;
    if (action) button.focus({ preventScroll: true });
  }

  private hideMessage(): void {
    this.ui['message']!.hidden = true;
    this.renderOverlay();
    delete this.dataset['error'];
  }

  // ---------- keyboard ----------

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.composedPath()[0] as HTMLElement | undefined;
    const tag = target?.tagName;
    const onButton = tag === 'BUTTON';
    const onSelect = tag === 'SELECT';
    const onSeek = target === this.ui['seek'];
    const onVolume = target === this.ui['volume'];
    const d = this.duration;
    let handled = true;
    switch (e.key) {
      case ' ':
        if (onButton || onSelect) return;
        this.togglePlay();
        break;
      case 'k':
      case 'K':
        this.togglePlay();
        break;
      case 'ArrowLeft':
        if (onSelect || onVolume) return;
        this.seekBy(-5);
        break;
      case 'ArrowRight':
        if (onSelect || onVolume) return;
        this.seekBy(5);
        break;
      case 'j':
      case 'J':
        this.seekBy(-10);
        break;
      case 'l':
      case 'L':
        this.seekBy(10);
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        if (onSelect || onSeek || onVolume) return;
        this.video.muted = false;
        this.video.volume = Math.max(0, Math.min(1, this.video.volume + (e.key === 'ArrowUp' ? 0.05 : -0.05)));
        this.announce(`Volume ${Math.round(this.video.volume * 100)}%`);
        break;
      case 'Home':
        if (onSelect) return;
        this.seekTo(0);
        break;
      case 'End':
        if (onSelect) return;
        this.seekTo(d);
        break;
      case 'm':
      case 'M':
        this.toggleMute();
        break;
      case 'f':
      case 'F':
        this.toggleFullscreen();
        break;
      case 'c':
      case 'C':
        void this.toggleCaptions();
        break;
      case 'i':
      case 'I':
        void this.togglePip();
        break;
      case 'N':
        if (e.shiftKey) void this.goNext();
        else handled = false;
        break;
      case '<':
      case '>': {
        const i = SPEEDS.indexOf(this.video.playbackRate);
        const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + (e.key === '>' ? 1 : -1)))] ?? 1;
        this.setSpeed(next);
        break;
      }
      default:
        if (/^[0-9]$/.test(e.key) && !onSelect && d) this.seekTo((Number(e.key) / 10) * d);
        else handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
      this.wake();
    }
  }
}

export function defineLecternPlayer(): void {
  if (!customElements.get('lectern-player')) customElements.define('lectern-player', LecternPlayerElement);
}
