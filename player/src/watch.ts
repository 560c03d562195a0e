/**
 * The watch page, /watch/<course>/<lesson> (the viewer-request function serves index.html for
 * every /watch/* path). It signs in (PKCE against the Hosted UI or the local IdP; sign-in.ts,
 * loaded when needed) and hosts one <lectern-player>. The head-start chunk is requested first
 * thing; hls.js after the first segment.
 */
import { loadTokens, SignInError, signOut, tokenProvider } from './auth.ts';
import { defineLecternPlayer, elementDefaults, type LecternPlayerElement } from './element.ts';
import type { LessonRef } from './engine.ts';
import { loadPageConfig, PageConfigError, type PageConfig } from './page-config.ts';
import { hasMse, setHlsLoader } from './platform.ts';
import { WATCH_ROUTE } from './boot-session.ts';
import { setCaptionsUiLoader } from './captions-ui-loader.ts';
import { setHeadStartLoader } from './head-start-loader.ts';

setHlsLoader(() => import('lectern-hls').then((m) => m.default));
// hls.js itself is requested once the first segment is in (hls-controller.ts): the head start
// plays that segment without it.
if (hasMse()) setHeadStartLoader(() => import('./head-start.ts'));
setCaptionsUiLoader(() => import('./captions-ui.ts'));

// Preloaded by index.html (<link rel=preload>): normally here before this script runs.
// Validated once (page-config.ts); a bad one is named in the console and on the page.
const configPromise: Promise<PageConfig> = loadPageConfig();
configPromise.catch((error: unknown) => {
  console.error(error);
  if (error instanceof PageConfigError) document.getElementById('page-status')!.textContent = error.message;
});
elementDefaults.progressUrl = configPromise.then((c) => c.progressUrl, () => '/api/progress');


function route(pathname: string): LessonRef | null {
  const m = WATCH_ROUTE.exec(pathname);
  return m ? { courseId: m[1] as string, lessonId: m[2] as string } : null;
}

const player = document.getElementById('player') as LecternPlayerElement;
const title = document.getElementById('title') as HTMLElement;
const pageStatus = document.getElementById('page-status') as HTMLElement;
const account = document.getElementById('account') as HTMLElement;

function showLesson(lesson: LessonRef | null): void {
  title.textContent = lesson ? `${lesson.courseId} · ${lesson.lessonId}` : 'lectern';
  document.title = lesson ? `${lesson.lessonId} · ${lesson.courseId} · lectern` : 'lectern';
}

function renderAccount(): void {
  const tokens = loadTokens();
  account.replaceChildren();
  if (!tokens) return;
  let who = 'Signed in';
  try {
    const claims = JSON.parse(atob((tokens.idToken ?? tokens.accessToken).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { email?: string };
    if (claims.email) who = claims.email;
  } catch {
    /* opaque token */
  }
  const out = document.createElement('button');
  out.type = 'button';
  out.textContent = 'Sign out';
  out.addEventListener('click', () => void configPromise.then((c) => signOut(c, undefined, () => player.endSessions())));
  account.append(`${who} `, out);
}

async function main(): Promise<void> {
  let lesson = route(location.pathname);
  const url = new URL(location.href);
  if (url.searchParams.has('code') || url.searchParams.has('error')) {
    try {
      const { completeSignIn } = await import('./sign-in.ts');
      const returnTo = await completeSignIn(await configPromise, url);
      if (returnTo) {
        history.replaceState(null, '', returnTo);
        lesson = route(new URL(returnTo, location.origin).pathname);
        player.setAttribute('autoplay', '');
      }
    } catch (error) {
      pageStatus.textContent = error instanceof SignInError ? error.message : 'Sign-in failed. Please try again.';
      history.replaceState(null, '', location.pathname);
    }
  }
  showLesson(lesson);
  renderAccount();
  if (!lesson) {
    pageStatus.textContent ||= 'Open a lesson: /watch/<course>/<lesson>, for example /watch/demo/lesson-1.';
    player.hidden = true;
    return;
  }

  defineLecternPlayer();
  player.getToken = tokenProvider(configPromise);
  player.addEventListener('lectern-signin-required', (event) => {
    event.preventDefault();
    player.showSignIn(() => void Promise.all([configPromise, import('./sign-in.ts')]).then(([c, { beginSignIn }]) => beginSignIn(c)));
  });
  player.addEventListener('lectern-lessonchange', (event) => {
    const next = (event as CustomEvent<{ lesson: LessonRef }>).detail.lesson;
    history.pushState(null, '', `/watch/${next.courseId}/${next.lessonId}`);
    showLesson(next);
  });
  addEventListener('popstate', () => {
    const back = route(location.pathname);
    showLesson(back);
    if (back) void player.load(back, { autoplay: false });
  });
  player.setAttribute('course', lesson.courseId);
  player.setAttribute('lesson', lesson.lessonId);
}

void main();
