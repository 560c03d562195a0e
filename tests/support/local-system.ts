import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import { readFileSync } from 'node:fs';
import { dynamoClient } from '../../tables/client.ts';
import { enroll } from '../../tables/enrollments.ts';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_TABLE_PREFIX, TABLES, tableName } from '../../tables/schema.ts';
import { subFor } from '../../local/demo-data.ts';
import { LOCAL_REGION, startLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../local/start.ts';

export interface TestSystem extends LocalSystem {
  /** An access (default) or ID token for a demo user from the local IdP. */
  token(email: string, options?: { use?: 'access' | 'id'; ttlSeconds?: number; now?: Date }): Promise<string>;
  /** POST /auth/session; returns the response and the cookies it set, as a Cookie header. */
  session(token: string, courseId: string, init?: { origin?: string }): Promise<{ response: Response; cookie: string; body: any }>;
  /** A GET (or other) against the distribution, redirects not followed. */
  fetch(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  /** Cookies signed with the distribution's own key for any policy (expired, altered...). */
  signCookies(policy: object, algorithm?: 'SHA1' | 'SHA256'): Record<string, string>;
  enroll(email: string, courseId: string): Promise<void>;
  /** A published lesson record with a real duration (what the progress API judges reports by). */
  publishLesson(courseId: string, lessonId: string, durationSeconds: number): Promise<void>;
}

/** The version folder the stand-in media sit in, listed as served in the lesson map. */
export const TEST_VERSION = 'v0mwq9a000-0000';

/** Small stand-in media: access control does not care what the bytes are. */
export const MEDIA_FILES = [
  'courses/demo/lesson-1/master.m3u8',
  `courses/demo/lesson-1/${TEST_VERSION}/720p/playlist.m3u8`,
  `courses/demo/lesson-1/${TEST_VERSION}/720p/init.mp4`,
  `courses/demo/lesson-1/${TEST_VERSION}/720p/segment_00001.m4s`,
  'courses/demo/lesson-2/master.m3u8',
  'courses/second/lesson-1/master.m3u8',
  'courses/12/lesson-1/master.m3u8',
  'courses/123/lesson-1/master.m3u8',
];

export async function startTestSystem(options: Partial<LocalSystemOptions> = {}): Promise<TestSystem & { cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lectern-test-'));
  const system = await startLocalSystem({ dataDir, port: 0, idpPort: 0, inMemoryDynamo: true, ...options });
  for (const key of MEDIA_FILES) {
    const file = join(system.mediaRoot, key);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, key.endsWith('.m3u8') ? `#EXTM3U\n# ${key}\n` : Buffer.from(`bytes of ${key} `.repeat(64)));
  }
  await writeFile(system.kvsFile, JSON.stringify({ data: [{ key: 'demo/lesson-1', value: 'lesson-2' }, { key: 'demo/lesson-1/versions', value: TEST_VERSION }] }));
  const dynamo = dynamoClient({ region: LOCAL_REGION, endpoint: system.dynamoEndpoint });
  const privateKey = readFileSync(system.keyPair.privateKeyPath, 'utf8');

  return {
    ...system,
    token: (email, o = {}) => system.idp.mint({ email, ...o }),
    async session(token, courseId, init = {}) {
      const response = await fetch(`${system.url}/auth/session`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.origin ? { origin: init.origin } : {}) },
        body: JSON.stringify({ courseId }),
      });
      const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      return { response, cookie, body: await response.json() };
    },
    fetch(path, init = {}) {
      const { cookie, headers, ...rest } = init;
      return fetch(`${system.url}${path}`, { redirect: 'manual', ...rest, headers: { ...(cookie ? { cookie } : {}), ...(headers as Record<string, string>) } });
    },
    signCookies(policy, algorithm = 'SHA1') {
      return getSignedCookies({ policy: JSON.stringify(policy), keyPairId: system.keyPair.keyPairId, privateKey, algorithm }) as unknown as Record<string, string>;
    },
    enroll: (email, courseId) => enroll(dynamo, DEFAULT_TABLE_PREFIX, { userId: subFor(email), courseId, email }),
    async publishLesson(courseId, lessonId, durationSeconds) {
      await dynamo.send(new PutItemCommand({
        TableName: tableName(DEFAULT_TABLE_PREFIX, TABLES.lessons),
        Item: {
          courseId: { S: courseId }, lessonId: { S: lessonId }, order: { N: '1' }, title: { S: lessonId }, status: { S: 'published' },
          manifestKey: { S: `courses/${courseId}/${lessonId}/master.m3u8` }, durationSeconds: { N: String(durationSeconds) },
        },
      }));
    },
    async cleanup() {
      await system.close();
      dynamo.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
}
