/**
 * What a fatal hls.js error becomes: a bounded number of recoveries (media: recoverMediaError;
 * network: startLoad after a growing backoff, or when the browser is back online), then an
 * error the person sees. Travels in the hls.js loader's lazy chunk: it only runs beside hls.js.
 */
import type HlsType from 'hls.js';
import type { ErrorData } from 'hls.js';
import { PLAYER_DEFAULTS } from './defaults.ts';
import { PlayerError } from './errors.ts';
import type { Listeners } from './listeners.ts';

export interface RecoveryState {
  /** A fatal session problem already shown: nothing to recover. */
  readonly sessionFailed: boolean;
  readonly recoveries: { network: number; media: number };
  readonly listeners: Listeners;
  readonly error: (error: PlayerError, fatal: boolean) => void;
}

export function onFatalError(hls: HlsType, data: ErrorData, state: RecoveryState): void {
  if (!data.fatal) return;
  const { error, recoveries, listeners } = state;
  if (state.sessionFailed) {
    hls.stopLoad();
    return;
  }
  const limits = PLAYER_DEFAULTS.recoveries;
  if (data.type === 'mediaError') {
    if (recoveries.media++ < limits.media) {
      hls.recoverMediaError();
      return;
    }
    error(new PlayerError('media', data.details), true);
    return;
  }
  if (data.type === 'networkError') {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      error(new PlayerError('offline', data.details), false);
      listeners.on(window, 'online', () => hls.startLoad(), { once: true });
      return;
    }
    if (recoveries.network++ < limits.network) {
      listeners.timeout(() => hls.startLoad(), limits.networkBackoffMs * recoveries.network);
      return;
    }
    const status = (data.response as { code?: number } | undefined)?.code;
    error(new PlayerError(status === 404 ? 'lesson-missing' : 'network', data.details), true);
    return;
  }
  error(new PlayerError('media', data.details), true);
}
