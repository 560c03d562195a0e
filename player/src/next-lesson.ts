/**
 * The lesson after this one: looked up through the edge's next.m3u8 redirect (404 after the
 * last), and prefetched (playlists, init segment, first segment) near the end or on hover.
 */
import type { PrefetchCache } from './prefetch.ts';
import type { Transport } from './transport.ts';
import { lessonKey, type LessonRef, type Prepared } from './engine-startup.ts';

export interface NextLessonDeps {
  readonly origin: string;
  readonly cache: PrefetchCache;
  readonly transport: (courseId: string) => Transport;
  readonly prepare: (lesson: LessonRef, position: Promise<number>) => Promise<Prepared>;
}

export class NextLesson {
  readonly #lookups = new Map<string, Promise<LessonRef | null>>();
  readonly #warmups = new Map<string, Promise<Prepared | null>>();
  /** Lessons prefetched as "next": their cache entries survive a lesson switch. */
  readonly warmed = new Set<string>();

  readonly #deps: NextLessonDeps;

  constructor(deps: NextLessonDeps) {
    this.#deps = deps;
  }

  /** `course/lesson` of the lesson after this one; null after the last. */
  resolve(lesson: LessonRef): Promise<LessonRef | null> {
    const key = lessonKey(lesson);
    let lookup = this.#lookups.get(key);
    if (!lookup) {
      lookup = (async () => {
        const res = await this.#deps.transport(lesson.courseId).get(`${this.#deps.origin}/courses/${lesson.courseId}/${lesson.lessonId}/next.m3u8`);
        if (res.status === 404) return null;
        if (!res.ok) throw new Error(`next.m3u8 ${res.status}`);
        const m = /\/courses\/([a-z0-9-]+)\/([a-z0-9-]+)\/master\.m3u8$/.exec(new URL(res.url).pathname);
        if (!m) return null;
        const next = { courseId: m[1] as string, lessonId: m[2] as string };
        // The redirect's target is the next lesson's master playlist: keep it.
        this.#deps.cache.put(res, lessonKey(next));
        return next;
      })();
      lookup.catch(() => this.#lookups.delete(key));
      this.#lookups.set(key, lookup);
    }
    return lookup;
  }

  /** Prefetches the next lesson's start, at the position it will start from. */
  warm(lesson: LessonRef, position: (next: LessonRef) => Promise<number>): Promise<Prepared | null> {
    const key = lessonKey(lesson);
    let warm = this.#warmups.get(key);
    if (!warm) {
      warm = this.resolve(lesson).then(async (next) => {
        if (!next) return null;
        this.warmed.add(lessonKey(next));
        const prepared = await this.#deps.prepare(next, position(next));
        await prepared.firstSegment;
        return prepared;
      });
      warm.catch(() => this.#warmups.delete(key));
      this.#warmups.set(key, warm);
    }
    return warm;
  }
}
