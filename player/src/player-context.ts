/**
 * What the element's controllers share (the way hls.js controllers share the `hls` instance):
 * the template, the engine, the lesson state, and the element's outputs (log, events, the
 * live region). The element creates one per connection and destroys its controllers with it.
 */
import type { Engine, LessonRef, Prepared } from './engine.ts';
import type { PlayerError } from './errors.ts';
import type { ProgressClient } from './progress.ts';
import type { TokenProvider } from './session.ts';
import type { PlayerTemplate } from './template.ts';
import type { PlaybackController } from './playback-controller.ts';
import type { ViewController } from './view-controller.ts';
import type { LessonController } from './lesson-controller.ts';
import type { MessageController } from './message-controller.ts';
import type { CaptionsController } from './captions-controller.ts';

/** The lesson and what the person asked for; reset by each load. */
export class PlayerState {
  lesson: LessonRef | null = null;
  prepared: Prepared | null = null;
  preparing: Promise<Prepared> | null = null;
  /** Bumped by each load and on removal: late answers for an older lesson are dropped. */
  generation = 0;
  nextLesson: LessonRef | null = null;
  wantsPlay = false;
  /** Play once an on-demand encode finishes, if the person asked to play while waiting. */
  wantsPlayAfterPreparing = false;
  waiting = false;
  scrubbing = false;
  completed = false;
  firstFrameSeen = false;
  errorShown: PlayerError | null = null;
}

export interface PlayerContextInit {
  readonly host: HTMLElement;
  readonly ui: PlayerTemplate;
  readonly engine: Engine;
  readonly state: PlayerState;
  readonly progressClient: ProgressClient | null;
  readonly getToken: TokenProvider;
  readonly currentToken: () => string | null;
  readonly note: (message: string) => void;
}

// The init fields are copied onto the context (Object.assign in the constructor).
export interface PlayerContext extends PlayerContextInit {}

export class PlayerContext {
  readonly video: HTMLVideoElement;
  // The controllers, set by the element once each exists.
  playback!: PlaybackController;
  view!: ViewController;
  lessons!: LessonController;
  messages!: MessageController;
  captions!: CaptionsController;

  constructor(init: PlayerContextInit) {
    Object.assign(this, init);
    this.video = init.ui.video;
  }

  /** Duration of the media, or of the playlist before the media knows it. */
  get duration(): number {
    const d = this.video.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return this.state.prepared?.duration ?? 0;
  }

  emit(name: string, detail: unknown = {}, cancelable = false): boolean {
    return this.host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** Polite live region. */
  announce(text: string): void {
    const status = this.ui.status;
    status.textContent = '';
    // A fresh text node so screen readers announce repeats.
    requestAnimationFrame(() => (status.textContent = text));
  }
}
