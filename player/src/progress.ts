/**
 * Watch progress: where to resume, and "complete" once the server says so. The contract
 * (player/README.md, "Progress API") is served by the distribution (edge/progress-api/):
 *
 *   GET  {base}/{course}/{lesson}   Authorization: Bearer <token>  -> ProgressRecord
 *   PUT  {base}/{course}/{lesson}   Authorization: Bearer <token>, JSON ProgressUpdate -> ProgressSaved
 *   POST {base}/{course}/{lesson}   text/plain JSON ProgressUpdate + "token" (sendBeacon cannot set headers) -> 204
 *
 * The server credits only what it saw being played (reports whose positions advance no faster
 * than playback can), against the lesson's own duration, and decides completion at 90 % of it.
 * The player's job is to report often enough, in order, around every seek.
 */
import type { TokenProvider } from './session.ts';
import type { ProgressRecord, ProgressSaved, ProgressUpdate } from './progress-contract.ts';

/** Fraction of the lesson the server requires watched; the player reports as playback passes it. */
export const COMPLETE_AT = 0.9;
/** Seconds between progress saves while playing. */
export const SAVE_EVERY_SECONDS = 15;
/** Media seconds between reports once past 90 %, until the server answers "completed". */
export const CHECKPOINT_EVERY_SECONDS = 0.5;

export class ProgressClient {
  #base: string | null = null;
  readonly #basePromise: Promise<string>;
  readonly #getToken: TokenProvider;

  /** `base` may still be arriving (the page's config.json). */
  constructor(base: string | Promise<string>, getToken: TokenProvider) {
    this.#basePromise = Promise.resolve(base).then((b) => (this.#base = new URL(b, location.href).href.replace(/\/+$/, '')));
    this.#getToken = getToken;
  }

  #url(courseId: string, lessonId: string): string {
    return `${this.#base}/${encodeURIComponent(courseId)}/${encodeURIComponent(lessonId)}`;
  }

  async get(courseId: string, lessonId: string): Promise<ProgressRecord | null> {
    await this.#basePromise;
    const token = await this.#getToken();
    if (!token) return null;
    const res = await fetch(this.#url(courseId, lessonId), { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (!res.ok) return null;
    return (await res.json()) as ProgressRecord;
  }

  async put(courseId: string, lessonId: string, update: ProgressUpdate): Promise<ProgressSaved | null> {
    await this.#basePromise;
    const token = await this.#getToken();
    if (!token) return null;
    const res = await fetch(this.#url(courseId, lessonId), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(update),
      keepalive: true,
    });
    return res.ok ? ((await res.json()) as ProgressSaved) : null;
  }

  /** For pagehide: the browser sends it after the page is gone. The token rides in the body. */
  beacon(courseId: string, lessonId: string, update: ProgressUpdate, token: string | null): boolean {
    if (!token || !this.#base) return false;
    const body = JSON.stringify({ ...update, token });
    const url = this.#url(courseId, lessonId);
    if (typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return true;
    void fetch(url, { method: 'POST', body, keepalive: true, headers: { 'content-type': 'text/plain;charset=UTF-8' } }).catch(() => undefined);
    return true;
  }
}

/** Local copy, so a reload resumes at once even before the server answers (and offline). */
export function localPosition(storage: Storage | undefined, courseId: string, lessonId: string): { position: number; at: number } | null {
  try {
    const raw = storage?.getItem(`lectern:position:${courseId}/${lessonId}`);
    if (!raw) return null;
    const v = JSON.parse(raw) as { position?: unknown; at?: unknown };
    return typeof v.position === 'number' && typeof v.at === 'number' ? { position: v.position, at: v.at } : null;
  } catch {
    return null;
  }
}

export function saveLocalPosition(storage: Storage | undefined, courseId: string, lessonId: string, position: number): void {
  try {
    storage?.setItem(`lectern:position:${courseId}/${lessonId}`, JSON.stringify({ position, at: Date.now() }));
  } catch {
    /* ignore */
  }
}

/**
 * Where to start: the newer of the server's and this browser's record. From the beginning
 * when barely started, or when (nearly) at the end: the last 5 % or 3 s, whichever is less.
 */
export function resumePosition(server: ProgressRecord | null, local: { position: number; at: number } | null, duration?: number): number {
  const serverAt = server?.updatedAt ? Date.parse(server.updatedAt) : 0;
  let position = server?.position ?? 0;
  if (local && local.at > serverAt) position = local.position;
  const total = duration ?? (server?.duration || Infinity);
  if (!(position > 1.5) || position >= total - Math.min(3, total * 0.05)) return 0;
  return position;
}

export interface TrackerOptions {
  readonly client: ProgressClient | null;
  readonly courseId: string;
  readonly lessonId: string;
  readonly video: HTMLVideoElement;
  readonly getToken: TokenProvider;
  /** The token as it is now, synchronously (pagehide cannot wait). */
  readonly currentToken: () => string | null;
  readonly storage: Storage | undefined;
  /** The server already said so (no `onComplete` then). */
  readonly alreadyCompleted: boolean;
  /** Called once, the first time a save's answer says `completed: true`. */
  readonly onComplete: (record: ProgressSaved) => void;
  readonly onSaved?: (record: ProgressSaved | null, reason: string) => void;
}

/**
 * Reports the position when playback starts, every 15 s while playing, on each seek (where it
 * left, then where it landed), on pause, on end, on lesson switch and on page hide (beacon), and
 * every half second of playback once past 90 % until the server says the lesson is complete.
 * Saves go one at a time, in order: the server judges each against the one before.
 */
export class ProgressTracker {
  readonly #o: TrackerOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #completed: boolean;
  #lastSent = -1;
  /** The last position reached by playing (not by seeking): where a seek departs from. */
  #played = 0;
  #nextCheckpoint = 0;
  #queue: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(options: TrackerOptions) {
    this.#o = options;
    this.#completed = options.alreadyCompleted;
    const v = options.video;
    v.addEventListener('playing', this.#onPlaying);
    v.addEventListener('pause', this.#onPause);
    v.addEventListener('ended', this.#onEnded);
    v.addEventListener('seeking', this.#onSeeking);
    v.addEventListener('seeked', this.#onSeeked);
    v.addEventListener('timeupdate', this.#onTimeUpdate);
    addEventListener('pagehide', this.#onPageHide);
  }

  #duration(): number {
    const d = this.#o.video.duration;
    return Number.isFinite(d) && d > 0 ? d : 0;
  }

  #onPlaying = (): void => {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.save('interval'), SAVE_EVERY_SECONDS * 1000);
    void this.save('play');
  };

  #onPause = (): void => {
    clearInterval(this.#timer);
    // 'pause' also fires right before 'ended'; onEnded sends that one.
    if (!this.#o.video.ended) void this.save('pause');
  };

  #onEnded = (): void => {
    clearInterval(this.#timer);
    void this.save('ended');
  };

  #onSeeking = (): void => {
    // currentTime is already the target: report where playback left, so the server sees the jump.
    if (!this.#o.video.paused) void this.save('seek-from', this.#played);
  };

  #onSeeked = (): void => {
    const v = this.#o.video;
    this.#played = v.currentTime;
    // Past 90 % again after this seek: report as soon as playback gets there.
    this.#nextCheckpoint = v.currentTime;
    if (!v.paused) void this.save('seek-to');
  };

  #onTimeUpdate = (): void => {
    const v = this.#o.video;
    saveLocalPosition(this.#o.storage, this.#o.courseId, this.#o.lessonId, v.currentTime);
    if (v.seeking || v.paused) return;
    this.#played = v.currentTime;
    const d = this.#duration();
    if (!this.#completed && d && v.currentTime >= d * COMPLETE_AT && v.currentTime >= this.#nextCheckpoint) {
      this.#nextCheckpoint = v.currentTime + CHECKPOINT_EVERY_SECONDS;
      void this.save('checkpoint');
    }
  };

  #update(at?: number): ProgressUpdate {
    const v = this.#o.video;
    const duration = this.#duration();
    const position = at ?? (v.ended ? duration : v.currentTime);
    return { position: Math.round(position * 10) / 10, duration: Math.round(duration * 10) / 10 };
  }

  /** Queues a report; resolves once it (and every report before it) has been answered. */
  save(reason: string, at?: number): Promise<void> {
    if (!this.#o.client || this.#disposed) return this.#queue;
    const update = this.#update(at);
    if (!update.duration) return this.#queue;
    if (reason === 'interval' && update.position === this.#lastSent) return this.#queue;
    this.#lastSent = update.position;
    const client = this.#o.client;
    this.#queue = this.#queue.then(async () => {
      let record: ProgressSaved | null = null;
      try {
        record = await client.put(this.#o.courseId, this.#o.lessonId, update);
      } catch {
        record = null;
      }
      if (record?.completed && !this.#completed) {
        this.#completed = true;
        this.#o.onComplete(record);
      }
      this.#o.onSaved?.(record, reason);
    });
    return this.#queue;
  }

  #onPageHide = (): void => {
    if (!this.#o.client || this.#disposed) return;
    const update = this.#update();
    if (!update.duration) return;
    this.#o.client.beacon(this.#o.courseId, this.#o.lessonId, update, this.#o.currentToken());
  };

  /** Stops tracking (lesson switch); sends the final position first. */
  dispose(sendFinal: boolean): void {
    if (this.#disposed) return;
    if (sendFinal && this.#o.video.currentTime > 0) void this.save('switch');
    this.#disposed = true;
    clearInterval(this.#timer);
    const v = this.#o.video;
    v.removeEventListener('playing', this.#onPlaying);
    v.removeEventListener('pause', this.#onPause);
    v.removeEventListener('ended', this.#onEnded);
    v.removeEventListener('seeking', this.#onSeeking);
    v.removeEventListener('seeked', this.#onSeeked);
    v.removeEventListener('timeupdate', this.#onTimeUpdate);
    removeEventListener('pagehide', this.#onPageHide);
  }
}
