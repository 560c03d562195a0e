/**
 * The embed: one classic script any site can include (no CORS needed to load it, unlike a
 * module script), which defines <lectern-player>:
 *
 *   <script src="https://<distribution>/player/embed.js" async></script>
 *   <lectern-player course="demo" lesson="lesson-1"></lectern-player>
 *   <script> document.querySelector('lectern-player').getToken = async () => myCognitoAccessToken; </script>
 *
 * The distribution is where this script came from. hls.js (light) and the captions chunk are
 * loaded lazily by classic <script>s from the same place, for the same reason.
 */
import { defineLecternPlayer, elementDefaults, LecternPlayerElement } from './element.ts';
import { hasMse, loadHls, preconnect, setHlsLoader, type HlsConstructor } from './platform.ts';
import { setCaptionsUiLoader, type CaptionsUiModule } from './captions-ui-loader.ts';

declare const __HLS_CLASSIC_FILE__: string;
/** The captions chunk (captions-ui.ts) as a classic script defining `LecternCaptionsUi` (player/build.ts). */
declare const __CAPTIONS_UI_CLASSIC_FILE__: string;

const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src ? new URL('.', script.src) : new URL('/player/', location.href);
elementDefaults.origin = base.origin;

/** A classic script from the distribution and the global it defines (no CORS needed, unlike a module). */
function classicScript<T>(file: string, global: string): Promise<T> {
  const existing = (globalThis as Record<string, unknown>)[global] as T | undefined;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const tag = document.createElement('script');
    tag.src = new URL(file, base).href;
    tag.async = true;
    tag.onload = () => {
      const value = (globalThis as Record<string, unknown>)[global] as T | undefined;
      if (value) resolve(value);
      else reject(new Error(`${file} did not load`));
    };
    tag.onerror = () => {
      tag.remove();
      reject(new Error(`${file} could not be fetched`));
    };
    document.head.append(tag);
  });
}

const injectHls = () => classicScript<HlsConstructor>(__HLS_CLASSIC_FILE__, 'Hls');

setHlsLoader(injectHls);
setCaptionsUiLoader(() => classicScript<CaptionsUiModule>(__CAPTIONS_UI_CLASSIC_FILE__, 'LecternCaptionsUi'));
preconnect(base.origin, true);
defineLecternPlayer();
// Players already on the page will need hls.js: start fetching it now.
if (hasMse() && document.querySelector('lectern-player')) void loadHls();

(globalThis as { LecternPlayer?: unknown }).LecternPlayer = { element: LecternPlayerElement, loadHls, origin: base.origin };
