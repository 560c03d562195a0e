/**
 * What the person can do to playback: play, pause, seek, speed, quality, volume,
 * picture-in-picture, full screen (captions: captions-controller.ts). Controls and keys call these; no listeners of its own.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { toPlayerError } from './errors.ts';
import { safeStorage, spokenTime } from './format.ts';
import type { Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';

const SPEED_KEY = 'lectern:speed';

export class PlaybackController implements Controller {
  readonly #ctx: PlayerContext;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
    const speed = Number(safeStorage('localStorage')?.getItem(SPEED_KEY));
    if (PLAYER_DEFAULTS.controls.speeds.includes(speed)) this.setSpeed(speed, false);
  }

  async play(): Promise<void> {
    const ctx = this.#ctx;
    const { state, ui, video, engine } = ctx;
    state.wantsPlay = true;
    if (state.errorShown?.code === 'lesson-preparing') state.wantsPlayAfterPreparing = true;
    // The big button disappears: keep keyboard focus in the player (on the bar's play button).
    if ((ui.player.getRootNode() as ShadowRoot).activeElement === ui.bigPlay) ui.play.focus({ preventScroll: true });
    ctx.view.renderOverlay();
    const prepared = state.prepared ?? (await state.preparing?.catch(() => null));
    if (!prepared || state.prepared !== prepared) return;
    if (!state.firstFrameSeen && 'requestVideoFrameCallback' in video) {
      video.requestVideoFrameCallback(() => {
        state.firstFrameSeen = true;
        ctx.emit('lectern-firstframe', { lesson: prepared.lesson });
      });
    }
    try {
      await engine.play(prepared);
    } catch (error) {
      if ((error as Error).name === 'NotAllowedError') {
        // Autoplay refused (no user gesture yet): the big play button asks for one.
        state.wantsPlay = false;
        ctx.view.renderOverlay();
        return;
      }
      if ((error as Error).name === 'AbortError') return;
      ctx.messages.showError(toPlayerError(error), true);
    }
  }

  pause(): void {
    this.#ctx.state.wantsPlay = false;
    this.#ctx.video.pause();
    this.#ctx.view.renderOverlay();
  }

  togglePlay(): void {
    const v = this.#ctx.video;
    if (v.paused || v.ended) void this.play();
    else this.pause();
  }

  /** Seek, keyframe-aligned: the decoder can show the target frame at once. */
  seekTo(time: number, exact = false): void {
    const d = this.#ctx.duration;
    const target = this.#ctx.engine.seek(Math.max(0, Math.min(d || time, time)), exact);
    this.#ctx.view.renderTime(target);
    this.#ctx.announce(`${spokenTime(target)}`);
  }

  seekBy(delta: number): void {
    this.seekTo(this.#ctx.video.currentTime + delta);
  }

  setSpeed(rate: number, remember = true): void {
    this.#ctx.video.playbackRate = rate;
    this.#ctx.ui.speed.value = String(rate);
    if (remember) {
      try {
        safeStorage('localStorage')?.setItem(SPEED_KEY, String(rate));
      } catch {
        /* ignore */
      }
      this.#ctx.announce(`Speed ${rate}×`);
    }
  }

  /** One step slower (-1) or faster (+1) on the speed list. */
  stepSpeed(direction: 1 | -1): void {
    const speeds = PLAYER_DEFAULTS.controls.speeds;
    const i = speeds.indexOf(this.#ctx.video.playbackRate);
    this.setSpeed(speeds[Math.max(0, Math.min(speeds.length - 1, (i < 0 ? 2 : i) + direction))] ?? 1);
  }

  setQuality(index: number): void {
    const engine = this.#ctx.engine;
    engine.setLevel(index);
    this.#ctx.note(`quality ${index < 0 ? 'auto' : index}`);
    const level = engine.levels.find((l) => l.index === index);
    this.#ctx.announce(index < 0 ? 'Quality: automatic' : `Quality: ${level?.label ?? index}`);
  }

  setVolume(volume: number): void {
    const v = this.#ctx.video;
    v.volume = volume;
    v.muted = v.volume === 0;
  }

  /** Arrow keys: unmute and step the volume. */
  stepVolume(delta: number): void {
    const v = this.#ctx.video;
    v.muted = false;
    v.volume = Math.max(0, Math.min(1, v.volume + delta));
    this.#ctx.announce(`Volume ${Math.round(v.volume * 100)}%`);
  }

  toggleMute(): void {
    const v = this.#ctx.video;
    v.muted = !v.muted;
    if (!v.muted && v.volume === 0) v.volume = PLAYER_DEFAULTS.controls.unmuteVolume;
  }

  async togglePip(): Promise<void> {
    try {
      if (document.pictureInPictureElement) await document.exitPictureInPicture();
      else await this.#ctx.video.requestPictureInPicture();
    } catch {
      this.#ctx.announce('Picture in picture is not available');
    }
  }

  toggleFullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void this.#ctx.host.requestFullscreen().catch(() => this.#ctx.announce('Full screen is not available'));
  }

  destroy(): void {
    /* nothing registered */
  }
}
