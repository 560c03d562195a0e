import { describe, expect, it } from 'vitest';
import {
  addInterval,
  applyReport,
  COMPLETE_FRACTION,
  EMPTY_WATCH_STATE,
  MAX_INTERVALS,
  MAX_PLAYBACK_RATE,
  MAX_REPORT_GAP_SECONDS,
  SLACK_SECONDS,
  watchedSeconds,
  type WatchState,
} from './completion.ts';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const DURATION = 600;

/** Plays reports (position, seconds after T0) through the rule, as the server receives them. */
function replay(reports: readonly (readonly [position: number, atSeconds: number])[], duration = DURATION, from: WatchState = EMPTY_WATCH_STATE) {
  let state = from;
  const completedAt: (number | null)[] = [];
  for (const [position, at] of reports) {
    const outcome = applyReport(state, position, new Date(T0 + at * 1000), duration);
    state = outcome.state;
    completedAt.push(outcome.completedNow ? at : null);
  }
  return { state, completedAt: completedAt.find((c) => c !== null) ?? null };
}

/** Reports every `every` wall seconds while playing at `rate` from `start`. */
function playing(rate: number, every: number, until: number, start = 0, startAt = 0): [number, number][] {
  const out: [number, number][] = [];
  for (let wall = 0; start + wall * rate <= until; wall += every) out.push([start + wall * rate, startAt + wall]);
  return out;
}

describe('what counts as watching', () => {
  it('states its constants: 90 % of the real duration, playback up to 2.5x, 3 s of slack, reports at most 120 s apart', () => {
    expect([COMPLETE_FRACTION, MAX_PLAYBACK_RATE, SLACK_SECONDS, MAX_REPORT_GAP_SECONDS]).toEqual([0.9, 2.5, 3, 120]);
  });

  it('a jump to the end is not watching: it moves the resume position and credits nothing', () => {
    const { state, completedAt } = replay([[0, 0], [590, 1], [600, 5]]);
    expect(state.position).toBe(600);
    expect(watchedSeconds(state.watched)).toBe(10);
    expect(state.completed).toBe(false);
    expect(completedAt).toBeNull();
  });

  it('playing through at 1x, reported every 15 s, completes at the report that reaches 90 % of the real duration', () => {
    const { state, completedAt } = replay(playing(1, 15, DURATION));
    expect(completedAt).toBe(540);
    expect(state.completed).toBe(true);
    expect(watchedSeconds(state.watched)).toBe(600);
  });

  it('playing through at 2x completes at 90 % as well, in half the time', () => {
    const { completedAt } = replay(playing(2, 15, DURATION));
    expect(completedAt).toBe(270);
  });

  it('is not fooled by faster-than-playback progress (3x), nor by a burst of small steps that the slack alone would cover', () => {
    expect(replay(playing(3, 15, DURATION)).state.watched).toEqual([]);
    // 300 reports 2 s of lesson apart, 10 ms of wall time apart: the slack never exceeds the time passed.
    const burst = Array.from({ length: 300 }, (_, i) => [i * 2, i * 0.01] as [number, number]);
    const { state } = replay(burst);
    expect(watchedSeconds(state.watched)).toBeLessThanOrEqual(3 * (MAX_PLAYBACK_RATE + 1));
    expect(state.completed).toBe(false);
  });

  it('credits nothing across a silence longer than 120 s (a report the next day is not playback)', () => {
    const { state } = replay([[0, 0], [100, 121]]);
    expect(state.watched).toEqual([]);
    expect(state.position).toBe(100);
  });

  it('counts a stretch watched twice once, and a seek back credits nothing', () => {
    const first = replay(playing(1, 15, 120));
    const again = replay([[30, 200], ...playing(1, 15, 90, 30, 215).slice(1)], DURATION, first.state);
    expect(watchedSeconds(again.state.watched)).toBe(120);
  });

  it('keeps the completion, and its time, when the lesson is watched again from the start', () => {
    const done = replay(playing(1, 15, DURATION));
    const rewatch = replay(playing(1, 15, 60, 0, 1000), DURATION, done.state);
    expect(rewatch.state.completed).toBe(true);
    expect(rewatch.state.completedAt).toBe(done.state.completedAt);
    expect(rewatch.completedAt).toBeNull();
  });

  it('clamps positions past the end to the real duration', () => {
    const { state } = replay([[590, 0], [601.5, 5]]);
    expect(state.position).toBe(600);
    expect(state.watched).toEqual([[590, 600]]);
  });

  it('keeps a bounded number of intervals, dropping the shortest (it may under-credit, never over-credit)', () => {
    let intervals: ReturnType<typeof addInterval> = [];
    for (let i = 0; i < MAX_INTERVALS + 10; i++) intervals = addInterval(intervals, i * 10, i * 10 + 1 + (i % 3));
    expect(intervals).toHaveLength(MAX_INTERVALS);
    const total = Array.from({ length: MAX_INTERVALS + 10 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
    expect(watchedSeconds(intervals)).toBeLessThan(total);
    expect(addInterval([[0, 5], [10, 15]], 5, 10)).toEqual([[0, 15]]);
  });
});
