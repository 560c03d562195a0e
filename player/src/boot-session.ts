/**
 * The watch page asks for its media session before the player's script has arrived. On a slow
 * link the script (and config.json before it) is a few round trips plus ~20 KB, and
 * `POST /auth/session` heads the chain every first frame waits on (session -> master ->
 * variant -> segment), so the page's inline script sends it as soon as the HTML is parsed and
 * the Session adopts that response for its first request.
 *
 * BOOT_SCRIPT is the inline script (vite.config.ts puts it into index.html); it reads only
 * what the Session would send: the stored access token (if it has more than a minute left, as
 * the token provider requires) and the course from the path. When the page has a stored
 * session for the course, or came back from sign-in, it does nothing: the Session needs no
 * request or makes its own.
 */
import { TOKEN_MIN_LIFE_MS, TOKENS_KEY } from './auth.ts';

/** /watch/<course>/<lesson>, the same route watch.ts serves. */
export const WATCH_ROUTE = /^\/watch\/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\/?$/;

const BOOT_GLOBAL = '__lecternBoot';

interface BootSession {
  readonly origin: string;
  readonly courseId: string;
  readonly token: string;
  readonly response: Promise<Response>;
}

/** Where a Session keeps itself in sessionStorage (session.ts), and the boot script looks. */
const SESSION_KEY_PREFIX = 'lectern:session:';
export const sessionStorageKey = (origin: string, courseId: string): string => `${SESSION_KEY_PREFIX}${origin}:${courseId}`;

export const BOOT_SCRIPT = `(function(){try{
var m=new RegExp(${JSON.stringify(WATCH_ROUTE.source)}).exec(location.pathname);
if(!m||/[?&](code|error)=/.test(location.search))return;
if(sessionStorage.getItem(${JSON.stringify(SESSION_KEY_PREFIX)}+location.origin+':'+m[1]))return;
var t=JSON.parse(localStorage.getItem(${JSON.stringify(TOKENS_KEY)})||'null');
if(!t||typeof t.accessToken!=='string'||!(t.expiresAt-Date.now()>${TOKEN_MIN_LIFE_MS}))return;
var r=fetch('/auth/session',{method:'POST',credentials:'include',headers:{authorization:'Bearer '+t.accessToken,'content-type':'application/json'},body:JSON.stringify({courseId:m[1]})});
r.catch(function(){});
window.${BOOT_GLOBAL}={origin:location.origin,courseId:m[1],token:t.accessToken,response:r};
}catch(e){}})();`;

/**
 * The early response, once, if it was sent for exactly this request (same distribution,
 * course and token); undefined otherwise, and the Session fetches as usual.
 */
export function takeBootSession(origin: string, courseId: string, token: string): Promise<Response> | undefined {
  const scope = globalThis as unknown as Record<string, BootSession | undefined>;
  const boot = scope[BOOT_GLOBAL];
  if (!boot || boot.origin !== origin || boot.courseId !== courseId || boot.token !== token) return undefined;
  delete scope[BOOT_GLOBAL];
  return boot.response;
}
