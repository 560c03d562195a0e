/**
 * Watch progress: the store (DynamoDB, `TABLES.progress`) and the HTTP contract the player
 * speaks (player/README.md, "Progress API"). Locally the distribution serves it at
 * /api/progress/* (a local-only route in front of the emulated CloudFront, see start.ts); on
 * AWS an LMS backend implements the same contract.
 *
 *   GET  /api/progress/<course>/<lesson>   Bearer token                      -> 200 record
 *   PUT  /api/progress/<course>/<lesson>   Bearer token, JSON {position, duration, completed?} -> 200 record
 *   POST /api/progress/<course>/<lesson>   text/plain JSON {token, position, duration, completed?} -> 204
 *                                          (navigator.sendBeacon on page hide: no headers possible)
 *
 * Rules: the user is the token's `sub`; writes need an enrollment in the course (nothing is
 * written on a refused request); `completed` is sticky and `completedAt` is set once, by a
 * conditional update, however many devices report it.
 */
import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createJwksSource } from '../cookie-issuer/jwks-source.ts';
import { createTokenVerifier } from '../cookie-issuer/jwt-verifier.ts';
import type { JSONWebKeySet } from 'jose';
import { isCourseId, isLessonId } from '../course-id.ts';
import { isLecternError, type ErrorCode } from '../errors.ts';
import { errorResponse } from '../error-responses.ts';
import { TABLES, tableName } from '../../tables/schema.ts';
import type { ProgressRecord, ProgressUpdate } from '../../player/src/progress-contract.ts';

/** Longest lesson the store accepts, seconds (a bound on garbage, not a product limit). */
const MAX_SECONDS = 24 * 3600;
const MAX_BODY_BYTES = 4096;
export const PROGRESS_PREFIX = '/api/progress/';

export class ProgressInputError extends Error {
  override name = 'ProgressInputError';
}

export function parseUpdate(raw: unknown): ProgressUpdate {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProgressInputError('Send a JSON object {"position": seconds, "duration": seconds}.');
  const { position, duration, completed } = raw as Record<string, unknown>;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0 || duration > MAX_SECONDS) throw new ProgressInputError('duration must be a number of seconds, > 0.');
  if (typeof position !== 'number' || !Number.isFinite(position) || position < 0 || position > duration + 1) throw new ProgressInputError('position must be a number of seconds between 0 and duration.');
  if (completed !== undefined && typeof completed !== 'boolean') throw new ProgressInputError('completed must be true or false.');
  return { position: Math.min(position, duration), duration, ...(completed !== undefined ? { completed } : {}) };
}

function toRecord(courseId: string, lessonId: string, item: Record<string, AttributeValue> | undefined): ProgressRecord {
  return {
    courseId,
    lessonId,
    position: item?.['position']?.N ? Number(item['position'].N) : 0,
    duration: item?.['duration']?.N ? Number(item['duration'].N) : 0,
    completed: item?.['completed']?.BOOL ?? false,
    completedAt: item?.['completedAt']?.S ?? null,
    updatedAt: item?.['updatedAt']?.S ?? null,
  };
}

export interface ProgressStore {
  get(userId: string, courseId: string, lessonId: string): Promise<ProgressRecord>;
  put(userId: string, courseId: string, lessonId: string, update: ProgressUpdate, now?: Date): Promise<ProgressRecord & { completedNow: boolean }>;
  isEnrolled(userId: string, courseId: string): Promise<boolean>;
}

export function createProgressStore(client: DynamoDBClient, prefix: string): ProgressStore {
  const table = tableName(prefix, TABLES.progress);
  const enrollments = tableName(prefix, TABLES.enrollments);
  const key = (userId: string, courseId: string, lessonId: string) => ({ userId: { S: userId }, lessonKey: { S: `${courseId}/${lessonId}` } });
  return {
    async get(userId, courseId, lessonId) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key(userId, courseId, lessonId), ConsistentRead: true }));
      return toRecord(courseId, lessonId, Item);
    },
    async put(userId, courseId, lessonId, update, now = new Date()) {
      const values: Record<string, AttributeValue> = {
        ':p': { N: String(update.position) },
        ':d': { N: String(update.duration) },
        ':u': { S: now.toISOString() },
        ':c': { S: courseId },
        ':l': { S: lessonId },
      };
      let completedNow = false;
      if (update.completed) {
        // Completion is recorded once: only the first report sets completedAt.
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: key(userId, courseId, lessonId),
              UpdateExpression: 'SET completed = :t, completedAt = :u',
              ConditionExpression: 'attribute_not_exists(completed) OR completed = :f',
              ExpressionAttributeValues: { ':t': { BOOL: true }, ':f': { BOOL: false }, ':u': values[':u']! },
            }),
          );
          completedNow = true;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException) && (error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(userId, courseId, lessonId),
          UpdateExpression: 'SET #p = :p, #d = :d, updatedAt = :u, courseId = :c, lessonId = :l, completed = if_not_exists(completed, :f)',
          ExpressionAttributeNames: { '#p': 'position', '#d': 'duration' },
          ExpressionAttributeValues: { ...values, ':f': { BOOL: false } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ...toRecord(courseId, lessonId, Attributes), completedNow };
    },
    async isEnrolled(userId, courseId) {
      const { Item } = await client.send(new GetItemCommand({ TableName: enrollments, Key: { userId: { S: userId }, courseId: { S: courseId } } }));
      return Item !== undefined;
    },
  };
}

export interface ProgressRouteOptions {
  readonly store: ProgressStore;
  /** The IdP the tokens come from (the same rules as the cookie issuer). */
  readonly issuer: string;
  readonly clientIds: readonly string[];
  readonly jwks: JSONWebKeySet;
  /** Origins allowed to call it cross-origin (the distribution's CORS allowlist). */
  readonly corsAllowedOrigins: readonly string[];
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** Returns a handler that answers /api/progress/* and returns false for anything else. */
export function createProgressRoute(options: ProgressRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const now = options.now ?? (() => new Date());
  const verifier = createTokenVerifier(
    { issuer: options.issuer, clientIds: options.clientIds, tokenUse: ['access', 'id'], clockSkewSeconds: 60, maxTokenBytes: 8192 },
    createJwksSource({ bundled: options.jwks, uri: `${options.issuer}/.well-known/jwks.json`, timeoutMs: 1500, cooldownMs: 300_000 }),
  );

  function cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (typeof origin !== 'string' || origin === `http://${host}` || !options.corsAllowedOrigins.includes(origin)) return { vary: 'Origin' };
    return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
  }

  function reply(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown, extra: Record<string, string> = {}): void {
    const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...cors(req), ...extra };
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  // Statuses from the one table (edge/error-responses.ts); the messages name this API's rules.
  const refuse = (req: IncomingMessage, res: ServerResponse, code: ErrorCode, message: string, extra: Record<string, string> = {}) => {
    const { status, retryAfter } = errorResponse(code);
    reply(req, res, status, { error: { code, message } }, { ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}), ...extra });
  };

  function readBody(req: IncomingMessage): Promise<string | null> {
    return new Promise((resolve) => {
      let raw = '';
      let over = false;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        raw += chunk;
        if (raw.length > MAX_BODY_BYTES) over = true;
      });
      req.on('end', () => resolve(over ? null : raw));
      req.on('error', () => resolve(null));
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = req.headers.origin;
    if (typeof origin === 'string' && origin !== `http://${req.headers.host}` && !options.corsAllowedOrigins.includes(origin)) {
      if (method === 'OPTIONS') return refuse(req, res, 'ERR_ORIGIN_NOT_ALLOWED', 'This origin may not call the progress API.');
      // A beacon from a foreign origin cannot read the answer anyway; refuse before any write.
      if (method !== 'GET') return refuse(req, res, 'ERR_ORIGIN_NOT_ALLOWED', 'This origin may not call the progress API.');
    }
    if (method === 'OPTIONS') {
      return reply(req, res, 204, undefined, {
        'access-control-allow-methods': 'GET, PUT, POST, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-max-age': '600',
      });
    }
    const parts = path.slice(PROGRESS_PREFIX.length).split('/');
    const [courseId, lessonId] = parts;
    if (parts.length !== 2 || !isCourseId(courseId) || !isLessonId(lessonId)) return refuse(req, res, 'ERR_NOT_FOUND', 'Use /api/progress/<course>/<lesson>.');
    if (!['GET', 'PUT', 'POST'].includes(method)) return refuse(req, res, 'ERR_METHOD_NOT_ALLOWED', 'Use GET, PUT or POST.', { allow: 'GET, PUT, POST, OPTIONS' });

    let token: string | undefined;
    let body: unknown;
    if (method === 'GET' || method === 'PUT') {
      token = /^Bearer ([^\s]+)$/i.exec((req.headers.authorization ?? '').trim())?.[1];
    }
    if (method === 'PUT' || method === 'POST') {
      const raw = await readBody(req);
      if (raw === null) return refuse(req, res, 'ERR_BAD_BODY', `The body must be JSON under ${MAX_BODY_BYTES} bytes.`);
      try {
        body = JSON.parse(raw);
      } catch {
        return refuse(req, res, 'ERR_BAD_BODY', 'The body must be JSON.');
      }
      if (method === 'POST') {
        const t = (body as { token?: unknown } | null)?.token;
        token = typeof t === 'string' ? t : undefined;
      }
    }
    if (!token) return refuse(req, res, 'ERR_TOKEN_MISSING', 'Sign in first: send Authorization: Bearer <token>.', { 'www-authenticate': 'Bearer realm="lectern"' });

    let userId: string;
    try {
      userId = (await verifier.verify(token, now())).sub;
    } catch (error) {
      const code = isLecternError(error) ? error.code : 'ERR_TOKEN_MALFORMED';
      if (code === 'ERR_JWKS_UNAVAILABLE') return refuse(req, res, code, 'Try again shortly.');
      return refuse(req, res, code, 'The bearer token is not valid.', { 'www-authenticate': 'Bearer realm="lectern", error="invalid_token"' });
    }

    try {
      if (method === 'GET') return reply(req, res, 200, await options.store.get(userId, courseId, lessonId));
      let update: ProgressUpdate;
      try {
        update = parseUpdate(body);
      } catch (error) {
        return refuse(req, res, 'ERR_BAD_BODY', (error as Error).message);
      }
      if (!(await options.store.isEnrolled(userId, courseId))) return refuse(req, res, 'ERR_NOT_ENROLLED', 'You are not enrolled in this course.');
      const record = await options.store.put(userId, courseId, lessonId, update, now());
      options.log?.(`progress ${courseId}/${lessonId} ${update.position}/${update.duration}${record.completedNow ? ' completed' : ''}`);
      if (method === 'POST') return reply(req, res, 204);
      return reply(req, res, 200, record);
    } catch (error) {
      options.log?.(`progress store error: ${(error as Error).message}`);
      return reply(req, res, 503, { error: { code: 'ERR_PROGRESS_UNAVAILABLE', message: 'Progress cannot be saved right now; try again shortly.' } }, { 'retry-after': '5' });
    }
  }

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (!path.startsWith(PROGRESS_PREFIX)) return false;
    handle(req, res, path).catch((error: unknown) => {
      options.log?.(`progress route error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error.');
    });
    return true;
  };
}
