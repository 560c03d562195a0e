/**
 * The controls' listeners: buttons, seek bar (scrub with thumbnail preview), volume, speed,
 * quality, Next (hover or focus prefetches the next lesson). `destroy()` removes them all.
 */
import { Listeners, type Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';

export class ControlsController implements Controller {
  readonly #listeners = new Listeners();

  constructor(ctx: PlayerContext) {
    const { ui, video: v, state } = ctx;
    const on = this.#listeners.on.bind(this.#listeners);
    const playback = () => ctx.playback;
    on(ui.bigPlay, 'click', () => void playback().play());
    on(ui.play, 'click', () => playback().togglePlay());
    on(v, 'click', () => playback().togglePlay());
    on(v, 'dblclick', () => playback().toggleFullscreen());
    on(ui.mute, 'click', () => playback().toggleMute());
    on(ui.volume, 'input', () => playback().setVolume(Number(ui.volume.value)));
    on(ui.speed, 'change', () => playback().setSpeed(Number(ui.speed.value)));
    on(ui.quality, 'change', () => playback().setQuality(Number(ui.quality.value)));
    on(ui.pip, 'click', () => void playback().togglePip());
    on(ui.fullscreen, 'click', () => playback().toggleFullscreen());
    on(ui.next, 'click', () => void ctx.lessons.goNext());
    on(ui.next, 'pointerenter', () => ctx.lessons.warmNext('hover'));
    on(ui.next, 'focus', () => ctx.lessons.warmNext('focus'));

    const { seek } = ui;
    on(seek, 'input', () => {
      state.scrubbing = true;
      const t = Number(seek.value);
      ctx.view.renderTime(t);
      void ctx.view.showPreview(t);
    });
    on(seek, 'change', () => {
      state.scrubbing = false;
      playback().seekTo(Number(seek.value));
      ctx.view.hidePreview();
    });
    on(ui.seekWrap, 'pointermove', (e) => {
      const rect = seek.getBoundingClientRect();
      const d = ctx.duration;
      if (!d || rect.width === 0) return;
      void ctx.view.showPreview(Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width)) * d, e.clientX - rect.left);
    });
    on(ui.seekWrap, 'pointerleave', () => !state.scrubbing && ctx.view.hidePreview());
    on(seek, 'blur', () => ctx.view.hidePreview());
    on(ui.player, 'pointermove', () => ctx.view.wake());
    on(ui.player, 'focusin', () => ctx.view.wake());
  }

  destroy(): void {
    this.#listeners.destroy();
  }
}
