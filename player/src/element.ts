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
 *
 * The element renders the template once and, while connected, composes the controllers
 * (each registers its listeners when created and removes them in `destroy()`):
 *   Engine               sessions, start-up, hls.js / native, next lesson, captions, thumbnails (engine.ts)
 *   LessonController     load, resume position, progress tracker, next lesson (lesson-controller.ts)
 *   PlaybackController   play, pause, seek, speed, quality, volume, PiP, full screen
 *   CaptionsController   captions, language menu, transcript, the student's caption language
 *   ViewController       media element events -> what the player shows
 *   ControlsController   the controls' listeners
 *   KeyboardController   shortcuts
 *   VisibilityController hidden tab pauses, shown tab resumes
 *   MessageController    errors and the message with its action
 * Removed from the page, it destroys them all (a move within the page keeps playing).
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { Engine, lessonKey, type LessonRef } from './engine.ts';
import { safeStorage } from './format.ts';
import type { Controller } from './listeners.ts';
import { PlayerContext, PlayerState } from './player-context.ts';
import { preconnect } from './platform.ts';
import { ProgressClient } from './progress.ts';
import type { SessionModeSetting, TokenProvider } from './session.ts';
import { renderTemplate, type PlayerTemplate } from './template.ts';
import { CaptionsController } from './captions-controller.ts';
import { ControlsController } from './controls-controller.ts';
import { KeyboardController } from './keyboard-controller.ts';
import { LessonController } from './lesson-controller.ts';
import { MessageController } from './message-controller.ts';
import { PlaybackController } from './playback-controller.ts';
import { ViewController } from './view-controller.ts';
import { VisibilityController } from './visibility-controller.ts';

export { formatTime } from './format.ts';

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

  #ui: PlayerTemplate | null = null;
  #ctx: PlayerContext | null = null;
  #controllers: Controller[] = [];
  readonly #state = new PlayerState();
  #attributeLoadQueued = false;
  #lastToken: string | null = null;
  /** What happened, for tests and the bench (read through `debugState`). */
  readonly #log: string[] = [];

  // ---------- configuration ----------

  get origin(): string {
    return (this.getAttribute('origin') || elementDefaults.origin).replace(/\/+$/, '');
  }

  get #mode(): SessionModeSetting {
    const m = this.getAttribute('mode');
    return m === 'cookies' || m === 'signed-query' ? m : 'auto';
  }

  #tokenProvider: TokenProvider = async (options) => {
    const token = this.getToken ? await this.getToken(options) : this.getAttribute('token');
    this.#lastToken = token ?? null;
    return token;
  };

  get #keyframeInterval(): number {
    const k = Number(this.getAttribute('keyframe-interval'));
    return Number.isFinite(k) && k > 0 ? k : PLAYER_DEFAULTS.keyframeInterval;
  }

  // ---------- lifecycle ----------

  connectedCallback(): void {
    this.#compose();
    this.#loadFromAttributes();
  }

  disconnectedCallback(): void {
    // Moved within the page (disconnect + connect in one task): keep playing. Removed: stop.
    queueMicrotask(() => {
      if (!this.isConnected) this.#teardown();
    });
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (name === 'label' && this.#ui) this.#ui.player.setAttribute('aria-label', after || 'Video player');
    if ((name === 'course' || name === 'lesson') && before !== after && this.isConnected && this.#ctx && !this.#attributeLoadQueued) {
      // course and lesson usually change together: load once, after both.
      this.#attributeLoadQueued = true;
      queueMicrotask(() => {
        this.#attributeLoadQueued = false;
        this.#loadFromAttributes();
      });
    }
  }

  #loadFromAttributes(): void {
    const course = this.getAttribute('course');
    const lesson = this.getAttribute('lesson');
    const current = this.#state.lesson;
    if (course && lesson && (!current || lessonKey(current) !== `${course}/${lesson}`)) {
      void this.load({ courseId: course, lessonId: lesson }, { autoplay: this.hasAttribute('autoplay') });
    }
  }

  /** The template (once) and the controllers (per connection). */
  #compose(): PlayerContext {
    if (this.#ctx) return this.#ctx;
    const ui = (this.#ui ??= renderTemplate(this.attachShadow({ mode: 'open', delegatesFocus: false }), this.getAttribute('label') || 'Video player'));
    const mode = this.#mode;
    // Credentialed CORS for media in cookie mode; the element is told otherwise in query mode.
    if (mode === 'signed-query') ui.video.removeAttribute('crossorigin');
    const note = (message: string) => void this.#log.push(`${Math.round(performance.now())} ${message}`);
    const engine = new Engine({
      origin: this.origin,
      video: ui.video,
      getToken: this.#tokenProvider,
      mode,
      keyframeInterval: this.#keyframeInterval,
      sessionStorage: safeStorage('sessionStorage'),
      localStorage: safeStorage('localStorage'),
      events: {
        error: (error, fatal) => ctx.messages.showError(error, fatal),
        levels: (levels) => ctx.view.renderLevels(levels),
        levelSwitched: (index, auto) => ctx.view.onLevelSwitched(index, auto),
        session: (_info, reason) => note(`session ${reason}`),
        log: note,
      },
    });
    preconnect(this.origin, mode !== 'signed-query');
    const progressUrl = this.getAttribute('progress-url') ?? elementDefaults.progressUrl ?? `${this.origin}/api/progress`;
    let progressClient: ProgressClient | null = null;
    if (progressUrl !== 'off') {
      progressClient = new ProgressClient(progressUrl, this.#tokenProvider);
      void Promise.resolve(progressUrl).then((url) => preconnect(new URL(url, location.href).origin, false));
    }
    const ctx = new PlayerContext({ host: this, ui, engine, state: this.#state, progressClient, getToken: this.#tokenProvider, currentToken: () => this.#lastToken, note });
    ctx.view = new ViewController(ctx);
    ctx.messages = new MessageController(ctx);
    ctx.playback = new PlaybackController(ctx);
    ctx.captions = new CaptionsController(ctx);
    ctx.lessons = new LessonController(ctx);
    this.#controllers = [engine, ctx.view, ctx.messages, ctx.playback, ctx.captions, ctx.lessons, new ControlsController(ctx), new KeyboardController(ctx), new VisibilityController(ctx)];
    this.#ctx = ctx;
    return ctx;
  }

  /** Every controller destroyed, last created first: no listener or timer is left behind. */
  #teardown(): void {
    for (const controller of this.#controllers.reverse()) controller.destroy();
    this.#controllers = [];
    this.#ctx = null;
  }

  // ---------- state for tests / the bench ----------

  get debugState(): Record<string, unknown> {
    const engine = this.#ctx?.engine;
    const { lesson, prepared, errorShown } = this.#state;
    const transport = engine && lesson ? engine.transport(lesson.courseId) : null;
    return {
      lesson,
      path: engine?.path,
      mode: transport?.session.mode,
      sessionRefreshes: transport?.session.refreshes,
      recovered403: transport?.recovered,
      levels: engine?.levels,
      currentLevel: engine?.currentLevel,
      autoLevel: engine?.autoLevel,
      bandwidthEstimate: engine?.bandwidthEstimate,
      startLevel: prepared?.start.reason,
      startPosition: prepared?.startPosition,
      servedFromCache: engine?.cache.served.slice(),
      cacheSize: engine?.cache.size,
      marks: { ...engine?.marks },
      completed: this.#state.completed,
      nextLesson: this.#state.nextLesson,
      error: errorShown ? { code: errorShown.code, message: errorShown.message, detail: errorShown.detail } : null,
      log: this.#log.slice(-50),
    };
  }

  // ---------- public API ----------

  get duration(): number {
    return this.#ctx?.duration ?? 0;
  }

  /** Loads a lesson (keeps the element, its session and its prefetch cache). */
  load(lesson: LessonRef, options: { autoplay: boolean }): Promise<void> {
    return this.#compose().lessons.load(lesson, options);
  }

  async play(): Promise<void> {
    await this.#ctx?.playback.play();
  }

  pause(): void {
    this.#ctx?.playback.pause();
  }

  seekTo(time: number, exact = false): void {
    this.#ctx?.playback.seekTo(time, exact);
  }

  async goNext(): Promise<void> {
    await this.#ctx?.lessons.goNext();
  }

  /** Signing out: playback stops and the media sessions end at the edge, not when they lapse. */
  async endSessions(): Promise<void> {
    this.#state.wantsPlay = false;
    this.#ui?.video.pause();
    await this.#ctx?.engine.endSessions();
  }

  /** Shows the sign-in prompt (the host page calls this when it has no token). */
  showSignIn(run: () => void): void {
    this.#ctx?.messages.show('signin-required', { label: 'Sign in', run });
  }
}

export function defineLecternPlayer(): void {
  if (!customElements.get('lectern-player')) customElements.define('lectern-player', LecternPlayerElement);
}
