/**
 * The embed: one classic script any site can include (no CORS needed to load it, unlike a
 * module script), which defines <lectern-player>:
 *
 *   <script src="https://<distribution>/player/embed.js" async></script>
 *   <lectern-player course="demo" lesson="lesson-1"></lectern-player>
 *   <script> document.querySelector('lectern-player').getToken = async () => myCognitoAccessToken; </script>
 *
 * The distribution is where this script came from. hls.js (light) is loaded lazily by a
 * classic <script> from the same place, for the same reason.
 */
import { defineLecternPlayer, elementDefaults, LecternPlayerElement } from './element.ts';
import { hasMse, loadHls, preconnect, setHlsLoader, type HlsConstructor } from './platform.ts';

declare const __HLS_CLASSIC_FILE__: string;

const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src ? new URL('.', script.src) : new URL('/player/', location.href);
elementDefaults.origin = base.origin;

function injectHls(): Promise<HlsConstructor> {
  const existing = (globalThis as { Hls?: HlsConstructor }).Hls;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const tag = document.createElement('script');
    tag.src = new URL(__HLS_CLASSIC_FILE__, base).href;
    tag.async = true;
    tag.onload = () => {
      const Hls = (globalThis as { Hls?: HlsConstructor }).Hls;
      if (Hls) resolve(Hls);
      else reject(new Error('hls.js did not load'));
    };
    tag.onerror = () => reject(new Error('hls.js could not be fetched'));
    document.head.append(tag);
  });
}

setHlsLoader(injectHls);
preconnect(base.origin, true);
defineLecternPlayer();
// Players already on the page will need hls.js: start fetching it now.
if (hasMse() && document.querySelector('lectern-player')) void loadHls();

(globalThis as { LecternPlayer?: unknown }).LecternPlayer = { element: LecternPlayerElement, loadHls, origin: base.origin };
