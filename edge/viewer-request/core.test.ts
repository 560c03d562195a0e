import { describe, expect, it } from 'vitest';
import {
  decideViewerRequest,
  isPublishedMediaPath,
  NAVIGATION_CACHE_CONTROL,
  NEXT_LESSON_CACHE_CONTROL,
  serializeQuery,
  VIEWER_REQUEST_ERROR_CODES,
  type ViewerRequestDecision,
  type ViewerRequestInput,
} from './core.ts';
import { ERROR_RESPONSES } from '../error-responses.ts';
import { LADDER } from '../../pipeline/ladder.ts';
import { toMediaConvertJob } from '../../pipeline/mediaconvert-job.ts';

const PUBLISHED = 'v0mwqb52tc-2475';
const REPLACED = 'v0mwqb2tm6-76c6';
const NOW = 1_800_000_000;
const LESSONS: Record<string, string> = {
  'demo/lesson-1': 'lesson-2',
  'demo/lesson-2': 'lesson-3',
  'demo/lesson-1/versions': `${PUBLISHED} ${REPLACED}@${NOW + 60}`,
};

function lookups() {
  const asked: string[] = [];
  const nextLesson = async (key: string) => {
    asked.push(key);
    return LESSONS[key];
  };
  return { asked, deps: { nextLesson, servedVersions: nextLesson, nowSeconds: () => NOW } };
}

function decide(uri: string, extra: Partial<ViewerRequestInput> = {}, nextLesson?: (key: string) => Promise<string | undefined>) {
  const input: ViewerRequestInput = { method: 'GET', uri, querystring: {}, headers: {}, ...extra };
  return decideViewerRequest(input, { ...lookups().deps, ...(nextLesson ? { nextLesson } : {}) });
}

const refused = (code: string): ViewerRequestDecision => ({ kind: 'refuse', code } as ViewerRequestDecision);
const passes = (uri: string): ViewerRequestDecision => ({ kind: 'pass', uri });

const SIGNED = {
  Policy: { value: 'eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9jZG4vY291cnNlcy9kZW1vLyoifV19' },
  Signature: { value: 'AbC~dEf-gh_' },
  'Key-Pair-Id': { value: 'K2JCJMDEHXQW5F' },
  'Hash-Algorithm': { value: 'SHA256' },
};

describe('the next-lesson playlist', () => {
  it('redirects /courses/<c>/<l>/next.m3u8 to the next lesson master playlist, looked up as "<c>/<l>"', async () => {
    const { asked, deps } = lookups();
    const decision = await decideViewerRequest({ method: 'GET', uri: '/courses/demo/lesson-1/next.m3u8', querystring: {}, headers: {} }, deps);
    expect(decision).toEqual({ kind: 'redirect', status: 302, location: '/courses/demo/lesson-2/master.m3u8', cacheControl: NEXT_LESSON_CACHE_CONTROL });
    expect(asked).toEqual(['demo/lesson-1']);
  });

  it('answers HEAD the same way', async () => {
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { method: 'HEAD' })).toMatchObject({ kind: 'redirect' });
  });

  it('keeps the signed query parameters of a cookie-less player on the redirect', async () => {
    const decision = await decide('/courses/demo/lesson-1/next.m3u8', { querystring: SIGNED });
    expect(decision).toMatchObject({
      location:
        '/courses/demo/lesson-2/master.m3u8?Policy=eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9jZG4vY291cnNlcy9kZW1vLyoifV19' +
        '&Signature=AbC~dEf-gh_&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256',
    });
  });

  it('keeps a raw query string as it came, with or without its "?"', async () => {
    const raw = 'Policy=abc&Signature=d~e&Key-Pair-Id=K1';
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { querystring: raw })).toMatchObject({
      location: `/courses/demo/lesson-2/master.m3u8?${raw}`,
    });
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { querystring: `?${raw}` })).toMatchObject({
      location: `/courses/demo/lesson-2/master.m3u8?${raw}`,
    });
  });

  it('keeps every value of a repeated query parameter', async () => {
    const querystring = { a: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] } };
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { querystring })).toMatchObject({
      location: '/courses/demo/lesson-2/master.m3u8?a=1&a=2',
    });
  });

  it('adds no "?" when there is no query string', async () => {
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { querystring: '' })).toMatchObject({
      location: '/courses/demo/lesson-2/master.m3u8',
    });
  });

  it('refuses with ERR_NO_NEXT_LESSON after the last lesson', async () => {
    expect(await decide('/courses/demo/lesson-3/next.m3u8')).toEqual(refused('ERR_NO_NEXT_LESSON'));
  });

  it('refuses with ERR_LESSON_MAP_UNAVAILABLE when the lesson map cannot be read', async () => {
    const failing = async () => {
      throw new Error('kvs down');
    };
    expect(await decide('/courses/demo/lesson-1/next.m3u8', {}, failing)).toEqual(refused('ERR_LESSON_MAP_UNAVAILABLE'));
  });

  it('never puts a map value that is not a lesson id into the Location', async () => {
    for (const bad of ['../other-course/x', 'lesson-2/evil', 'https://evil.example', 'Lesson-2', 'lesson 2']) {
      expect(await decide('/courses/demo/lesson-1/next.m3u8', {}, async () => bad)).toEqual(refused('ERR_LESSON_MAP_UNAVAILABLE'));
    }
  });

  it('does not look anything up for a next.m3u8 under an invalid course or lesson id', async () => {
    const { asked, deps } = lookups();
    const decision = await decideViewerRequest({ method: 'GET', uri: '/courses/Demo/lesson-1/next.m3u8', querystring: {}, headers: {} }, deps);
    expect(decision).toEqual(refused('ERR_MEDIA_TYPE_REFUSED'));
    expect(asked).toEqual([]);
  });

  it('treats next.m3u8 inside a rendition folder as an ordinary playlist', async () => {
    const uri = `/courses/demo/lesson-1/${PUBLISHED}/720p/next.m3u8`;
    expect(await decide(uri)).toEqual(passes(uri));
  });

  it('does not redirect a CORS preflight (OPTIONS) for next.m3u8', async () => {
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { method: 'OPTIONS' })).toEqual(passes('/courses/demo/lesson-1/next.m3u8'));
  });
});

describe('the query string carried onto a redirect', () => {
  it('percent-encodes spaces, #, controls, non-ASCII and a lone %, and keeps existing escapes', () => {
    expect(serializeQuery({ q: { value: 'a b#c\u0001é%zz%41' } })).toBe('q=a%20b%23c%01%C3%A9%25zz%41');
  });

  it('encodes & and = inside a name, and & inside a value, so parameters cannot be smuggled in', () => {
    expect(serializeQuery({ 'a&b=c': { value: 'x&Signature=forged' } })).toBe('a%26b%3Dc=x%26Signature=forged');
  });

  it('writes a lone surrogate as U+FFFD and a surrogate pair as its UTF-8 bytes', () => {
    expect(serializeQuery({ q: { value: '\uD800x\uD83D\uDE00' } })).toBe('q=%EF%BF%BDx%F0%9F%98%80');
  });

  it('keeps an empty value as "name="', () => {
    expect(serializeQuery({ flag: { value: '' } })).toBe('flag=');
  });
});

describe('navigations into /courses/', () => {
  it('send a person to /watch/<c>/<l> when Sec-Fetch-Mode is navigate', async () => {
    expect(await decide('/courses/demo/lesson-1/master.m3u8', { headers: { 'sec-fetch-mode': 'navigate' } })).toEqual({
      kind: 'redirect',
      status: 302,
      location: '/watch/demo/lesson-1',
      cacheControl: NAVIGATION_CACHE_CONTROL,
    });
  });

  it('send a person to /watch/<c>/<l> when Accept asks for text/html', async () => {
    const headers = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    expect(await decide('/courses/demo/lesson-1/720p/seg-00001.m4s', { headers })).toMatchObject({ location: '/watch/demo/lesson-1' });
  });

  it('drop the query string, which the lesson page does not need', async () => {
    const decision = await decide('/courses/demo/lesson-1/master.m3u8', { headers: { 'sec-fetch-mode': 'navigate' }, querystring: SIGNED });
    expect(decision).toMatchObject({ location: '/watch/demo/lesson-1' });
  });

  it('win over the next-lesson redirect and the media check', async () => {
    const headers = { 'sec-fetch-mode': 'navigate' };
    expect(await decide('/courses/demo/lesson-1/next.m3u8', { headers })).toMatchObject({ location: '/watch/demo/lesson-1' });
    expect(await decide('/courses/demo/lesson-1/notes.txt', { headers })).toMatchObject({ location: '/watch/demo/lesson-1' });
  });

  it('are never stored, since the player fetches the same URLs', () => {
    expect(NAVIGATION_CACHE_CONTROL).toBe('no-store');
  });

  it('answer ERR_NOT_FOUND when the course or lesson id is not valid', async () => {
    const headers = { 'sec-fetch-mode': 'navigate' };
    expect(await decide('/courses/demo/', { headers })).toEqual(refused('ERR_NOT_FOUND'));
    expect(await decide('/courses/demo', { headers })).toEqual(refused('ERR_NOT_FOUND'));
    expect(await decide('/courses/Demo/lesson-1/master.m3u8', { headers })).toEqual(refused('ERR_NOT_FOUND'));
    expect(await decide('/courses/demo/..%2f/master.m3u8', { headers })).toEqual(refused('ERR_NOT_FOUND'));
  });

  it('are not what a player asks for (Accept */* or a playlist type)', async () => {
    for (const accept of ['*/*', 'application/vnd.apple.mpegurl', 'application/x-mpegURL, */*']) {
      expect(await decide('/courses/demo/lesson-1/master.m3u8', { headers: { accept } })).toEqual(passes('/courses/demo/lesson-1/master.m3u8'));
    }
    expect(await decide('/courses/demo/lesson-1/master.m3u8', { headers: { 'sec-fetch-mode': 'cors' } })).toEqual(
      passes('/courses/demo/lesson-1/master.m3u8'),
    );
  });
});

describe('the player paths', () => {
  it('serve the player page for /watch/*', async () => {
    expect(await decide('/watch/demo/lesson-1')).toEqual(passes('/index.html'));
    expect(await decide('/watch/')).toEqual(passes('/index.html'));
    expect(await decide('/watch')).toEqual(passes('/index.html'));
  });

  it('serve /index.html for the root', async () => {
    expect(await decide('/')).toEqual(passes('/index.html'));
  });

  it('pass /player/*, /errors/* and other public paths through unchanged', async () => {
    for (const uri of ['/player/assets/app-1234.js', '/errors/403.html', '/favicon.ico', '/coursesX/a', '/courses']) {
      expect(await decide(uri)).toEqual(passes(uri));
    }
  });

  it('leave other methods on public paths to the cache behavior', async () => {
    expect(await decide('/player/app.js', { method: 'POST' })).toEqual(passes('/player/app.js'));
  });
});

describe('version folders', () => {
  it('refuses a folder that is not a version, and versions the lesson map does not list', async () => {
    expect(await decide('/courses/demo/lesson-1/720p/seg-00001.m4s')).toEqual(refused('ERR_VERSION_NOT_SERVED'));
    expect(await decide('/courses/demo/lesson-1/v0mwqa0000-0000/720p/seg-00001.m4s')).toEqual(refused('ERR_VERSION_NOT_SERVED'));
    expect(await decide(`/courses/demo/lesson-2/${PUBLISHED}/720p/seg-00001.m4s`)).toEqual(refused('ERR_VERSION_NOT_SERVED'));
  });

  it('stops serving a replaced version at its deadline', async () => {
    const input: ViewerRequestInput = { method: 'GET', uri: `/courses/demo/lesson-1/${REPLACED}/poster.jpg`, querystring: {}, headers: {} };
    expect(await decideViewerRequest(input, { ...lookups().deps, nowSeconds: () => NOW + 60 })).toEqual(refused('ERR_VERSION_NOT_SERVED'));
  });

  it('looks the versions up under the lesson\'s own key, and fails closed when the map cannot be read', async () => {
    const { asked, deps } = lookups();
    await decideViewerRequest({ method: 'GET', uri: `/courses/demo/lesson-1/${PUBLISHED}/poster.jpg`, querystring: {}, headers: {} }, deps);
    expect(asked).toEqual(['demo/lesson-1/versions']);
    const failing = { ...deps, servedVersions: async () => Promise.reject(new Error('throttled')) };
    expect(await decideViewerRequest({ method: 'GET', uri: `/courses/demo/lesson-1/${PUBLISHED}/poster.jpg`, querystring: {}, headers: {} }, failing)).toEqual(refused('ERR_LESSON_MAP_UNAVAILABLE'));
    const without = { nextLesson: deps.nextLesson };
    expect(await decideViewerRequest({ method: 'GET', uri: `/courses/demo/lesson-1/${PUBLISHED}/poster.jpg`, querystring: {}, headers: {} }, without)).toEqual(refused('ERR_VERSION_NOT_SERVED'));
  });
});

describe('media under /courses/', () => {
  const published = [
    '/courses/demo/lesson-1/master.m3u8',
    '/courses/demo/lesson-1/poster.jpg',
    '/courses/demo/lesson-1/thumbs.vtt',
    `/courses/demo/lesson-1/${PUBLISHED}/720p/index.m3u8`,
    `/courses/demo/lesson-1/${PUBLISHED}/720p/init.mp4`,
    `/courses/demo/lesson-1/${PUBLISHED}/audio_en/seg-1.m4a`,
    `/courses/demo/lesson-1/${PUBLISHED}/thumbs.vtt`,
    `/courses/demo/lesson-1/${PUBLISHED}/thumbs/0001.webp`,
    `/courses/demo/lesson-1/${PUBLISHED}/thumbs/0001.jpeg`,
    `/courses/demo/lesson-1/${PUBLISHED}/sprite.png`,
    '/courses/a/b/c.m3u8',
    `/courses/demo/lesson-1/${PUBLISHED}/720p/seg-00001.m4s`,
    `/courses/demo/lesson-1/${PUBLISHED}/poster.jpg`,
    // The version a republish replaced, until its deadline.
    `/courses/demo/lesson-1/${REPLACED}/720p/seg-00001.m4s`,
  ];
  for (const uri of published) {
    it(`passes the published file ${uri}`, async () => {
      expect(await decide(uri)).toEqual(passes(uri));
      expect(await decide(uri, { method: 'HEAD' })).toEqual(passes(uri));
      expect(await decide(uri, { method: 'OPTIONS' })).toEqual(passes(uri));
    });
  }

  it('lets through every file a MediaConvert job of the pipeline writes', async () => {
    // The names MediaConvert gives the outputs of the job the upload trigger sends: the CMAF
    // group's Destination base name + each output's NameModifier (+ a rendition number under
    // Automated ABR), `init` for init segments, `_<9 digits>` for segments, `.cmfv` / `.cmfa`;
    // the trick-play tiles and the frame capture as `<name>.<7 digits>.jpg`.
    const prefix = `/courses/demo/lesson-1/${REPLACED}/`;
    const job = toMediaConvertJob(LADDER, { fileInput: 's3://u/uploads/demo/lesson-1/a.mp4', courseId: 'demo', lessonId: 'lesson-1' }, {
      destination: `s3://media${prefix}`,
      version: 'v0mwqb2tm6-76c6',
      role: 'arn:aws:iam::123456789012:role/mc',
    });
    const [cmaf, poster] = job.Settings!.OutputGroups!;
    const base = cmaf!.OutputGroupSettings!.CmafGroupSettings!.Destination!.split('/').pop()!;
    const [video, audio] = cmaf!.Outputs!.map((o) => o.NameModifier!);
    const posterBase = poster!.OutputGroupSettings!.FileGroupSettings!.Destination!.split('/').pop()!;
    const written = [
      `${base}.m3u8`,
      `${base}${video}_1.m3u8`,
      `${base}${video}_1init.cmfv`,
      `${base}${video}_1_000000001.cmfv`,
      `${base}${video}_3_000000045.cmfv`,
      `${base}${audio}.m3u8`,
      `${base}${audio}init.cmfa`,
      `${base}${audio}_000000001.cmfa`,
      `${base}${video}_1_thumb.00001.jpg`,
      `${posterBase}.0000001.jpg`,
    ];
    for (const name of written) {
      expect(await decide(prefix + name), name).toEqual(passes(prefix + name));
    }
  });

  const refusedPaths: Array<[string, string]> = [
    ['/courses/demo/lesson-1/notes.txt', 'an extension that is not a media type'],
    ['/courses/demo/lesson-1/master.m3u8.bak', 'a backup file'],
    ['/courses/demo/lesson-1/index.html', 'a page'],
    ['/courses/demo/lesson-1/README', 'a file without an extension'],
    ['/courses/demo/lesson-1/', 'a folder'],
    ['/courses/demo/lesson-1/720p/', 'a rendition folder'],
    ['/courses/demo/master.m3u8', 'a file above the lesson'],
    ['/courses/', 'the courses root'],
    ['/courses/demo/lesson-1/v1/720p/extra/seg.m4s', 'a file nested too deep'],
    ['/courses/demo/lesson-1/../lesson-2/master.m3u8', 'a dot-dot segment'],
    ['/courses/demo/lesson-1/./master.m3u8', 'a dot segment'],
    ['/courses/demo/lesson-1/%2e%2e/master.m3u8', 'an encoded dot-dot'],
    ['/courses/demo/lesson-1/720p%2fseg.m4s', 'an encoded slash'],
    ['/courses/demo/lesson-1/720p\\seg.m4s', 'a backslash'],
    ['/courses/demo/lesson-1//master.m3u8', 'an empty segment'],
    ['/courses/demo/lesson-1/.master.m3u8', 'a hidden file'],
    ['/courses/demo/lesson-1/a..m3u8', 'a double dot inside a name'],
    ['/courses/Demo/lesson-1/master.m3u8', 'an uppercase course id'],
    ['/courses/demo/-lesson/master.m3u8', 'a lesson id starting with a hyphen'],
    ['/courses/de*mo/lesson-1/master.m3u8', 'a wildcard in the course id'],
    ['/courses/demo/lesson-1/ma ster.m3u8', 'a space'],
    ['/courses/demo/lesson-1/mästér.m3u8', 'non-ASCII'],
    [`/courses/demo/lesson-1/${'a'.repeat(129)}.m4s`, 'an overlong name'],
  ];
  for (const [uri, what] of refusedPaths) {
    it(`refuses ${what} with ERR_MEDIA_TYPE_REFUSED`, async () => {
      expect(await decide(uri)).toEqual(refused('ERR_MEDIA_TYPE_REFUSED'));
      expect(isPublishedMediaPath(uri)).toBe(false);
    });
  }

  it('refuses methods other than GET, HEAD and OPTIONS with ERR_METHOD_NOT_ALLOWED', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'get']) {
      expect(await decide('/courses/demo/lesson-1/master.m3u8', { method })).toEqual(refused('ERR_METHOD_NOT_ALLOWED'));
    }
  });

  it('refuses a uri that does not start with "/" with ERR_NOT_FOUND', async () => {
    expect(await decide('courses/demo/lesson-1/master.m3u8')).toEqual(refused('ERR_NOT_FOUND'));
  });
});

describe('the refusal codes', () => {
  it('all have a status and message in edge/error-responses.ts', () => {
    for (const code of VIEWER_REQUEST_ERROR_CODES) {
      expect(ERROR_RESPONSES[code].status).toBeGreaterThanOrEqual(400);
      expect(ERROR_RESPONSES[code].message).not.toBe('');
    }
  });
});
