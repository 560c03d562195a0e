/**
 * The caption-language menu: a menu button (aria-haspopup, aria-expanded) and a `role=menu`
 * of `menuitemradio`s, as the WAI-ARIA menu button pattern has it: arrows, Home and End move,
 * Enter or Space picks, Escape (or Tab, or a click elsewhere) closes, focus back on the button.
 */

export interface MenuChoice {
  readonly label: string;
  /** Returned to `onPick`. */
  readonly value: string;
  readonly lang?: string;
  readonly checked: boolean;
}

export class CaptionsMenu {
  readonly #button: HTMLButtonElement;
  readonly #menu: HTMLDivElement;
  readonly #onPick: (value: string) => void;
  readonly #outside = (e: Event) => {
    if (!e.composedPath().some((t) => t === this.#menu || t === this.#button)) this.close(false);
  };

  constructor(button: HTMLButtonElement, mount: HTMLElement, onPick: (value: string) => void) {
    this.#button = button;
    this.#onPick = onPick;
    const menu = (this.#menu = document.createElement('div'));
    menu.className = 'menu';
    menu.id = 'captions-menu';
    menu.setAttribute('role', 'menu');
    menu.setAttribute('aria-label', 'Caption language');
    menu.hidden = true;
    mount.append(menu);
    button.setAttribute('aria-controls', menu.id);
    menu.addEventListener('keydown', (e) => this.#onKey(e));
    menu.addEventListener('click', (e) => {
      const item = (e.target as HTMLElement).closest<HTMLElement>('[role=menuitemradio]');
      if (!item) return;
      this.close(true);
      this.#onPick(item.dataset['value'] ?? '');
    });
  }

  get isOpen(): boolean {
    return !this.#menu.hidden;
  }

  open(choices: readonly MenuChoice[]): void {
    this.#menu.replaceChildren(
      ...choices.map((choice) => {
        const item = document.createElement('button');
        item.type = 'button';
        item.tabIndex = -1;
        item.setAttribute('role', 'menuitemradio');
        item.setAttribute('aria-checked', String(choice.checked));
        item.dataset['value'] = choice.value;
        if (choice.lang) item.lang = choice.lang;
        item.textContent = choice.label;
        return item;
      }),
    );
    this.#menu.hidden = false;
    this.#button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', this.#outside, true);
    const items = this.#items();
    (items.find((i) => i.getAttribute('aria-checked') === 'true') ?? items[0])?.focus();
  }

  close(returnFocus: boolean): void {
    if (this.#menu.hidden) return;
    this.#menu.hidden = true;
    this.#button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', this.#outside, true);
    if (returnFocus) this.#button.focus();
  }

  #items(): HTMLElement[] {
    return [...this.#menu.querySelectorAll<HTMLElement>('[role=menuitemradio]')];
  }

  #onKey(e: KeyboardEvent): void {
    const items = this.#items();
    const at = items.indexOf(e.target as HTMLElement);
    const move = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(items.length - 1);
        break;
      case 'Escape':
        this.close(true);
        break;
      case 'Tab':
        this.close(false);
        return;
      case 'Enter':
      case ' ':
        // The button's own click picks; the player's shortcuts must not see the key.
        e.stopPropagation();
        return;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  destroy(): void {
    this.close(false);
    this.#menu.remove();
    this.#button.removeAttribute('aria-controls');
  }
}
