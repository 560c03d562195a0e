/**
 * One lesson attached as native HLS (no MSE: iOS Safari before 17.1). The browser fetches the
 * sub-resources itself, so only cookie mode can sign them; a media error refreshes the session
 * once and reloads where it was. `destroy()` removes the listeners and unloads the source.
 */
import { PlayerError, toPlayerError } from './errors.ts';
import type { Transport } from './transport.ts';
import type { Prepared } from './engine-startup.ts';
import { Listeners, type Controller } from './listeners.ts';

export class NativeController implements Controller {
  readonly ready: Promise<void>;
  #retried = false;
  readonly #listeners = new Listeners();

  readonly #video: HTMLVideoElement;
  readonly #transport: Transport;
  readonly #prepared: Prepared;
  readonly #onError: (error: PlayerError, fatal: boolean) => void;

  constructor(
    video: HTMLVideoElement,
    transport: Transport,
    prepared: Prepared,
    onError: (error: PlayerError, fatal: boolean) => void,
  ) {
    this.#video = video;
    this.#transport = transport;
    this.#prepared = prepared;
    this.#onError = onError;
    video.src = transport.session.sign(prepared.masterUrl);
    video.preload = 'auto';
    if (prepared.startPosition > 0) this.#seekOnMetadata(prepared.startPosition);
    this.#listeners.on(video, 'error', () => this.#onMediaError());
    this.ready = Promise.resolve();
  }

  #seekOnMetadata(at: number): void {
    this.#listeners.on(this.#video, 'loadedmetadata', () => (this.#video.currentTime = at), { once: true });
  }

  #onMediaError(): void {
    const video = this.#video;
    if (this.#retried) {
      this.#onError(new PlayerError('network', `native ${video.error?.code}`), true);
      return;
    }
    this.#retried = true;
    const at = video.currentTime;
    const wasPlaying = !video.paused;
    this.#transport.session
      .refresh('native error')
      .then(() => {
        video.src = this.#transport.session.sign(this.#prepared.masterUrl);
        this.#seekOnMetadata(at);
        if (wasPlaying) void video.play().catch(() => undefined);
      })
      .catch((error: unknown) => this.#onError(toPlayerError(error), true));
  }

  destroy(): void {
    this.#listeners.destroy();
    this.#video.removeAttribute('src');
    this.#video.load();
  }
}
