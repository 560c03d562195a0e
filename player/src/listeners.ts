/**
 * Controllers, the way hls.js builds its own: each registers its listeners when it is created
 * and removes every one of them, and its timers, in `destroy()`.
 */
export interface Controller {
  destroy(): void;
}

/** Listeners and timers registered through it are undone together by `destroy()`. */
export class Listeners implements Controller {
  readonly #undo: (() => void)[] = [];

  on<K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, fn: (event: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions): void;
  on(target: EventTarget, type: string, fn: (event: Event) => void, options?: AddEventListenerOptions): void;
  on(target: EventTarget, type: string, fn: (event: Event) => void, options?: AddEventListenerOptions): void {
    target.addEventListener(type, fn, options);
    this.#undo.push(() => target.removeEventListener(type, fn, options));
  }

  /** A timeout cleared on destroy. */
  timeout(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const id = setTimeout(fn, ms);
    this.#undo.push(() => clearTimeout(id));
    return id;
  }

  /** Another controller, destroyed with this one. */
  add(controller: Controller): void {
    this.#undo.push(() => controller.destroy());
  }

  destroy(): void {
    for (const fn of this.#undo.splice(0)) fn();
  }
}
