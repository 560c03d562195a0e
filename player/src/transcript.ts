/**
 * The transcript panel: the current caption track's cues as a list, the one on screen marked
 * (aria-current) and kept in view, a click or Enter on a cue seeks there. One tab stop: the
 * arrows, Home and End move between cues (roving tabindex), so the list does not stand
 * between the student and the rest of the page.
 */
import { formatTime } from './format.ts';
import { activeCueIndex } from './transcript-cues.ts';
import type { Cue } from './vtt.ts';

export class TranscriptView {
  readonly #panel: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #video: HTMLVideoElement;
  #cues: readonly Cue[] = [];
  #active = -1;
  readonly #follow = () => this.#render();

  constructor(mount: HTMLElement, video: HTMLVideoElement, seek: (time: number) => void, close: () => void) {
    this.#video = video;
    const panel = (this.#panel = document.createElement('section'));
    panel.className = 'transcript';
    panel.setAttribute('aria-label', 'Transcript');
    panel.hidden = true;
    panel.innerHTML = '<div class="transcript-head"><span aria-hidden="true">Transcript</span><button type="button" class="transcript-close" aria-label="Close transcript">×</button></div><ol></ol>';
    this.#list = panel.querySelector('ol') as HTMLOListElement;
    mount.append(panel);
    (panel.querySelector('.transcript-close') as HTMLButtonElement).addEventListener('click', close);
    this.#list.addEventListener('click', (e) => {
      const item = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-i]');
      if (!item) return;
      this.#rove(item);
      seek(this.#cues[Number(item.dataset['i'])]?.start ?? 0);
    });
    this.#list.addEventListener('keydown', (e) => this.#onKey(e));
  }

  get isOpen(): boolean {
    return !this.#panel.hidden;
  }

  /** Opens (or refills) the panel with a track's cues, in the track's language. */
  show(cues: readonly Cue[], lang: string): void {
    this.#cues = cues;
    this.#active = -1;
    this.#list.lang = lang;
    this.#list.replaceChildren(
      ...cues.map((cue, i) => {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.tabIndex = i === 0 ? 0 : -1;
        button.dataset['i'] = String(i);
        // The name is what it shows (WCAG 2.5.3, label in name): "0:07 Thanks for watching."
        const time = document.createElement('span');
        time.className = 'cue-time';
        time.textContent = formatTime(cue.start);
        const words = document.createElement('span');
        words.textContent = cue.text;
        button.append(time, ' ', words);
        li.append(button);
        return li;
      }),
    );
    if (cues.length === 0) this.#list.innerHTML = '<li class="empty">This track has no captions.</li>';
    this.#panel.hidden = false;
    this.#video.addEventListener('timeupdate', this.#follow);
    this.#video.addEventListener('seeked', this.#follow);
    this.#render();
  }

  hide(): void {
    this.#panel.hidden = true;
    this.#video.removeEventListener('timeupdate', this.#follow);
    this.#video.removeEventListener('seeked', this.#follow);
  }

  /** Focus on the cue tab stop (opening from the keyboard). */
  focus(): void {
    this.#list.querySelector<HTMLElement>('button[tabindex="0"]')?.focus();
  }

  #buttons(): HTMLButtonElement[] {
    return [...this.#list.querySelectorAll<HTMLButtonElement>('button[data-i]')];
  }

  #rove(to: HTMLButtonElement): void {
    for (const b of this.#buttons()) b.tabIndex = b === to ? 0 : -1;
  }

  #render(): void {
    const index = activeCueIndex(this.#cues, this.#video.currentTime);
    if (index === this.#active) return;
    const buttons = this.#buttons();
    buttons[this.#active]?.removeAttribute('aria-current');
    this.#active = index;
    const current = buttons[index];
    if (!current) return;
    current.setAttribute('aria-current', 'true');
    // Not while the student reads or moves through the list themselves.
    if (this.#list.matches(':hover, :focus-within')) return;
    this.#rove(current);
    const list = this.#list;
    const top = current.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + current.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  #onKey(e: KeyboardEvent): void {
    const buttons = this.#buttons();
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1, PageDown: at + 5, PageUp: at - 5 }[e.key];
    if (to === undefined) {
      // Enter and Space are the button's own (a click); the player's shortcuts must not see them.
      if (e.key === 'Enter' || e.key === ' ') e.stopPropagation();
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    const target = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
    if (target) {
      this.#rove(target);
      target.focus();
    }
  }

  destroy(): void {
    this.hide();
    this.#panel.remove();
  }
}
