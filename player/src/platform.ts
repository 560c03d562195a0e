/**
 * What this browser can do, and how hls.js arrives. The page entry (watch.ts) loads the light
 * build with a dynamic import (a code-split chunk); the cross-origin embed (embed.ts) injects
 * it as a classic script, which needs no CORS on the player bucket.
 */
import type HlsType from 'hls.js';

export type HlsConstructor = typeof HlsType;

let hlsLoader: (() => Promise<HlsConstructor>) | null = null;
let hlsPromise: Promise<HlsConstructor> | null = null;

export function setHlsLoader(loader: () => Promise<HlsConstructor>): void {
  hlsLoader = loader;
}

/** Starts loading hls.js (once); call as early as possible when MSE will be used. */
export function loadHls(): Promise<HlsConstructor> {
  if (!hlsLoader) return Promise.reject(new Error('no hls.js loader configured'));
  hlsPromise ??= hlsLoader().catch((error: unknown) => {
    hlsPromise = null;
    throw error;
  });
  return hlsPromise;
}

interface MseWindow {
  ManagedMediaSource?: unknown;
  MediaSource?: { isTypeSupported?(type: string): boolean };
  WebKitMediaSource?: unknown;
}

/** Media Source Extensions with H.264/AAC in fMP4 (ManagedMediaSource counts: iOS 17.1+). */
export function hasMse(win: MseWindow = globalThis as MseWindow): boolean {
  const ms = win.ManagedMediaSource ?? win.MediaSource ?? win.WebKitMediaSource;
  if (!ms) return false;
  const isTypeSupported = (ms as { isTypeSupported?: (t: string) => boolean }).isTypeSupported;
  return typeof isTypeSupported !== 'function' || isTypeSupported.call(ms, 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"');
}

/**
 * The playback path. hls.js whenever MSE exists: desktop Chrome now answers `maybe` to
 * canPlayType('application/vnd.apple.mpegurl') too, and its native HLS gives us no ABR
 * control, no prefetch cache and no signed-query loader. Native HLS only without MSE (iOS
 * Safari before ManagedMediaSource).
 */
export function playbackPath(video: Pick<HTMLVideoElement, 'canPlayType'>, win?: MseWindow): 'hls.js' | 'native' | 'none' {
  if (hasMse(win)) return 'hls.js';
  return video.canPlayType('application/vnd.apple.mpegurl') ? 'native' : 'none';
}

/** `<link rel=preconnect>` (idempotent): TLS and TCP set up while the page is still busy. */
export function preconnect(origin: string, credentials: boolean): void {
  if (typeof document === 'undefined' || !origin) return;
  try {
    if (new URL(origin).origin === location.origin) return;
  } catch {
    return;
  }
  const selector = `link[rel="preconnect"][href="${origin}"]`;
  if (document.head.querySelector(selector)) return;
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = origin;
  link.crossOrigin = credentials ? 'use-credentials' : 'anonymous';
  document.head.append(link);
}
