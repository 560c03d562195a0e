/**
 * The local default event bus: events put on it are matched against every enabled rule's
 * pattern (emulator/event-pattern.ts) and delivered to each target of each matching rule, as
 * EventBridge delivers them: asynchronously (putEvents does not wait for targets), with the
 * target's Input or InputPath applied, and retried per retry-policy.ts when a delivery fails.
 * A failing target or a pattern the matcher cannot evaluate is logged; the bus carries on.
 *
 * Events get what EventBridge adds to an entry: `version` "0", an `id`, the `time` (whole
 * seconds, as EventBridge writes it), `resources` and `detail` when missing, and the bus's
 * account and region when given. PutEvents-style entries (`Source`, `DetailType`, `Detail` as
 * JSON text, `Resources`, `Time`) are accepted too.
 */
import { randomUUID } from 'node:crypto';
import { matchesEventPattern } from '../event-pattern.ts';
import { retryPlan, type LocalRetryOptions } from './retry-policy.ts';
import { compileRule, type CompiledRule, type EventRuleSpec, type EventTargetSpec } from './rules.ts';
import { payloadFor } from './target-input.ts';

export interface EventBusOptions {
  readonly rules: readonly EventRuleSpec[];
  /** Delivers an event to a target (e.g. an asynchronous Lambda invocation); a rejection is a failed delivery. */
  readonly deliver: (targetArn: string, event: unknown) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly retry?: LocalRetryOptions;
  /** Filled into events that lack them. */
  readonly account?: string;
  readonly region?: string;
  readonly now?: () => Date;
}

export interface PutEventsResult {
  /** Rule matches: each (event, enabled rule) pair whose pattern matched. */
  readonly matched: number;
  /** Entries that were not events (no source or detail-type): not put on the bus. */
  readonly failed: number;
}

export interface EventBus {
  readonly rules: readonly EventRuleSpec[];
  putEvents(entries: readonly unknown[]): Promise<PutEventsResult>;
  /** Resolves when every delivery so far, retries included, has succeeded or been dropped. */
  whenIdle(): Promise<void>;
  /** Stops pending retries (they are dropped). */
  close(): void;
}

type Event = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A PutEvents request entry as an event, or the event itself; undefined when it is neither. */
function toEvent(entry: unknown, defaults: { account?: string; region?: string; now: Date }): Event | undefined {
  if (!isObject(entry)) return undefined;
  let event: Event = entry;
  if ('Source' in entry || 'DetailType' in entry) {
    let detail: unknown = {};
    if (typeof entry['Detail'] === 'string') {
      try {
        detail = JSON.parse(entry['Detail']);
      } catch {
        return undefined;
      }
    }
    event = {
      source: entry['Source'],
      'detail-type': entry['DetailType'],
      detail,
      ...(Array.isArray(entry['Resources']) ? { resources: entry['Resources'] } : {}),
      ...(entry['Time'] !== undefined ? { time: new Date(entry['Time'] as string).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    };
  }
  if (typeof event['source'] !== 'string' || typeof event['detail-type'] !== 'string') return undefined;
  return {
    version: '0',
    id: randomUUID(),
    time: defaults.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(defaults.account !== undefined ? { account: defaults.account } : {}),
    ...(defaults.region !== undefined ? { region: defaults.region } : {}),
    resources: [],
    detail: {},
    ...event,
  };
}

export function createEventBus(options: EventBusOptions): EventBus {
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const compiled: CompiledRule[] = options.rules.map(compileRule);
  const pending = new Set<Promise<void>>();
  const timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => wake(), ms), wake: () => wake() };
      function wake() {
        clearTimeout(entry.timer);
        timers.delete(entry);
        resolve();
      }
      timers.add(entry);
    });

  async function deliverWithRetries(rule: CompiledRule, target: EventTargetSpec, event: Event, payload: unknown): Promise<void> {
    const plan = retryPlan(target.retryPolicy, options.retry);
    const putAt = Date.now();
    const what = `EventBridge rule ${rule.name} -> ${target.arn} (event ${String(event['id'])})`;
    for (let attempt = 1; ; attempt++) {
      try {
        await options.deliver(target.arn, payload);
        if (attempt > 1) log(`${what} delivered on attempt ${attempt}`);
        return;
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        const tooOld = Date.now() - putAt >= plan.maxAgeMs;
        if (closed || attempt > plan.retries || tooOld) {
          log(`${what} failed on attempt ${attempt} (${reason}); dropped after ${attempt} attempt${attempt === 1 ? '' : 's'}${tooOld ? ': older than MaximumEventAgeInSeconds' : ''}`);
          return;
        }
        const delay = plan.delayMs(attempt - 1);
        log(`${what} failed on attempt ${attempt} (${reason}); retrying in ${delay} ms`);
        await sleep(delay);
        if (closed) {
          log(`${what} dropped: the bus was closed`);
          return;
        }
      }
    }
  }

  function schedule(rule: CompiledRule, target: EventTargetSpec, event: Event): void {
    const payload = payloadFor(target, event);
    if (!payload.found) {
      log(`EventBridge rule ${rule.name} -> ${target.arn}: InputPath ${target.inputPath} matches nothing in event ${String(event['id'])}; not delivered`);
      return;
    }
    // The first attempt starts now (before putEvents resolves); later ones follow the retry plan.
    const run = deliverWithRetries(rule, target, event, payload.value).finally(() => pending.delete(run));
    pending.add(run);
  }

  return {
    rules: options.rules,
    async putEvents(entries) {
      let matched = 0;
      let failed = 0;
      for (const entry of entries) {
        const event = toEvent(entry, { now: now(), ...(options.account ? { account: options.account } : {}), ...(options.region ? { region: options.region } : {}) });
        if (!event) {
          failed++;
          log(`EventBridge: an entry without source and detail-type was not put on the bus`);
          continue;
        }
        for (const rule of compiled) {
          if (!rule.enabled) continue;
          let matches: boolean;
          try {
            matches = matchesEventPattern(rule.pattern, event);
          } catch (error) {
            log(`EventBridge rule ${rule.name}: pattern not evaluated (${(error as Error).message})`);
            continue;
          }
          if (!matches) continue;
          matched++;
          for (const target of rule.targets) schedule(rule, target, event);
        }
      }
      return { matched, failed };
    },
    async whenIdle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close() {
      closed = true;
      for (const t of [...timers]) t.wake();
    },
  };
}
