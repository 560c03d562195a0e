/**
 * Captions and the transcript for the lesson on screen, loaded on first use (a caption track
 * at start, the Captions toggle, the language menu, the transcript) so the watch page's first
 * script stays within its budget: the watch page imports this chunk (code split), the embed
 * loads it as a classic script (`LecternCaptionsUi`, player/build.ts), as it does hls.js.
 * captions-controller.ts is the part that is always there.
 *
 * The student's language (or "off") is remembered per student (caption-preference.ts) and
 * shown from the start of their next lesson.
 */
import { CAPTIONS_OFF, pickCaption, readCaptionPreference, studentId, writeCaptionPreference } from './caption-preference.ts';
import { CaptionTracks } from './caption-tracks.ts';
import { CaptionsMenu } from './captions-menu.ts';
import { CAPTIONS_UI_STYLES } from './captions-ui-styles.ts';
import type { Prepared } from './engine.ts';
import { safeStorage } from './format.ts';
import type { SubtitleRendition } from './m3u8.ts';
import type { PlayerContext } from './player-context.ts';
import { TranscriptView } from './transcript.ts';

export class CaptionsUi {
  readonly #ctx: PlayerContext;
  readonly #tracks: CaptionTracks;
  readonly #menu: CaptionsMenu;
  readonly #transcript: TranscriptView;
  readonly #style: HTMLStyleElement;
  #prepared: Prepared | null = null;
  #options: readonly SubtitleRendition[] = [];
  /** The track on screen, and the one shown last (C turns it back on). */
  #current: SubtitleRendition | null = null;
  #last: SubtitleRendition | null = null;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
    const { ui, video, engine } = ctx;
    this.#style = document.createElement('style');
    this.#style.textContent = CAPTIONS_UI_STYLES;
    (ui.player.getRootNode() as ShadowRoot).append(this.#style);
    this.#tracks = new CaptionTracks(video, (url) => engine.transport(this.#prepared!.lesson.courseId).get(url));
    // In the control bar, so the bar stays up while the menu has focus.
    this.#menu = new CaptionsMenu(ui.captionsMenu, ui.captionsMenu.closest('.controls') as HTMLElement, (value) => void this.select(this.#options.find((o) => o.url === value) ?? null));
    this.#transcript = new TranscriptView(ui.player, video, (time) => ctx.playback.seekTo(time, true), () => void this.toggleTranscript(false));
  }

  get #student(): string | null {
    return studentId(this.#ctx.currentToken());
  }

  /** The track the student would want: their language, else the browser's, else the author's default. */
  #choice(): SubtitleRendition | null {
    return pickCaption(this.#options, readCaptionPreference(safeStorage('localStorage'), this.#student), navigator.languages);
  }

  /** A lesson's playlists are in: captions shown if the student's stored choice says so. */
  lessonReady(prepared: Prepared): void {
    if (this.#prepared === prepared) return;
    this.#prepared = prepared;
    this.#options = prepared.master.subtitles;
    const preference = readCaptionPreference(safeStorage('localStorage'), this.#student);
    if (preference && preference !== CAPTIONS_OFF) void this.select(this.#choice(), false);
  }

  /** A new lesson is loading: tracks forgotten, menu and transcript closed. */
  reset(): void {
    this.#prepared = null;
    this.#options = [];
    this.#current = this.#last = null;
    this.#tracks.destroy();
    this.#menu.close(false);
    this.#transcript.hide();
    this.#render();
  }

  #render(): void {
    const { captions, captionsMenu, transcript } = this.#ctx.ui;
    this.#tracks.besidePanel(this.#transcript.isOpen);
    captions.setAttribute('aria-pressed', String(!!this.#current));
    captionsMenu.setAttribute('aria-label', `Caption language${this.#current ? `: ${this.#current.name}` : ''}`);
    transcript.setAttribute('aria-pressed', String(this.#transcript.isOpen));
  }

  /** Shows a track (null: captions off); `remember` stores it as the student's choice. */
  async select(rendition: SubtitleRendition | null, remember = true): Promise<void> {
    const prepared = this.#prepared;
    if (!prepared) return;
    this.#current = rendition;
    if (rendition) this.#last = rendition;
    this.#render();
    if (remember) writeCaptionPreference(safeStorage('localStorage'), this.#student, rendition ? (rendition.language ?? rendition.name) : CAPTIONS_OFF);
    try {
      await this.#tracks.show(rendition);
      if (this.#prepared !== prepared) return;
      if (rendition && this.#transcript.isOpen) await this.#showTranscript(rendition);
      this.#ctx.announce(rendition ? `Captions on: ${rendition.name}` : 'Captions off');
    } catch {
      this.#ctx.announce('Captions could not be loaded');
    }
  }

  toggle(): Promise<void> {
    if (this.#options.length === 0) return Promise.resolve();
    return this.select(this.#current ? null : (this.#last ?? this.#choice()));
  }

  toggleMenu(): void {
    if (this.#options.length === 0) return;
    if (this.#menu.isOpen) return this.#menu.close(true);
    this.#menu.open([
      { label: 'Off', value: '', checked: !this.#current },
      ...this.#options.map((o) => ({ label: o.name, value: o.url, checked: o === this.#current, ...(o.language ? { lang: o.language } : {}) })),
    ]);
  }

  async #showTranscript(track: SubtitleRendition): Promise<void> {
    this.#transcript.show(await this.#tracks.cues(track), track.language ?? '');
  }

  /** Opens the transcript of the track on screen (or the one captions would show); `open` forces a state. */
  async toggleTranscript(open = !this.#transcript.isOpen): Promise<void> {
    const track = this.#current ?? this.#last ?? this.#choice();
    if (!track) return;
    if (!open) {
      const root = this.#ctx.ui.player.getRootNode() as ShadowRoot;
      const inside = this.#transcript.isOpen && root.activeElement?.closest('.transcript');
      this.#transcript.hide();
      this.#render();
      if (inside) this.#ctx.ui.transcript.focus();
      return;
    }
    try {
      await this.#showTranscript(track);
      this.#render();
      this.#ctx.announce(`Transcript open: ${track.name}`);
    } catch {
      this.#ctx.announce('The transcript could not be loaded');
    }
  }

  destroy(): void {
    this.#tracks.destroy();
    this.#menu.destroy();
    this.#transcript.destroy();
    this.#style.remove();
  }
}

export function createCaptionsUi(ctx: PlayerContext): CaptionsUi {
  return new CaptionsUi(ctx);
}
