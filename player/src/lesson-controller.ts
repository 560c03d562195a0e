/**
 * The lesson flow: load (reset, resume position, early fetches, progress tracker, preload or
 * play), the next lesson (lookup, prefetch near the end or on hover, switch in place).
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { lessonKey, type LessonRef, type Prepared } from './engine.ts';
import { toPlayerError } from './errors.ts';
import { safeStorage } from './format.ts';
import type { Controller } from './listeners.ts';
import type { PlayerContext } from './player-context.ts';
import { localPosition, ProgressTracker, resumePosition } from './progress.ts';

export class LessonController implements Controller {
  #tracker: ProgressTracker | null = null;
  /** Resume positions looked up ahead of time (the next lesson). */
  readonly #positions = new Map<string, Promise<number>>();
  /** Lessons whose next lesson was prefetched. */
  readonly #warmed = new Set<string>();

  readonly #ctx: PlayerContext;

  constructor(ctx: PlayerContext) {
    this.#ctx = ctx;
  }

  /** Loads a lesson (keeps the element, its session and its prefetch cache). */
  async load(lesson: LessonRef, options: { autoplay: boolean }): Promise<void> {
    const ctx = this.#ctx;
    const { engine, state, ui, host } = ctx;
    const generation = ++state.generation;
    this.#disposeTracker();
    state.lesson = lesson;
    state.prepared = null;
    state.nextLesson = null;
    state.completed = false;
    state.firstFrameSeen = false;
    state.errorShown = null;
    state.wantsPlay = options.autoplay;
    state.wantsPlayAfterPreparing = false;
    state.waiting = false;
    ctx.messages.hide();
    ui.next.hidden = true;
    ctx.captions.reset();
    ctx.view.renderTime(0);
    if (host.getAttribute('course') !== lesson.courseId) host.setAttribute('course', lesson.courseId);
    if (host.getAttribute('lesson') !== lesson.lessonId) host.setAttribute('lesson', lesson.lessonId);
    ctx.note(`load ${lessonKey(lesson)}`);

    // The next lesson's position was looked up ahead (lookupNext), so a click does not wait on it.
    const position = this.#positions.get(lessonKey(lesson)) ?? this.#lookupPosition(lesson);
    this.#positions.clear();
    state.preparing = engine.prepare(lesson, position);
    ctx.view.renderOverlay();
    let prepared: Prepared;
    try {
      prepared = await state.preparing;
    } catch (error) {
      if (generation === state.generation) ctx.messages.showError(toPlayerError(error), true);
      return;
    }
    if (generation !== state.generation) return;
    state.prepared = prepared;
    ctx.view.renderTime(prepared.startPosition);
    ctx.captions.lessonReady(prepared);
    this.#tracker = new ProgressTracker({
      client: ctx.progressClient,
      courseId: lesson.courseId,
      lessonId: lesson.lessonId,
      video: ctx.video,
      getToken: ctx.getToken,
      currentToken: ctx.currentToken,
      storage: safeStorage('localStorage'),
      alreadyCompleted: false,
      // The server decides (edge/progress-api/completion.ts); the player shows what it answered.
      onComplete: (record) => {
        state.completed = true;
        ctx.note('complete');
        ctx.emit('lectern-complete', { lesson, completedAt: record.completedAt, completedNow: record.completedNow });
      },
      onSaved: (record, reason) => ctx.emit('lectern-progress', { lesson, record, reason }),
    });
    if (state.wantsPlay) {
      await ctx.playback.play();
    } else if (host.getAttribute('preload') !== 'none') {
      await engine.attach(prepared, true).catch((error: unknown) => ctx.messages.showError(toPlayerError(error), true));
    }
    this.#lookupNext(prepared);
  }

  #lookupPosition(lesson: LessonRef): Promise<number> {
    const local = localPosition(safeStorage('localStorage'), lesson.courseId, lesson.lessonId);
    const client = this.#ctx.progressClient;
    const server = client ? client.get(lesson.courseId, lesson.lessonId).catch(() => null) : Promise.resolve(null);
    // The server normally answers long before the playlists arrive; never wait past the cap.
    const capped = Promise.race([server, new Promise<undefined>((r) => setTimeout(() => r(undefined), PLAYER_DEFAULTS.lesson.positionLookupCapMs))]);
    return capped.then((record) => resumePosition(record ?? null, local));
  }

  /** Resume position of a lesson, looked up once (the next lesson's, ahead of the click). */
  #positionFor(lesson: LessonRef): Promise<number> {
    const key = lessonKey(lesson);
    let position = this.#positions.get(key);
    if (!position) {
      position = this.#lookupPosition(lesson);
      this.#positions.set(key, position);
    }
    return position;
  }

  #lookupNext(prepared: Prepared): void {
    const { state, ui } = this.#ctx;
    this.#ctx.engine.resolveNext(prepared.lesson).then(
      (next) => {
        if (state.prepared !== prepared) return;
        state.nextLesson = next;
        ui.next.hidden = !next;
        if (next) this.#positionFor(next);
      },
      () => undefined,
    );
  }

  warmNext(reason: string): void {
    const prepared = this.#ctx.state.prepared;
    if (!prepared) return;
    const key = lessonKey(prepared.lesson);
    if (this.#warmed.has(key)) return;
    this.#warmed.add(key);
    this.#ctx.note(`warm next (${reason})`);
    this.#ctx.engine.warmNext(prepared.lesson, (next) => this.#positionFor(next)).then(
      (next) => next && this.#ctx.emit('lectern-next-ready', { lesson: next.lesson, reason }),
      () => this.#warmed.delete(key),
    );
  }

  async goNext(): Promise<void> {
    const { state, engine } = this.#ctx;
    const prepared = state.prepared;
    if (!prepared) return;
    const next = state.nextLesson ?? (await engine.resolveNext(prepared.lesson).catch(() => null));
    if (!next) return;
    this.#ctx.emit('lectern-lessonchange', { lesson: next, previous: prepared.lesson });
    await this.load(next, { autoplay: true });
    this.#ctx.ui.player.focus({ preventScroll: true });
  }

  #disposeTracker(): void {
    this.#tracker?.dispose(true);
    this.#tracker = null;
  }

  /** Removed from the page: the last position is reported, late answers are dropped. */
  destroy(): void {
    this.#disposeTracker();
    this.#ctx.state.generation++;
    this.#ctx.state.lesson = null;
    this.#ctx.state.prepared = null;
  }
}
