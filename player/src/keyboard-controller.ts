/**
 * Keyboard shortcuts on the focused player (README, "Controls and keyboard"). Keys that a
 * focused control uses itself (Space on a button, arrows on a range or select) stay with it.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { Listeners, type Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';

export class KeyboardController implements Controller {
  readonly #listeners = new Listeners();

  readonly #ctx: PlayerContext;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
    this.#listeners.on(ctx.ui.player, 'keydown', (e) => this.#onKey(e));
  }

  #onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const ctx = this.#ctx;
    const p = ctx.playback;
    const keys = PLAYER_DEFAULTS.controls;
    const target = e.composedPath()[0] as HTMLElement | undefined;
    const tag = target?.tagName;
    const onButton = tag === 'BUTTON';
    const onSelect = tag === 'SELECT';
    const onSeek = target === ctx.ui.seek;
    const onVolume = target === ctx.ui.volume;
    const d = ctx.duration;
    let handled = true;
    switch (e.key) {
      case ' ':
        if (onButton || onSelect) return;
        p.togglePlay();
        break;
      case 'k':
      case 'K':
        p.togglePlay();
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
        if (onSelect || onVolume) return;
        p.seekBy(e.key === 'ArrowLeft' ? -keys.seekStepSeconds : keys.seekStepSeconds);
        break;
      case 'j':
      case 'J':
        p.seekBy(-keys.seekJumpSeconds);
        break;
      case 'l':
      case 'L':
        p.seekBy(keys.seekJumpSeconds);
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        if (onSelect || onSeek || onVolume) return;
        p.stepVolume(e.key === 'ArrowUp' ? keys.volumeStep : -keys.volumeStep);
        break;
      case 'Home':
        if (onSelect) return;
        p.seekTo(0);
        break;
      case 'End':
        if (onSelect) return;
        p.seekTo(d);
        break;
      case 'm':
      case 'M':
        p.toggleMute();
        break;
      case 'f':
      case 'F':
        p.toggleFullscreen();
        break;
      case 'c':
      case 'C':
        void ctx.captions.toggle();
        break;
      case 't':
      case 'T':
        void ctx.captions.toggleTranscript();
        break;
      case 'i':
      case 'I':
        void p.togglePip();
        break;
      case 'N':
        if (e.shiftKey) void ctx.lessons.goNext();
        else handled = false;
        break;
      case '<':
      case '>':
        p.stepSpeed(e.key === '>' ? 1 : -1);
        break;
      default:
        if (/^[0-9]$/.test(e.key) && !onSelect && d) p.seekTo((Number(e.key) / 10) * d);
        else handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
      ctx.view.wake();
    }
  }

  destroy(): void {
    this.#listeners.destroy();
  }
}
