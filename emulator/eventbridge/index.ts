/**
 * An in-process stand-in for the EventBridge default event bus: the program's rules
 * (eventBusFromProgram), matched with emulator/event-pattern.ts, delivering to targets
 * through a `deliver` function (in the local stack, an asynchronous Lambda invocation).
 *
 * Production code never imports this; the local stack (local/stand-ins.ts) and tests do.
 */
export { createEventBus, type EventBus, type EventBusOptions, type PutEventsResult } from './event-bus.ts';
export { eventBusFromProgram, type ProgramResource } from './program-rules.ts';
export type { EventRuleSpec, EventTargetSpec, RuleState, TargetRetryPolicy } from './rules.ts';
export type { LocalRetryOptions } from './retry-policy.ts';
