/**
 * Errors and the message over the video (role=alert, focus on its action): sign-in, not
 * enrolled, missing, busy, offline… An on-demand encode is asked about again by itself.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { MESSAGES, PlayerError, type PlayerErrorCode } from './errors.ts';
import { Listeners, type Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';

export interface MessageAction {
  readonly label: string;
  readonly run: () => void;
}

export class MessageController implements Controller {
  /** The preparing-lesson retry timer. */
  readonly #timers = new Listeners();

  readonly #ctx: PlayerContext;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
  }

  showError(error: PlayerError, fatal: boolean): void {
    const ctx = this.#ctx;
    const state = ctx.state;
    ctx.note(`error ${error.code} ${error.detail ?? ''}`);
    if (error.code === 'signin-required') {
      // The host page decides how to sign in: the watch page calls showSignIn() from its
      // listener (and cancels the event); an embedding page may supply a token instead.
      const handled = !ctx.emit('lectern-signin-required', { lesson: state.lesson }, true);
      if (!handled) this.show(error.code, null);
      return;
    }
    ctx.emit('lectern-error', { code: error.code, message: error.message, fatal });
    if (!fatal) {
      ctx.announce(error.message);
      return;
    }
    if (state.wantsPlay) state.wantsPlayAfterPreparing = true;
    ctx.video.pause();
    if (error.code === 'lesson-preparing' && state.lesson) {
      // An on-demand encode is running: ask again when the edge says, and start when it is published.
      const lesson = state.lesson;
      const generation = state.generation;
      const bounds = PLAYER_DEFAULTS.lesson.preparingRetrySeconds;
      const wait = Math.min(bounds.max, Math.max(bounds.min, Number(error.detail) || bounds.fallback));
      this.show(error.code, null);
      state.errorShown = error;
      this.#timers.timeout(() => generation === state.generation && void ctx.lessons.load(lesson, { autoplay: state.wantsPlayAfterPreparing }), wait * 1000);
      return;
    }
    const retry = error.code === 'network' || error.code === 'session-unavailable' || error.code === 'offline';
    this.show(error.code, retry && state.lesson ? { label: 'Try again', run: () => state.lesson && void ctx.lessons.load(state.lesson, { autoplay: true }) } : null, error.code === 'lesson-failed' ? error.detail : undefined);
    state.errorShown = error;
  }

  show(code: PlayerErrorCode, action: MessageAction | null, text?: string): void {
    const { ui, state, host } = this.#ctx;
    state.errorShown = new PlayerError(code);
    ui.messageText.textContent = text || MESSAGES[code];
    const button = ui.action;
    button.hidden = !action;
    if (action) {
      button.textContent = action.label;
      button.onclick = () => action.run();
    }
    ui.message.hidden = false;
    this.#ctx.view.renderOverlay();
    host.dataset['error'] = code;
    if (action) button.focus({ preventScroll: true });
  }

  hide(): void {
    this.#ctx.ui.message.hidden = true;
    this.#ctx.view.renderOverlay();
    delete this.#ctx.host.dataset['error'];
  }

  destroy(): void {
    this.#timers.destroy();
    this.#ctx.ui.action.onclick = null;
  }
}
