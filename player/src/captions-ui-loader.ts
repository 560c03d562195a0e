/**
 * How the captions chunk (captions-ui.ts) arrives, set by the entry point as hls.js's is
 * (platform.ts): a dynamic import on the watch page, a classic script for the embed.
 */
export type CaptionsUiModule = typeof import('./captions-ui.ts');

let loader: (() => Promise<CaptionsUiModule>) | null = null;
let loading: Promise<CaptionsUiModule> | null = null;

export function setCaptionsUiLoader(load: () => Promise<CaptionsUiModule>): void {
  loader = load;
}

/** The chunk, fetched once; a failed fetch is tried again next time. */
export function loadCaptionsUi(): Promise<CaptionsUiModule> {
  if (!loader) return Promise.reject(new Error('no captions loader configured'));
  loading ??= loader().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
