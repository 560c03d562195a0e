/**
 * Watch progress: where to resume, and "complete" once 90 % has been watched. The contract
 * (player/README.md, "Progress API") is served locally by the distribution and on AWS by the
 * LMS backend:
 *
 *   GET  {base}/{course}/{lesson}   Authorization: Bearer <token>  -> ProgressRecord
 *   PUT  {base}/{course}/{lesson}   Authorization: Bearer <token>, JSON ProgressUpdate -> ProgressRecord
 *   POST {base}/{course}/{lesson}   text/plain JSON ProgressUpdate + "token" (sendBeacon cannot set headers) -> 204
 */
import type { TokenProvider } from './session.ts';
import type { ProgressRecord, ProgressUpdate } from './progress-contract.ts';

/** Fraction of the lesson after which it counts as complete. */
export const COMPLETE_AT = 0.9;
/** Seconds between progress saves while playing. */
export const SAVE_EVERY_SECONDS = 15;

export class ProgressClient {
  private base: string | null = null;
  private readonly basePromise: Promise<string>;
  private readonly getToken: TokenProvider;

  /** `base` may still be arriving (the page's config.json). */
  constructor(base: string | Promise<string>, getToken: TokenProvider) {
    this.basePromise = Promise.resolve(base).then((b) => (this.base = new URL(b, location.href).href.replace(/\/+$/, '')));
    this.getToken = getToken;
  }

  private url(courseId: string, lessonId: string): string {
    return `${this.base}/${encodeURIComponent(courseId)}/${encodeURIComponent(lessonId)}`;
  }

  async get(courseId: string, lessonId: string): Promise<ProgressRecord | null> {
    await this.basePromise;
    const token = await this.getToken();
    if (!token) return null;
    const res = await fetch(this.url(courseId, lessonId), { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (!res.ok) return null;
    return (await res.json()) as ProgressRecord;
  }

  async put(courseId: string, lessonId: string, update: ProgressUpdate): Promise<ProgressRecord | null> {
    await this.basePromise;
    const token = await this.getToken();
    if (!token) return null;
    const res = await fetch(this.url(courseId, lessonId), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(update),
      keepalive: true,
    });
    return res.ok ? ((await res.json()) as ProgressRecord) : null;
  }

  /** For pagehide: the browser sends it after the page is gone. The token rides in the body. */
  beacon(courseId: string, lessonId: string, update: ProgressUpdate, token: string | null): boolean {
    if (!token || !this.base) return false;
    const body = JSON.stringify({ ...update, token });
    const url = this.url(courseId, lessonId);
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
  readonly alreadyCompleted: boolean;
  readonly onComplete: () => void;
  readonly onSaved?: (record: ProgressRecord | null, reason: string) => void;
}

/**
 * Sends progress every 15 s while playing, on pause, on end and on page hide (beacon), and
 * "completed" exactly once when playback passes 90 %.
 */
export class ProgressTracker {
  private readonly o: TrackerOptions;
  private timer: ReturnType<typeof setInterval> | undefined;
  private completeSent: boolean;
  private lastSent = -1;
  private disposed = false;

  constructor(options: TrackerOptions) {
    this.o = options;
    this.completeSent = options.alreadyCompleted;
    const v = options.video;
    v.addEventListener('playing', this.onPlaying);
    v.addEventListener('pause', this.onPause);
    v.addEventListener('ended', this.onEnded);
    v.addEventListener('timeupdate', this.onTimeUpdate);
    addEventListener('pagehide', this.onPageHide);
  }

  private duration(): number {
    const d = this.o.video.duration;
    return Number.isFinite(d) && d > 0 ? d : 0;
  }

  private onPlaying = (): void => {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.save('interval'), SAVE_EVERY_SECONDS * 1000);
  };

  private onPause = (): void => {
    clearInterval(this.timer);
    // 'pause' also fires right before 'ended'; onEnded sends that one.
    if (!this.o.video.ended) void this.save('pause');
  };

  private onEnded = (): void => {
    clearInterval(this.timer);
    this.checkComplete(true);
    void this.save('ended');
  };

  private onTimeUpdate = (): void => {
    const v = this.o.video;
    saveLocalPosition(this.o.storage, this.o.courseId, this.o.lessonId, v.currentTime);
    if (!v.seeking && !v.paused) this.checkComplete(false);
  };

  private checkComplete(ended: boolean): void {
    if (this.completeSent) return;
    const d = this.duration();
    if (!d) return;
    if (ended || this.o.video.currentTime >= d * COMPLETE_AT) {
      this.completeSent = true;
      this.o.onComplete();
      void this.save('complete', true);
    }
  }

  private update(completed: boolean): ProgressUpdate {
    const v = this.o.video;
    const duration = this.duration();
    const position = v.ended ? duration : v.currentTime;
    return { position: Math.round(position * 10) / 10, duration: Math.round(duration * 10) / 10, ...(completed || this.completeSent ? { completed: true } : {}) };
  }

  async save(reason: string, completed = false): Promise<void> {
    if (!this.o.client || this.disposed) return;
    const update = this.update(completed);
    if (!update.duration) return;
    if (reason === 'interval' && update.position === this.lastSent) return;
    this.lastSent = update.position;
    try {
      const record = await this.o.client.put(this.o.courseId, this.o.lessonId, update);
      this.o.onSaved?.(record, reason);
    } catch {
      this.o.onSaved?.(null, reason);
    }
  }

  private onPageHide = (): void => {
    if (!this.o.client || this.disposed) return;
    const update = this.update(false);
    if (!update.duration) return;
    this.o.client.beacon(this.o.courseId, this.o.lessonId, update, this.o.currentToken());
  };

  /** Stops tracking (lesson switch); sends the final position first. */
  dispose(sendFinal: boolean): void {
    if (this.disposed) return;
    if (sendFinal && this.o.video.currentTime > 0) void this.save('switch');
    this.disposed = true;
    clearInterval(this.timer);
    const v = this.o.video;
    v.removeEventListener('playing', this.onPlaying);
    v.removeEventListener('pause', this.onPause);
    v.removeEventListener('ended', this.onEnded);
    v.removeEventListener('timeupdate', this.onTimeUpdate);
    removeEventListener('pagehide', this.onPageHide);
  }
}
