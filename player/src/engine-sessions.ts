/**
 * One media session (and its Transport) per course, and the scheduled renewal of the current
 * course's session at a fixed share of its (short) life (session-renewal.ts), so a lesson never
 * meets a 403 and a revoked enrollment shows its message at the first renewal after it.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import type { PlayerError } from './errors.ts';
import { toPlayerError } from './errors.ts';
import { renewAtMs } from './session-renewal.ts';
import { Session, type SessionInfo, type SessionModeSetting, type TokenProvider } from './session.ts';
import { Transport } from './transport.ts';
import type { Controller } from './listeners.ts';

export interface SessionPoolOptions {
  readonly origin: string;
  readonly getToken: TokenProvider;
  readonly mode: SessionModeSetting;
  readonly storage?: Storage | undefined;
  /** The attached lesson's course, if any: only its session is renewed on schedule. */
  readonly attachedCourse: () => string | undefined;
  /** A hidden tab with paused media lets its session lapse. */
  readonly idle: () => boolean;
  readonly onError: (error: PlayerError) => void;
  readonly onSession?: (info: SessionInfo, reason: string) => void;
}

export class SessionPool implements Controller {
  readonly #transports = new Map<string, Transport>();
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #options: SessionPoolOptions;

  constructor(options: SessionPoolOptions) {
    this.#options = options;
  }

  transport(courseId: string): Transport {
    let transport = this.#transports.get(courseId);
    if (!transport) {
      const session = new Session({
        origin: this.#options.origin,
        courseId,
        getToken: this.#options.getToken,
        mode: this.#options.mode,
        storage: this.#options.storage,
        onRefresh: (info, reason) => {
          this.#scheduleRefresh(courseId, info);
          this.#options.onSession?.(info, reason);
        },
      });
      transport = new Transport(session);
      this.#transports.set(courseId, transport);
      if (session.current) this.#scheduleRefresh(courseId, session.current);
    }
    return transport;
  }

  #scheduleRefresh(courseId: string, info: SessionInfo): void {
    const attached = this.#options.attachedCourse();
    if (attached !== undefined && attached !== courseId) return;
    clearTimeout(this.#refreshTimer);
    const ms = Math.max(PLAYER_DEFAULTS.session.minRenewDelayMs, renewAtMs(info) - Date.now());
    this.#refreshTimer = setTimeout(() => {
      if (this.#options.idle()) return;
      this.transport(courseId).session.refresh('scheduled').catch((error: unknown) => this.#options.onError(toPlayerError(error)));
    }, ms);
  }

  /** Signing out: the edge clears every course's cookies and this tab forgets each stored query. */
  async endAll(): Promise<void> {
    clearTimeout(this.#refreshTimer);
    const transports = [...this.#transports.values()];
    this.#transports.clear();
    await Promise.all(transports.map((t) => t.session.clear()));
  }

  destroy(): void {
    clearTimeout(this.#refreshTimer);
  }
}
