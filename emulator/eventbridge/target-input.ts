/** What a target receives: its constant Input, the part of the event its InputPath selects, or the event. */
import type { EventTargetSpec } from './rules.ts';

export type TargetPayload = { readonly found: true; readonly value: unknown } | { readonly found: false };

export function payloadFor(target: EventTargetSpec, event: unknown): TargetPayload {
  if (target.input !== undefined) return { found: true, value: JSON.parse(target.input) };
  if (target.inputPath === undefined || target.inputPath === '$') return { found: true, value: event };
  let value: unknown = event;
  for (const name of target.inputPath.slice(2).split('.')) {
    if (value === null || typeof value !== 'object' || !(name in value)) return { found: false };
    value = (value as Record<string, unknown>)[name];
  }
  return { found: true, value };
}
