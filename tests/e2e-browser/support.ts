/**
 * Shared by the browser tests and the start-up bench: chromium through playwright-core,
 * and a local system (startLocalSystem on port 0, temp data folder) with short lessons encoded
 * by the real pipeline.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { resolveChromium } from '../support/chromium.ts';
import { encodeLesson, type EncodeLessonResult } from '../../pipeline/encode-lesson.ts';
import { parseCaptionSpec } from '../../pipeline/captions/load.ts';
import { resolveFfmpegTools } from '../../pipeline/ffmpeg-path.ts';
import { LADDER, type Ladder } from '../../pipeline/ladder.ts';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../tables/client.ts';
import { progressKeyOf, progressTable } from '../../tables/progress.ts';
import { DEFAULT_TABLE_PREFIX } from '../../tables/schema.ts';
import { LOCAL_REGION, startLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../local/start.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

/** The system's chromium, or the one npm installed (tests/support/chromium.ts); never a skip. */
export async function launchChromium(): Promise<Browser> {
  const binary = await resolveChromium();
  // playwright-core gives each launch a fresh temporary user-data directory.
  return chromium.launch({ executablePath: binary.path, args: CHROMIUM_ARGS, headless: true });
}

/** A small ladder for tests: three rungs from a 960x540 source encode in a few seconds. */
export const TEST_LADDER: Ladder = {
  ...LADDER,
  rungs: LADDER.rungs.filter((r) => ['720p', '480p', '360p', '240p'].includes(r.name)).map((r) => ({ ...r, optional: false })),
};

export interface LessonSpec {
  readonly courseId: string;
  readonly lessonId: string;
  readonly seconds: number;
  readonly title?: string;
  /** Source size, default 960x540. */
  readonly size?: string;
  /** Caption files as `lectern encode --captions` takes them: `<language>=<file>`. */
  readonly captions?: readonly string[];
}

export interface PlayerSystem {
  readonly system: LocalSystem;
  readonly lessons: Map<string, EncodeLessonResult & { source: string }>;
  readonly dataDir: string;
  cleanup(): Promise<void>;
}

/** Runs `run` with a DynamoDB client on the system's dynalite, destroyed afterwards. */
export async function withSystemDynamo<T>(ps: PlayerSystem, run: (client: ReturnType<typeof dynamoClient>) => Promise<T>): Promise<T> {
  const client = dynamoClient({ region: LOCAL_REGION, endpoint: ps.system.dynamoEndpoint });
  try {
    return await run(client);
  } finally {
    client.destroy();
  }
}

/** Forgets every saved watch position, so a run starts from 0 rather than resuming. */
export async function clearProgress(ps: PlayerSystem): Promise<void> {
  const client = dynamoClient({ region: LOCAL_REGION, endpoint: ps.system.dynamoEndpoint });
  try {
    const table = progressTable(DEFAULT_TABLE_PREFIX);
    const { Items = [] } = await client.send(new ScanCommand({ TableName: table }));
    for (const item of Items) await client.send(new DeleteItemCommand({ TableName: table, Key: progressKeyOf(item) }));
  } finally {
    client.destroy();
  }
}

/**
 * A synthetic lesson: a moving test pattern with a tone. The encoding is what a typical upload
 * looks like (x264 veryfast, CRF 23, AAC 128k, x264's default 250-frame GOP, moov at the end):
 * at 1280x720 about 2.8 Mbit/s.
 */
export function synthesize(ffmpeg: string, out: string, seconds: number, variant: number, size = '960x540'): Promise<void> {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30:duration=${seconds},hue=h=${variant * 70}`,
    '-f', 'lavfi', '-i', `sine=frequency=${330 + variant * 110}:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-shortest', out,
  ];
  return run(ffmpeg, args);
}

export function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${stderr.trim()}`))));
  });
}

export async function startPlayerSystem(lessons: readonly LessonSpec[], options: Partial<LocalSystemOptions> & { ladder?: Ladder } = {}): Promise<PlayerSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lectern-browser-'));
  const { ladder, ...systemOptions } = options;
  const system = await startLocalSystem({ dataDir, port: 0, idpPort: 0, inMemoryDynamo: true, ...systemOptions });
  const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint: system.dynamoEndpoint });
  const encoded = new Map<string, EncodeLessonResult & { source: string }>();
  try {
    const { ffmpeg } = await resolveFfmpegTools();
    const sources = join(dataDir, 'sources');
    await mkdir(sources, { recursive: true });
    const previous = new Map<string, string>();
    for (const [i, lesson] of lessons.entries()) {
      const source = join(sources, `${lesson.courseId}-${lesson.lessonId}.mp4`);
      await synthesize(ffmpeg, source, lesson.seconds, i, lesson.size);
      const after = previous.get(lesson.courseId);
      const result = await encodeLesson({
        input: source,
        courseId: lesson.courseId,
        lessonId: lesson.lessonId,
        ...(lesson.title ? { title: lesson.title } : {}),
        ...(after ? { after } : {}),
        ...(lesson.captions ? { captions: lesson.captions.map(parseCaptionSpec) } : {}),
        dataDir,
        dynamo,
        tablePrefix: DEFAULT_TABLE_PREFIX,
        ladder: ladder ?? TEST_LADDER,
      });
      previous.set(lesson.courseId, lesson.lessonId);
      encoded.set(`${lesson.courseId}/${lesson.lessonId}`, { ...result, source });
    }
  } catch (error) {
    dynamo.destroy();
    await system.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  dynamo.destroy();
  return {
    system,
    lessons: encoded,
    dataDir,
    async cleanup() {
      await system.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface NetworkProfile {
  readonly name: string;
  /** bit/s */
  readonly downBps: number;
  readonly latencyMs: number;
}

export const PROFILES: readonly NetworkProfile[] = [
  { name: '1.6 Mbps / 150 ms', downBps: 1_600_000, latencyMs: 150 },
  { name: '5 Mbps / 40 ms', downBps: 5_000_000, latencyMs: 40 },
  { name: '20 Mbps / 20 ms', downBps: 20_000_000, latencyMs: 20 },
];

/** Chrome's DevTools throttling (per page, applies to every request the page makes). */
export async function throttle(cdp: CDPSession, profile: { downBps: number; latencyMs: number } | null): Promise<void> {
  await cdp.send('Network.enable');
  await cdp.send(
    'Network.emulateNetworkConditions',
    profile
      ? { offline: false, latency: profile.latencyMs, downloadThroughput: profile.downBps / 8, uploadThroughput: Math.max(profile.downBps / 8 / 2, 64_000) }
      : { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 },
  );
}

/**
 * Headless Chromium never hides a tab (every page stays "visible" whatever is in front), so
 * the Page Visibility change is simulated in the page: `visibilityState`/`hidden` overridden
 * and `visibilitychange` dispatched, which is exactly what the player listens to.
 */
export async function setPageVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  // A string, not a function: runners that transform this file (tsx, vitest) may wrap inner
  // functions with helpers the page does not have.
  await page.evaluate(`(() => {
    const s = ${JSON.stringify(state)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

/** The watch page's player element state (see LecternPlayerElement.debugState). */
export function playerState(page: Page, selector = 'lectern-player'): Promise<any> {
  return page.evaluate((sel) => (document.querySelector(sel) as unknown as { debugState: unknown }).debugState, selector);
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 960, height: 640 } });
}

/** A device already signed in: the watch page's stored tokens, set before any script runs. */
export async function signedInContext(browser: Browser, ps: PlayerSystem, email = 'student@example.com', options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 960, height: 640 }, ...options });
  const token = await ps.system.idp.mint({ email });
  await context.addInitScript(
    ({ token, origin }) => {
      if (location.origin === origin && !localStorage.getItem('lectern:tokens')) {
        localStorage.setItem('lectern:tokens', JSON.stringify({ accessToken: token, expiresAt: Date.now() + 3_600_000 }));
      }
    },
    { token, origin: ps.system.url },
  );
  return context;
}

/** Evaluates `expression` with `root` bound to the player's shadow root (a string: see setPageVisibility). */
export function inPlayer<T>(page: Page, expression: string, selector = 'lectern-player'): Promise<T> {
  return page.evaluate(`(() => { const root = document.querySelector(${JSON.stringify(selector)}).shadowRoot; const v = root.querySelector('video'); return ${expression}; })()`) as Promise<T>;
}

/** The text of the cues the student sees: the showing caption track's active cues. */
export function cuesOnScreen(page: Page, selector = 'lectern-player'): Promise<string[]> {
  return inPlayer<string[]>(page, "[...v.textTracks].filter((t) => t.mode === 'showing').flatMap((t) => [...(t.activeCues ?? [])].map((c) => c.text))", selector);
}

/** Seeks exactly (not to the keyframe grid) and waits until the media is there. */
export async function seekExactly(page: Page, seconds: number, selector = 'lectern-player'): Promise<void> {
  await page.evaluate(({ s, sel }) => (document.querySelector(sel) as unknown as { seekTo(t: number, exact: boolean): void }).seekTo(s, true), { s: seconds, sel: selector });
  await page.waitForFunction(({ s, sel }) => {
    const v = document.querySelector(sel)?.shadowRoot?.querySelector('video');
    return !!v && !v.seeking && Math.abs(v.currentTime - s) < 0.3;
  }, { s: seconds, sel: selector });
}

/** The player's caption language button and its menu (opened with `open()`). */
export function captionLanguageMenu(page: Page, selector = 'lectern-player') {
  const button = page.locator(selector).getByRole('button', { name: /^Caption language/ });
  const menu = page.locator(selector).getByRole('menu', { name: 'Caption language' });
  return {
    button,
    menu,
    async open(): Promise<void> {
      await button.waitFor({ state: 'visible' });
      await button.click();
      await menu.waitFor({ state: 'visible' });
    },
  };
}
