/**
 * The media session for one course: `POST /auth/session` with the bearer token gives
 * course-scoped CloudFront cookies and, in the JSON body, the same policy as a signed query
 * string for players whose cookies are blocked (third-party context). Every media request goes
 * through `Transport.get` (transport.ts), which signs it in cookie-less mode and, on a 403,
 * refreshes the session once and retries.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { PlayerError } from './errors.ts';
import { mustRenewMarginSeconds } from './session-renewal.ts';
import { withQuery } from './signed-url.ts';
import { sessionStorageKey, takeBootSession } from './boot-session.ts';

export type SessionMode = 'cookies' | 'signed-query';
/** `auto`: cookies, falling back to the signed query when a fresh session's cookies are not sent. */
export type SessionModeSetting = SessionMode | 'auto';

export type TokenProvider = (options?: { forceRefresh?: boolean }) => Promise<string | null | undefined>;

export interface SessionInfo {
  /** Epoch seconds on this machine's clock (the edge's `expiresIn` added on receipt). */
  readonly expiresAt: number;
  /** Seconds the session was granted for: renewal is scheduled as a share of it. */
  readonly lifetimeSeconds: number;
  /** Policy=...&Signature=...&Key-Pair-Id=... */
  readonly query: string;
}

interface StoredSession extends SessionInfo {
  readonly mode: SessionMode;
}

export interface SessionOptions {
  /** The distribution, e.g. https://d111.cloudfront.net. */
  readonly origin: string;
  readonly courseId: string;
  readonly getToken: TokenProvider;
  readonly mode: SessionModeSetting;
  /** sessionStorage: a reload within the session's life starts without waiting on /auth/session. */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  readonly now?: () => number;
  readonly onRefresh?: (info: SessionInfo, reason: string) => void;
}

export class Session {
  readonly origin: string;
  readonly courseId: string;
  #info: SessionInfo | null = null;
  #modeValue: SessionMode;
  readonly #canFallBack: boolean;
  #inFlight: Promise<SessionInfo> | null = null;
  #ended = false;
  readonly #options: SessionOptions;
  readonly #now: () => number;
  /** Counts POSTs, for tests and the bench. */
  refreshes = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.origin = options.origin;
    this.courseId = options.courseId;
    this.#now = options.now ?? Date.now;
    this.#modeValue = options.mode === 'signed-query' ? 'signed-query' : 'cookies';
    this.#canFallBack = options.mode === 'auto';
    try {
      const raw = options.storage?.getItem(sessionStorageKey(this.origin, this.courseId));
      const saved = raw ? (JSON.parse(raw) as StoredSession) : null;
      if (saved && typeof saved.expiresAt === 'number' && typeof saved.lifetimeSeconds === 'number' && typeof saved.query === 'string' && this.#fresh(saved)) {
        this.#info = { expiresAt: saved.expiresAt, lifetimeSeconds: saved.lifetimeSeconds, query: saved.query };
        if (options.mode === 'auto' && saved.mode === 'signed-query') this.#modeValue = 'signed-query';
      }
    } catch {
      /* storage blocked */
    }
  }

  get mode(): SessionMode {
    return this.#modeValue;
  }

  get expiresAt(): number | undefined {
    return this.#info?.expiresAt;
  }

  /** The session at hand (restored from storage or fetched), if any. */
  get current(): SessionInfo | null {
    return this.#info;
  }

  /** Good enough to start a request on: not in the last share of its life (session-renewal.ts). */
  #fresh(info: SessionInfo): boolean {
    return info.expiresAt - mustRenewMarginSeconds(info.lifetimeSeconds) > this.#now() / 1000;
  }

  /** A session that is still valid, without a request when we have one. */
  async ensure(): Promise<SessionInfo> {
    if (this.#info && this.#fresh(this.#info)) return this.#info;
    return this.refresh('start');
  }

  /** A new session (shared by concurrent callers). */
  refresh(reason = 'refresh'): Promise<SessionInfo> {
    if (this.#ended) return Promise.reject(new PlayerError('signin-required', 'signed out'));
    this.#inFlight ??= this.#post(reason).finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #post(reason: string): Promise<SessionInfo> {
    let token = await this.#options.getToken();
    if (!token) throw new PlayerError('signin-required');
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        // The page's boot script may have sent this very request already (boot-session.ts).
        const early = attempt === 0 && this.refreshes === 0 ? takeBootSession(this.origin, this.courseId, token) : undefined;
        this.refreshes++;
        response = await (early ?? fetch(`${this.origin}/auth/session`, {
          method: 'POST',
          credentials: 'include',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ courseId: this.courseId }),
        }));
      } catch (error) {
        if (attempt < 1) continue;
        throw new PlayerError('network', `session: ${(error as Error).message}`);
      }
      const body = (await response.json().catch(() => ({}))) as { expiresAt?: number; expiresIn?: number; query?: string; error?: { code?: string } };
      if (response.ok && typeof body.expiresAt === 'number' && typeof body.query === 'string') {
        // The edge's expiresIn, counted on our own clock: a wrong clock here cannot make a
        // session look fresher (or staler) than the edge made it.
        const lifetimeSeconds = typeof body.expiresIn === 'number' && body.expiresIn > 0 ? body.expiresIn : Math.max(1, body.expiresAt - this.#now() / 1000);
        const info: SessionInfo = { expiresAt: this.#now() / 1000 + lifetimeSeconds, lifetimeSeconds, query: body.query };
        this.#info = info;
        this.#save();
        this.#options.onRefresh?.(info, reason);
        return info;
      }
      const code = body.error?.code ?? String(response.status);
      if (response.status === 401 && attempt === 0) {
        // Expired or revoked token: one silent renewal (refresh token), then a real sign-in.
        token = await this.#options.getToken({ forceRefresh: true });
        if (!token) throw new PlayerError('signin-required', code);
        continue;
      }
      if (response.status === 401) throw new PlayerError('signin-required', code);
      if (code === 'ERR_NOT_ENROLLED') throw new PlayerError('not-enrolled', code);
      if (response.status === 503 && attempt < 1) {
        const wait = Math.min(PLAYER_DEFAULTS.session.maxRetryAfterSeconds, Number(response.headers.get('retry-after')) || PLAYER_DEFAULTS.session.defaultRetryAfterSeconds);
        await new Promise((r) => setTimeout(r, wait * 1000));
        continue;
      }
      if (response.status >= 500) throw new PlayerError('session-unavailable', code);
      throw new PlayerError('bad-config', code);
    }
  }

  #save(): void {
    if (!this.#info) return;
    try {
      const stored: StoredSession = { ...this.#info, mode: this.#modeValue };
      this.#options.storage?.setItem(sessionStorageKey(this.origin, this.courseId), JSON.stringify(stored));
    } catch {
      /* ignore */
    }
  }

  /** The URL to request: the signed query appended in cookie-less mode. */
  sign(url: string): string {
    return this.#modeValue === 'signed-query' && this.#info ? withQuery(url, this.#info.query) : url;
  }

  get credentials(): RequestCredentials {
    return this.#modeValue === 'cookies' ? 'include' : 'omit';
  }

  /**
   * A 403 survived a fresh session: in `auto` mode the cookies were most likely not sent
   * (third-party cookies blocked), so switch to the signed query for good.
   */
  fallBackToSignedQuery(): boolean {
    if (!this.#canFallBack || this.#modeValue === 'signed-query' || !this.#info) return false;
    this.#modeValue = 'signed-query';
    this.#save();
    return true;
  }

  /**
   * GET /auth/lessons/<course>/<lesson>: why a lesson's playlist is missing. `encoding` (202,
   * with Retry-After: an on-demand encode is running), `failed` (with a message for students),
   * `published`, or `missing`.
   */
  async lessonStatus(lessonId: string): Promise<{ status: 'published' | 'encoding' | 'failed' | 'missing' | 'not-enrolled' | 'unknown'; retryAfter?: number; message?: string }> {
    try {
      const token = await this.#options.getToken();
      if (!token) return { status: 'unknown' };
      const res = await fetch(`${this.origin}/auth/lessons/${encodeURIComponent(this.courseId)}/${encodeURIComponent(lessonId)}`, {
        headers: { authorization: `Bearer ${token}` },
        credentials: 'omit',
        cache: 'no-store',
      });
      const body = (await res.json().catch(() => ({}))) as { status?: string; retryAfter?: number; message?: string; error?: { code?: string } };
      if (res.status === 202) return { status: 'encoding', retryAfter: Number(res.headers.get('retry-after')) || body.retryAfter || 10 };
      if (res.status === 404) return { status: 'missing' };
      if (body.error?.code === 'ERR_NOT_ENROLLED') return { status: 'not-enrolled' };
      if (res.ok && body.status === 'failed') return { status: 'failed', ...(body.message ? { message: body.message } : {}) };
      if (res.ok && body.status === 'published') return { status: 'published' };
      return { status: 'unknown' };
    } catch {
      return { status: 'unknown' };
    }
  }

  /** Sign out of this course: the edge clears the cookies. */
  async clear(): Promise<void> {
    // Signed out for good: no new session starts, and one already on its way lands before the
    // DELETE, so neither its cookies nor its stored query outlive the sign-out.
    this.#ended = true;
    await this.#inFlight?.catch(() => undefined);
    this.#info = null;
    try {
      this.#options.storage?.removeItem(sessionStorageKey(this.origin, this.courseId));
    } catch {
      /* ignore */
    }
    await fetch(`${this.origin}/auth/session?courseId=${encodeURIComponent(this.courseId)}`, { method: 'DELETE', credentials: 'include' }).catch(() => undefined);
  }
}
