/** A hidden tab pauses the lesson (unless it is in picture-in-picture) and resumes it when shown again. */
import { Listeners, type Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';

export class VisibilityController implements Controller {
  readonly #listeners = new Listeners();
  #pausedByHiding = false;

  constructor(ctx: PlayerContext) {
    this.#listeners.on(document, 'visibilitychange', () => {
      const v = ctx.video;
      if (document.visibilityState === 'hidden') {
        if (!v.paused && !v.ended && document.pictureInPictureElement !== v) {
          this.#pausedByHiding = true;
          v.pause();
          ctx.note('paused (hidden)');
        }
      } else if (this.#pausedByHiding) {
        this.#pausedByHiding = false;
        ctx.note('resumed (visible)');
        void ctx.playback.play();
      }
    });
  }

  destroy(): void {
    this.#listeners.destroy();
  }
}
