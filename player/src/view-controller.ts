/**
 * What the player shows, kept in step with the media element: play state, spinner and big
 * play button, time and seek bar, volume, quality list, thumbnail preview, idle controls.
 * Registers the media element's listeners; `destroy()` removes them.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import type { QualityLevel } from './engine.ts';
import { formatTime, spokenTime } from './format.ts';
import { Listeners, type Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';
import { ICONS } from './template.ts';

export class ViewController implements Controller {
  readonly #listeners = new Listeners();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #ctx: PlayerContext;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
    const { video: v, state, ui } = ctx;
    const on = this.#listeners.on.bind(this.#listeners);
    on(v, 'play', () => this.renderPlaying());
    on(v, 'pause', () => {
      state.wantsPlay = false;
      this.renderPlaying();
    });
    on(v, 'playing', () => {
      state.waiting = false;
      this.renderOverlay();
    });
    on(v, 'waiting', () => {
      state.waiting = true;
      this.renderOverlay();
    });
    on(v, 'seeking', () => this.renderOverlay());
    on(v, 'seeked', () => this.renderOverlay());
    on(v, 'timeupdate', () => this.#onTimeUpdate());
    on(v, 'durationchange', () => this.renderTime());
    on(v, 'volumechange', () => this.#renderVolume());
    on(v, 'ratechange', () => (ui.speed.value = String(v.playbackRate)));
    on(v, 'ended', () => this.#onEnded());
    on(v, 'loadeddata', () => ctx.emit('lectern-ready', { lesson: state.lesson }));
    ui.pip.hidden = !(document.pictureInPictureEnabled && !v.disablePictureInPicture);
    ui.fullscreen.hidden = !document.fullscreenEnabled;
  }

  renderPlaying(): void {
    const playing = !this.#ctx.video.paused;
    const button = this.#ctx.ui.play;
    button.innerHTML = playing ? ICONS.pause : ICONS.play;
    button.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    button.title = playing ? 'Pause (k)' : 'Play (k)';
    this.#ctx.ui.player.classList.toggle('playing', playing);
    this.renderOverlay();
    this.wake();
  }

  /** Spinner while a wanted playback is not moving; the big play button whenever paused by choice. */
  renderOverlay(): void {
    const { video: v, ui, state } = this.#ctx;
    const message = !ui.message.hidden;
    const stuck = v.paused || state.waiting || v.seeking;
    ui.spinner.hidden = message || !(state.wantsPlay && stuck && !v.ended);
    ui.bigPlay.hidden = message || state.wantsPlay || !v.paused;
  }

  renderTime(at?: number): void {
    const t = at ?? this.#ctx.video.currentTime;
    const d = this.#ctx.duration;
    const { seek, time } = this.#ctx.ui;
    seek.max = String(d || 0);
    if (!this.#ctx.state.scrubbing || at !== undefined) seek.value = String(t);
    seek.setAttribute('aria-valuetext', `${spokenTime(t)} of ${spokenTime(d)}`);
    time.textContent = `${formatTime(t)} / ${formatTime(d)}`;
  }

  #renderVolume(): void {
    const { video: v, ui } = this.#ctx;
    ui.volume.value = String(v.muted ? 0 : v.volume);
    ui.mute.innerHTML = v.muted ? ICONS.muted : ICONS.volume;
    ui.mute.setAttribute('aria-label', v.muted ? 'Unmute' : 'Mute');
  }

  renderLevels(levels: readonly QualityLevel[]): void {
    const select = this.#ctx.ui.quality;
    const sorted = [...levels].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);
    select.innerHTML = `<option value="-1">Auto</option>${sorted.map((l) => `<option value="${l.index}">${l.label}</option>`).join('')}`;
    select.value = '-1';
    select.hidden = levels.length < 2;
  }

  onLevelSwitched(index: number, auto: boolean): void {
    const level = this.#ctx.engine.levels.find((l) => l.index === index);
    this.#ctx.note(`level switched ${index} (${level?.label}) ${auto ? 'auto' : 'manual'}`);
    const autoOption = this.#ctx.ui.quality.querySelector('option[value="-1"]');
    if (autoOption) autoOption.textContent = auto && level ? `Auto (${level.label})` : 'Auto';
    this.#ctx.host.dataset['level'] = level?.label ?? '';
  }

  #onTimeUpdate(): void {
    if (!this.#ctx.state.scrubbing) this.renderTime();
    const d = this.#ctx.duration;
    const v = this.#ctx.video;
    const next = PLAYER_DEFAULTS.next;
    // Near the end, with the current lesson safely buffered: fetch the next one's start.
    if (d && this.#ctx.state.nextLesson && d - v.currentTime <= next.warmWithinSeconds) {
      const b = v.buffered;
      const bufferedEnd = b.length ? b.end(b.length - 1) : 0;
      if (bufferedEnd - v.currentTime >= Math.min(next.warmBufferedSeconds, d - v.currentTime - next.warmEndMarginSeconds)) this.#ctx.lessons.warmNext('near end');
    }
  }

  #onEnded(): void {
    this.renderPlaying();
    if (this.#ctx.state.nextLesson) {
      const next = this.#ctx.ui.next;
      next.hidden = false;
      next.focus();
      this.#ctx.announce('Lesson finished. Next lesson button focused.');
    } else {
      this.#ctx.announce('Lesson finished.');
    }
  }

  async showPreview(time: number, x?: number): Promise<void> {
    const { state, engine, ui } = this.#ctx;
    const prepared = state.prepared;
    if (!prepared) return;
    const { preview, seek } = ui;
    const d = this.#ctx.duration || 1;
    const left = x ?? (time / d) * seek.getBoundingClientRect().width;
    ui.previewTime.textContent = formatTime(time);
    const index = await engine.thumbnails(prepared);
    const thumb = index?.(time);
    if (!thumb || state.prepared !== prepared) return;
    preview.style.width = `${thumb.width}px`;
    preview.style.height = `${thumb.height}px`;
    const width = seek.getBoundingClientRect().width;
    preview.style.left = `${Math.max(thumb.width / 2, Math.min(width - thumb.width / 2, left))}px`;
    preview.style.backgroundImage = `url("${engine.signed(prepared.lesson.courseId, thumb.url)}")`;
    preview.style.backgroundPosition = `-${thumb.x}px -${thumb.y}px`;
    preview.dataset['time'] = String(time);
    preview.hidden = false;
  }

  hidePreview(): void {
    this.#ctx.ui.preview.hidden = true;
  }

  /** Controls show; they fade again after a while without activity. */
  wake(): void {
    const player = this.#ctx.ui.player;
    player.classList.remove('idle');
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => player.classList.add('idle'), PLAYER_DEFAULTS.controls.idleMs);
  }

  destroy(): void {
    this.#listeners.destroy();
    clearTimeout(this.#idleTimer);
  }
}
