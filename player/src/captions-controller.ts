/**
 * The always-loaded side of captions: the three buttons (Captions toggle, language menu,
 * Transcript) shown when the lesson has captions, and the chunk that does the work
 * (captions-ui.ts) loaded on first use, or at the start of a lesson when the student's stored
 * choice is a language.
 */
import { CAPTIONS_OFF, readCaptionPreference, studentId } from './caption-preference.ts';
import type { CaptionsUi } from './captions-ui.ts';
import { loadCaptionsUi } from './captions-ui-loader.ts';
import type { Prepared } from './engine.ts';
import { safeStorage } from './format.ts';
import { Listeners, type Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';

export class CaptionsController implements Controller {
  readonly #ctx: PlayerContext;
  readonly #listeners = new Listeners();
  #ui: Promise<CaptionsUi> | null = null;
  #prepared: Prepared | null = null;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
    const { ui } = ctx;
    this.#listeners.on(ui.captions, 'click', () => void this.toggle());
    this.#listeners.on(ui.captionsMenu, 'click', () => void this.#with((u) => u.toggleMenu()));
    this.#listeners.on(ui.transcript, 'click', () => void this.toggleTranscript());
  }

  /** Runs `fn` on the chunk (loaded, and told the lesson, on first use). */
  async #with(fn: (ui: CaptionsUi) => unknown): Promise<void> {
    const prepared = this.#prepared;
    if (!prepared) return;
    if (!this.#ui) {
      const created = loadCaptionsUi().then(({ createCaptionsUi }) => createCaptionsUi(this.#ctx));
      this.#ui = created;
      created.catch(() => this.#ui === created && (this.#ui = null));
    }
    try {
      const ui = await this.#ui;
      if (this.#prepared !== prepared) return;
      ui.lessonReady(prepared);
      await fn(ui);
    } catch {
      this.#ctx.announce('Captions could not be loaded');
    }
  }

  /** A lesson's playlists are in: its captions offered, and shown if the student wants them. */
  lessonReady(prepared: Prepared): void {
    this.#prepared = prepared;
    const { ui } = this.#ctx;
    ui.captions.hidden = ui.captionsMenu.hidden = ui.transcript.hidden = prepared.master.subtitles.length === 0;
    const preference = readCaptionPreference(safeStorage('localStorage'), studentId(this.#ctx.currentToken()));
    if (this.#ui || (preference && preference !== CAPTIONS_OFF)) void this.#with(() => undefined);
  }

  /** A new lesson is loading: nothing offered until its playlists say. */
  reset(): void {
    const { ui } = this.#ctx;
    this.#prepared = null;
    ui.captions.hidden = ui.captionsMenu.hidden = ui.transcript.hidden = true;
    void this.#ui?.then((u) => u.reset(), () => undefined);
  }

  toggle(): Promise<void> {
    return this.#with((u) => u.toggle());
  }

  toggleTranscript(): Promise<void> {
    return this.#with((u) => u.toggleTranscript());
  }

  destroy(): void {
    this.#listeners.destroy();
    void this.#ui?.then((u) => u.destroy(), () => undefined);
    this.#ui = null;
  }
}
