/**
 * The stack as `pulumi up` deploys it, in Chromium: lessons arrive the way they arrive on AWS
 * (an MP4 put into the uploads bucket through the S3 API), go through the deployed upload
 * trigger, the MediaConvert stand-in (MediaConvert's file names) and the completion handler,
 * and a student watches them on the deployed watch page, signed in through the Hosted UI's
 * stand-in. Nothing here writes lesson files or records by hand. One lesson arrives with an
 * English WebVTT and a Spanish SRT sidecar (issue 13): its cues are on screen at their times
 * on the stand-in's CMAF output.
 */
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { firstDecodeSeconds, mpegTsFor, timestampMapLine } from '../../pipeline/captions/timestamp-map.ts';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { startLocalSystem, type LocalSystem } from '../../local/start.ts';
import { captionLanguageMenu, cuesOnScreen, inPlayer, launchChromium, newContext, playerState, seekExactly, synthesize } from './support.ts';

let system: LocalSystem;
let browser: Browser;
let dataDir: string;
let url: string;
let embedServer: Server;
let embedOrigin: string;
let crossSiteOrigin: string;
const contexts: BrowserContext[] = [];
const LESSON_SECONDS = 12;
/** Sidecars of the captioned upload (6 s clip, 2 s segments): a gap at 2.5-3.5 s, a cue across the boundary. */
const EN_VTT = 'WEBVTT\n\n00:00.500 --> 00:02.500\nHello from the uploads bucket.\n\n00:03.500 --> 00:05.000\nAcross the segment boundary.\n';
const ES_SRT = '1\n00:00:00,500 --> 00:00:02,500\nHola desde el bucket de subidas.\n\n2\n00:00:03,500 --> 00:00:05,000\nA través del límite del segmento.\n';

function embedPage(query: URLSearchParams): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title><link rel="icon" href="data:,"></head>
<body><lectern-player id="p" course="demo" lesson="uploaded-1" mode="${query.get('mode') ?? 'auto'}" label="Embedded lesson" style="width:640px"></lectern-player>
<script>document.getElementById('p').getToken = async () => ${JSON.stringify(query.get('token') ?? '')};</script>
<script src="${url}/player/embed.js" async></script></body></html>`;
}

/**
 * Puts a source into the uploads bucket, as a course team's upload tool would on AWS; caption
 * sidecars (`source.<lang>.<vtt|srt>`) first, so the video's event finds them and it encodes once.
 */
async function upload(lessonId: string, file: string, sidecars: Record<string, string> = {}): Promise<void> {
  const s3 = new S3Client({ region: system.stack.region, endpoint: system.standIns.endpoints.S3, forcePathStyle: true, credentials: { accessKeyId: 'uploader', secretAccessKey: 'uploader' } });
  try {
    for (const [name, body] of Object.entries(sidecars)) await s3.send(new PutObjectCommand({ Bucket: system.buckets.uploads, Key: `uploads/demo/${lessonId}/${name}`, Body: body }));
    await s3.send(new PutObjectCommand({ Bucket: system.buckets.uploads, Key: `uploads/demo/${lessonId}/source.mp4`, Body: await readFile(file), ContentType: 'video/mp4' }));
  } finally {
    s3.destroy();
  }
}

beforeAll(async () => {
  embedServer = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://embed');
    if (u.pathname !== '/embed.html') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(embedPage(u.searchParams));
  });
  await new Promise<void>((r) => embedServer.listen(0, '127.0.0.1', r));
  const embedPort = (embedServer.address() as AddressInfo).port;
  embedOrigin = `http://localhost:${embedPort}`;
  crossSiteOrigin = `http://127.0.0.1:${embedPort}`;
  dataDir = await mkdtemp(join(tmpdir(), 'lectern-deployed-'));
  [system, browser] = await Promise.all([
    startLocalSystem({ dataDir, port: 0, idpPort: 0, inMemoryDynamo: true, corsAllowedOrigins: [embedOrigin, crossSiteOrigin] }),
    launchChromium(),
  ]);
  url = system.url;
  const { ffmpeg } = await resolveFfmpegTools();
  for (const [i, lessonId] of ['uploaded-1', 'uploaded-2'].entries()) {
    const source = join(dataDir, `${lessonId}.mp4`);
    await synthesize(ffmpeg, source, LESSON_SECONDS, i, '640x360');
    await upload(lessonId, source);
    // One at a time, so the second upload is the second lesson of the course.
    await system.whenPipelineIdle();
  }
  const captioned = join(dataDir, 'captioned.mp4');
  // 6 s at 640x360: the deployed ABR ladder does not upscale, and has no rung for a smaller source.
  await synthesize(ffmpeg, captioned, 6, 2, '640x360');
  await upload('captioned', captioned, { 'source.en.vtt': EN_VTT, 'source.es.srt': ES_SRT });
  await system.whenPipelineIdle();
}, 240_000);

afterAll(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await browser?.close();
  await system?.close();
  await new Promise((r) => (embedServer ? embedServer.close(r) : r(undefined)));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  // Each scene on its own devices: a page left playing would keep reporting progress.
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const player = (page: Page) => page.locator('lectern-player');
const videoEval = <T,>(page: Page, fn: string): Promise<T> =>
  page.evaluate(`(() => { const v = document.querySelector('lectern-player').shadowRoot.querySelector('video'); return ${fn}; })()`) as Promise<T>;
async function waitTime(page: Page, seconds: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction((s) => {
    const v = document.querySelector('lectern-player')?.shadowRoot?.querySelector('video');
    return !!v && v.currentTime >= s && !v.paused;
  }, seconds, { timeout });
}
async function serverProgress(lessonId: string): Promise<any> {
  const token = await system.idp.mint({ email: 'student@example.com' });
  const res = await fetch(`${url}/api/progress/demo/${lessonId}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}
async function device(email: string): Promise<BrowserContext> {
  const context = await newContext(browser);
  contexts.push(context);
  const token = await system.idp.mint({ email });
  await context.addInitScript(({ token, origin }) => {
    if (location.origin === origin && !localStorage.getItem('lectern:tokens')) localStorage.setItem('lectern:tokens', JSON.stringify({ accessToken: token, expiresAt: Date.now() + 3_600_000 }));
  }, { token, origin: url });
  return context;
}

describe('the stack as deployed, in Chromium', () => {
  it('publishes each upload through the upload trigger, MediaConvert and the completion handler, under MediaConvert\'s names', async () => {
    const token = await system.idp.mint({ email: 'student@example.com' });
    for (const lessonId of ['uploaded-1', 'uploaded-2']) {
      const status = await fetch(`${url}/auth/lessons/demo/${lessonId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(status.status).toBe(200);
      const lesson = await status.json();
      expect(lesson).toMatchObject({ status: 'published', manifestKey: `courses/demo/${lessonId}/master.m3u8` });
      expect(lesson.posterKey).toMatch(/\.\d{7}\.jpg$/);
      const version = lesson.posterKey.split('/')[3] as string;
      const files = await readdir(join(system.mediaRoot, 'courses', 'demo', lessonId, version));
      expect(files.some((f) => /_\d{9}\.cmfv$/.test(f))).toBe(true);
      expect(files.some((f) => /init\.cmfv$/.test(f))).toBe(true);
      expect(files.some((f) => /_\d{9}\.cmfa$/.test(f))).toBe(true);
    }
  });

  it('marks the lesson complete once the server has seen 90 % played, then goes to the next lesson', async () => {
    // First scene on this lesson: nothing of it has been watched yet.
    expect((await serverProgress('uploaded-1')).watched).toBe(0);
    const context = await device('student@example.com');
    const page = await context.newPage();
    await page.goto(`${url}/watch/demo/uploaded-1`);
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.2);
    await videoEval(page, 'v.currentTime = 0');
    await videoEval(page, 'v.playbackRate = 2');
    await expect.poll(async () => (await serverProgress('uploaded-1')).completed, { timeout: 20_000 }).toBe(true);
    const record = await serverProgress('uploaded-1');
    expect(record.watched).toBeGreaterThanOrEqual(0.9 * LESSON_SECONDS - 0.5);
    await expect.poll(async () => (await playerState(page)).completed).toBe(true);
    const next = player(page).getByRole('button', { name: 'Next lesson' });
    await next.click();
    await page.waitForURL(`${url}/watch/demo/uploaded-2`);
    await waitTime(page, 0.5);
    expect((await playerState(page)).error).toBeNull();
  }, 90_000);

  it('lets a student sign in on the watch page, play the uploaded lesson with its poster and thumbnails, seek, reload and resume', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/watch/demo/uploaded-1`);
    await player(page).getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/oauth2\/authorize\?/);
    await page.getByRole('button', { name: 'student@example.com' }).click();
    await page.waitForURL(`${url}/watch/demo/uploaded-1`);
    await expect.poll(() => videoEval<string>(page, 'v.poster')).toMatch(/\/courses\/demo\/uploaded-1\/v[^/]+\/[^/]+\.\d{7}\.jpg$/);
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 1);
    expect((await playerState(page)).error).toBeNull();
    // MediaConvert's CMAF keeps audio in its own rendition group (EXT-X-MEDIA TYPE=AUDIO): the
    // student must hear it, which hls.js's light build could not do (player/hls-features.ts).
    expect(await videoEval<number>(page, 'v.webkitAudioDecodedByteCount')).toBeGreaterThan(0);
    // …and its playlist, init and first segment were fetched beside the video's, before hls.js ran.
    const served = (await playerState(page)).servedFromCache as string[];
    for (const sound of [/\/index_audio\.m3u8$/, /\/index_audioinit\.cmfa$/, /\/index_audio_0+1\.cmfa$/]) expect(served.some((u) => sound.test(u))).toBe(true);

    const seek = player(page).getByRole('slider', { name: 'Seek' });
    const box = (await seek.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await expect.poll(() => page.locator('lectern-player .preview').isVisible()).toBe(true);

    await videoEval(page, 'v.currentTime = 6');
    await waitTime(page, 7);
    await player(page).getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await serverProgress('uploaded-1')).position).toBeGreaterThanOrEqual(7);
    await page.reload();
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 7.1);
    expect((await playerState(page)).startPosition).toBeGreaterThanOrEqual(6);
  }, 90_000);

  it('tells a student who is not enrolled so: the issuer\'s error survives the custom error responses', async () => {
    const context = await device('outsider@example.com');
    const page = await context.newPage();
    await page.goto(`${url}/watch/demo/uploaded-1`);
    await expect.poll(() => player(page).getByRole('alert').textContent()).toMatch(/not enrolled in this course/);
  }, 60_000);

  it('plays embedded on another origin, in cookie mode and in signed-query mode', async () => {
    for (const [origin, mode] of [[embedOrigin, 'cookies'], [crossSiteOrigin, 'signed-query']] as const) {
      const context = await newContext(browser);
      contexts.push(context);
      const token = await system.idp.mint({ email: 'student@example.com' });
      const page = await context.newPage();
      if (mode === 'signed-query') {
        // Third-party cookies blocked: the session's cookies never reach the browser.
        await context.route(`${url}/auth/session`, async (route) => {
          const request = route.request();
          const answer = await fetch(request.url(), { method: request.method(), headers: await request.allHeaders(), body: request.postData() ?? null });
          const headers: Record<string, string> = {};
          answer.headers.forEach((value, name) => name !== 'set-cookie' && (headers[name] = value));
          await route.fulfill({ status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) });
        });
      }
      await page.goto(`${origin}/embed.html?mode=${mode === 'cookies' ? 'cookies' : 'auto'}&token=${token}`);
      await player(page).getByRole('button', { name: 'Play' }).first().click();
      await waitTime(page, 1.5);
      const state = await playerState(page);
      expect(state.error).toBeNull();
      expect(state.mode).toBe(mode);
    }
  }, 90_000);

  it('plays a lesson uploaded with x.en.vtt and x.es.srt: both languages listed, each cue on screen in its time only, en -> es', async () => {
    // The stand-in's timestamp map names the media's first decode time (hls.js's initPTS: the earliest track).
    const folder = join(system.mediaRoot, 'courses', 'demo', 'captioned');
    const version = join(folder, (await readdir(folder)).find((f) => f.startsWith('v'))!);
    const earliest = Math.min(
      ...(await Promise.all(['video_1.cmfv', 'audio.cmfa'].map(async (kind) => {
        const [stem, ext] = kind.split('.');
        return firstDecodeSeconds(await readFile(join(version, `index_${stem}init.${ext}`)), await readFile(join(version, `index_${stem}_000000001.${ext}`)))!;
      }))),
    );
    for (const lang of ['en', 'es']) expect((await readFile(join(version, `index_captions_${lang}_000000001.vtt`), 'utf8')).split('\n')[1]).toBe(timestampMapLine(mpegTsFor(earliest)));

    const context = await device('student@example.com');
    const page = await context.newPage();
    await page.goto(`${url}/watch/demo/captioned`);
    const languages = captionLanguageMenu(page);
    await languages.open();
    expect(await languages.menu.getByRole('menuitemradio').allTextContents()).toEqual(['Off', 'English', 'Español']);
    await languages.menu.getByRole('menuitemradio', { name: 'English' }).click();
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, 0.2);

    await seekExactly(page, 1.5);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Hello from the uploads bucket.']);
    // Between the cues: with 1.5 s and 4.5 s, a track off by more than 0.5 s either way fails one of the three.
    await seekExactly(page, 2.9);
    await expect.poll(() => cuesOnScreen(page)).toEqual([]);
    await seekExactly(page, 4.5);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Across the segment boundary.']);
    // Written once per segment it overlaps (RFC 8216), on the track once.
    expect(await inPlayer<number[][]>(page, "[...v.textTracks].filter((t) => t.mode === 'showing').flatMap((t) => [...t.cues].map((c) => [c.startTime, c.endTime]))")).toEqual([[0.5, 2.5], [3.5, 5]]);

    await languages.open();
    await languages.menu.getByRole('menuitemradio', { name: 'Español' }).click();
    await seekExactly(page, 1.5);
    await expect.poll(() => cuesOnScreen(page)).toEqual(['Hola desde el bucket de subidas.']);
    expect(await inPlayer<string[]>(page, "[...v.textTracks].filter((t) => t.mode === 'showing').map((t) => t.language)")).toEqual(['es']);
    expect((await playerState(page)).error).toBeNull();
  }, 60_000);

  it("plays MediaConvert's first video and audio segments before hls.js has arrived, then hands the MediaSource to hls.js", async () => {
    const context = await device('student@example.com');
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route(/\/player\/assets\/hls-[\w-]{8}\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(`${url}/watch/demo/uploaded-2`);
    await expect.poll(async () => (await playerState(page)).marks?.['first-segment'], { timeout: 20_000 }).toBeGreaterThan(0);
    const start = (await playerState(page)).startPosition as number;
    await player(page).getByRole('button', { name: 'Play' }).first().click();
    await waitTime(page, start + 0.5);
    let state = await playerState(page);
    expect(state.marks?.['head-start']).toBeGreaterThan(0);
    expect(state.marks?.['hls-loaded']).toBeUndefined();
    // Its own audio SourceBuffer, from the audio rendition's prefetched init and segment.
    expect(await videoEval<number>(page, 'v.webkitAudioDecodedByteCount')).toBeGreaterThan(0);

    release();
    await waitTime(page, start + 4.5, 30_000);
    state = await playerState(page);
    expect(state.marks?.['hls-loaded']).toBeGreaterThan(state.marks!['head-start']!);
    expect(state.error).toBeNull();
    expect(await videoEval<number>(page, 'v.buffered.length')).toBe(1);
  }, 60_000);
});
