/**
 * The viewer-request decision, pure: no CloudFront event types, no KeyValueStore handle, no
 * HTTP statuses. The CloudFront Function (function.ts) and the local distribution both call
 * `decideViewerRequest` and turn its answer into their own request/response objects.
 *
 * This file is bundled into a CloudFront Function (cloudfront-js-2.0), so it is written in the
 * subset that runtime documents (see build.ts): no destructuring, spread, default parameters,
 * for-of, classes, shorthand properties or optional chaining; async only on top-level
 * function declarations.
 */
import { isCourseId, isLessonId } from '../course-id.ts';
import { isServedVersion, isVersionName, versionsKey } from '../lesson-versions.ts';
import { mediaTypeOf } from '../media-types.ts';
import type { ErrorCode } from '../errors.ts';

/** Every code this core can refuse with (the build ships statuses for these only). */
export const VIEWER_REQUEST_ERROR_CODES = [
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_NOT_FOUND',
  'ERR_MEDIA_TYPE_REFUSED',
  'ERR_NO_NEXT_LESSON',
  'ERR_LESSON_MAP_UNAVAILABLE',
  'ERR_VERSION_NOT_SERVED',
  'ERR_INTERNAL',
] as const satisfies readonly ErrorCode[];

export type ViewerRequestErrorCode = (typeof VIEWER_REQUEST_ERROR_CODES)[number];

/** A query parameter as CloudFront Functions hand it over: raw (still percent-encoded). */
export interface QueryValue {
  readonly value: string;
  readonly multiValue?: ReadonlyArray<{ readonly value: string }>;
}

export interface ViewerRequestInput {
  readonly method: string;
  /** Raw path as received (percent-encoding untouched), starting with `/`. */
  readonly uri: string;
  /** The raw query string (with or without a leading `?`) or CloudFront's parsed map. */
  readonly querystring: string | Readonly<Record<string, QueryValue>>;
  /** Lowercased header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ViewerRequestDeps {
  /**
   * The next lesson after `<course>/<lesson>`, from the lesson map (CloudFront KeyValueStore
   * on AWS, its import-format JSON file locally). Resolves `undefined` when there is none;
   * rejects when the map cannot be read.
   */
  readonly nextLesson: (key: string) => Promise<string | undefined>;
  /**
   * The lesson's served versions (edge/lesson-versions.ts), from the same map; `undefined`
   * when the lesson has none. Absent: every version folder is refused.
   */
  readonly servedVersions?: (key: string) => Promise<string | undefined>;
  /** Epoch seconds; default Date.now(). */
  readonly nowSeconds?: () => number;
}

export type ViewerRequestDecision =
  /** Let CloudFront carry on to the origin with this uri (query string untouched). */
  | { readonly kind: 'pass'; readonly uri: string }
  | { readonly kind: 'redirect'; readonly status: 302; readonly location: string; readonly cacheControl: string }
  | { readonly kind: 'refuse'; readonly code: ViewerRequestErrorCode };

/**
 * Cache-Control on the next-lesson redirect. CloudFront never caches what a viewer-request
 * function generates (the function runs before the cache lookup), so this only speaks to the
 * player and the browser: `private` because the request carried signed cookies or a signed
 * query, and a minute so a player that prefetched the next lesson can reuse the answer,
 * while a newly published lesson becomes "next" within a minute.
 */
export const NEXT_LESSON_CACHE_CONTROL = 'private, max-age=60';
/**
 * Never stored: the navigation redirect shares its URL with the playlist or segment the
 * player fetches, and a browser cache keyed on the URL alone would replay it to the player.
 */
export const NAVIGATION_CACHE_CONTROL = 'no-store';
/** Refusals: a fresh session or a new lesson must be seen at once. */
export const REFUSAL_CACHE_CONTROL = 'no-store';

const COURSES = '/courses/';
const WATCH = '/watch/';
const NEXT_PLAYLIST = 'next.m3u8';
const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'];
/** Rendition folder and file names the pipeline writes: no dot first, so no `.` or `..`. */
const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

export async function decideViewerRequest(
  req: ViewerRequestInput,
  deps: ViewerRequestDeps,
): Promise<ViewerRequestDecision> {
  const uri = req.uri;
  if (typeof uri !== 'string' || uri.charAt(0) !== '/') return refuse('ERR_NOT_FOUND');

  if (uri.indexOf(COURSES) === 0) return decideCourses(req, deps);

  if (uri === '/watch' || uri.indexOf(WATCH) === 0) return { kind: 'pass', uri: '/index.html' };
  if (uri === '/') return { kind: 'pass', uri: '/index.html' };
  // /player/*, /errors/* and anything else: the player bucket, which holds nothing private.
  return { kind: 'pass', uri: uri };
}

async function decideCourses(req: ViewerRequestInput, deps: ViewerRequestDeps): Promise<ViewerRequestDecision> {
  const method = req.method;
  if (READ_METHODS.indexOf(method) < 0) return refuse('ERR_METHOD_NOT_ALLOWED');
  const uri = req.uri;
  const segments = uri.slice(COURSES.length).split('/');
  const course = segments[0];
  const lesson = segments[1];
  const idsValid = segments.length >= 2 && isCourseId(course) && isLessonId(lesson);
  const getOrHead = method === 'GET' || method === 'HEAD';

  if (getOrHead && isNavigation(req.headers)) {
    // A person typed or followed a media URL: send them to the lesson page instead.
    if (!idsValid) return refuse('ERR_NOT_FOUND');
    return redirect(WATCH + course + '/' + lesson, NAVIGATION_CACHE_CONTROL);
  }

  if (getOrHead && idsValid && segments.length === 3 && segments[2] === NEXT_PLAYLIST) {
    let next: string | undefined;
    try {
      next = await deps.nextLesson(course + '/' + lesson);
    } catch (e) {
      return refuse('ERR_LESSON_MAP_UNAVAILABLE');
    }
    if (next === undefined || next === null || next === '') return refuse('ERR_NO_NEXT_LESSON');
    // The map is data someone uploaded: never put an unchecked value into a Location.
    if (!isLessonId(next)) return refuse('ERR_LESSON_MAP_UNAVAILABLE');
    const query = serializeQuery(req.querystring);
    // The query string goes along: cookie-less players sign with Policy, Signature,
    // Key-Pair-Id (and Hash-Algorithm), and a course-wide custom policy covers the next lesson.
    return redirect(COURSES + course + '/' + next + '/master.m3u8' + (query ? '?' + query : ''), NEXT_LESSON_CACHE_CONTROL);
  }

  if (!isPublishedMediaPath(uri)) return refuse('ERR_MEDIA_TYPE_REFUSED');
  // Under the lesson, only master.m3u8 sits at the top; everything else is in a version folder,
  // served only while the lesson map lists it (old, failed and half-made versions are not).
  if (segments.length === 3) return { kind: 'pass', uri: uri };
  const version = segments[2] as string;
  if (!isVersionName(version) || !deps.servedVersions) return refuse('ERR_VERSION_NOT_SERVED');
  let served: string | undefined;
  try {
    served = await deps.servedVersions(versionsKey(course as string, lesson as string));
  } catch (e) {
    return refuse('ERR_LESSON_MAP_UNAVAILABLE');
  }
  const now = deps.nowSeconds ? deps.nowSeconds() : Math.floor(Date.now() / 1000);
  if (!isServedVersion(served, version, now)) return refuse('ERR_VERSION_NOT_SERVED');
  return { kind: 'pass', uri: uri };
}

/** `Sec-Fetch-Mode: navigate`, or an Accept that asks for HTML. */
export function isNavigation(headers: Readonly<Record<string, string>>): boolean {
  const mode = headerValue(headers, 'sec-fetch-mode');
  if (mode.trim().toLowerCase() === 'navigate') return true;
  return headerValue(headers, 'accept').toLowerCase().indexOf('text/html') >= 0;
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string {
  if (!headers || typeof headers !== 'object') return '';
  const value = Object.prototype.hasOwnProperty.call(headers, name) ? headers[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * `/courses/<c>/<l>/` then at most two folders (the pipeline's immutable version folder and a
 * rendition, e.g. `v0abc/720p/seg-00001.m4s`) and a file: valid ids, plain names (no `%`,
 * backslash, empty or dot segments), and a published media extension.
 */
export function isPublishedMediaPath(uri: string): boolean {
  if (typeof uri !== 'string' || uri.indexOf(COURSES) !== 0) return false;
  const segments = uri.slice(COURSES.length).split('/');
  if (segments.length < 3 || segments.length > 5) return false;
  if (!isCourseId(segments[0]) || !isLessonId(segments[1])) return false;
  for (let i = 2; i < segments.length; i++) {
    const name = segments[i];
    if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.indexOf('..') >= 0) return false;
  }
  return mediaTypeOf(uri) !== undefined;
}

/**
 * The query string to carry onto a redirect. Values arrive raw (CloudFront passes UTF-8 values
 * through unchanged); anything a query string may not hold (spaces, controls, `#`, a stray
 * `%`, non-ASCII) is percent-encoded, existing `%XX` escapes are kept as they are.
 */
export function serializeQuery(query: ViewerRequestInput['querystring']): string {
  if (typeof query === 'string') {
    return cleanQueryPart(query.charAt(0) === '?' ? query.slice(1) : query, RAW_QUERY_UNSAFE);
  }
  if (!query || typeof query !== 'object') return '';
  const parts: string[] = [];
  const names = Object.keys(query);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const entry = query[name];
    if (!entry || typeof entry !== 'object') continue;
    const key = cleanQueryPart(name, NAME_UNSAFE);
    const multi = entry.multiValue;
    if (Array.isArray(multi) && multi.length > 0) {
      for (let j = 0; j < multi.length; j++) {
        const item = multi[j];
        if (item && typeof item.value === 'string') parts.push(key + '=' + cleanQueryPart(item.value, VALUE_UNSAFE));
      }
    } else if (typeof entry.value === 'string') {
      parts.push(key + '=' + cleanQueryPart(entry.value, VALUE_UNSAFE));
    }
  }
  return parts.join('&');
}

// Each pattern: a surrogate pair (encoded whole), a `%` that does not start an escape, or one
// character outside what may stay as is. No `u` flag: the runtime does not list it.
const RAW_QUERY_UNSAFE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@\/?%]/g;
const VALUE_UNSAFE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$'()*+,;=:@\/?%]/g;
const NAME_UNSAFE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$'()*+,;:@\/?%]/g;

function cleanQueryPart(text: string, unsafe: RegExp): string {
  return text.replace(unsafe, encodeChar);
}

function encodeChar(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch (e) {
    // A lone surrogate has no UTF-8 form: write U+FFFD, as CloudFront's own decoding would.
    return '%EF%BF%BD';
  }
}

function redirect(location: string, cacheControl: string): ViewerRequestDecision {
  return { kind: 'redirect', status: 302, location: location, cacheControl: cacheControl };
}

function refuse(code: ViewerRequestErrorCode): ViewerRequestDecision {
  return { kind: 'refuse', code: code };
}
