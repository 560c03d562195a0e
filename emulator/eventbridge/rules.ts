/** The shapes of rules and targets on the local default event bus, and their checks. */
import type { EventPattern } from '../event-pattern.ts';

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface TargetRetryPolicy {
  /** 0-185; EventBridge's default is 185. */
  readonly maximumRetryAttempts?: number;
  /** 60-86400; EventBridge's default is 86400 (24 hours). */
  readonly maximumEventAgeInSeconds?: number;
}

export interface EventTargetSpec {
  /** The target's ARN (a Lambda function here). */
  readonly arn: string;
  readonly id?: string;
  /** JSON text delivered instead of the event. */
  readonly input?: string;
  /** `$` or a dot-notation path (`$.detail`) selecting the part of the event delivered. */
  readonly inputPath?: string;
  readonly retryPolicy?: TargetRetryPolicy;
}

export interface EventRuleSpec {
  readonly name: string;
  /** The rule's event pattern, as JSON text (what the EventRule resource's input holds). */
  readonly eventPattern: string;
  /** Default ENABLED. */
  readonly state?: RuleState;
  readonly targets: readonly EventTargetSpec[];
}

export interface CompiledRule extends EventRuleSpec {
  readonly pattern: EventPattern;
  readonly enabled: boolean;
}

const STATES: readonly RuleState[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

/**
 * InputPath: the JSONPath of the part of the event to deliver (the Target API reference,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html). Dot notation
 * (`$.detail.status`) is implemented; bracket notation, which EventBridge also accepts, is
 * refused here rather than half-implemented.
 */
export const INPUT_PATH = /^\$(\.[A-Za-z0-9_-]+)*$/;

export function compileRule(rule: EventRuleSpec): CompiledRule {
  const where = `event rule ${JSON.stringify(rule.name)}`;
  let pattern: unknown;
  try {
    pattern = JSON.parse(rule.eventPattern);
  } catch {
    throw new Error(`${where}: eventPattern is not JSON`);
  }
  if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) throw new Error(`${where}: eventPattern must be a JSON object`);
  const state = rule.state ?? 'ENABLED';
  if (!STATES.includes(state)) throw new Error(`${where}: state must be one of ${STATES.join(', ')}`);
  for (const target of rule.targets) {
    if (typeof target.arn !== 'string' || !target.arn.startsWith('arn:')) throw new Error(`${where}: target ${JSON.stringify(target.arn)} is not an ARN`);
    if (target.input !== undefined && target.inputPath !== undefined) throw new Error(`${where}: a target takes Input or InputPath, not both`);
    if (target.input !== undefined) {
      try {
        JSON.parse(target.input);
      } catch {
        throw new Error(`${where}: target ${target.arn} has an Input that is not valid JSON`);
      }
    }
    if (target.inputPath !== undefined && !INPUT_PATH.test(target.inputPath)) throw new Error(`${where}: InputPath ${JSON.stringify(target.inputPath)} must be $ or a dot-notation path (bracket notation is not implemented here)`);
  }
  return { ...rule, state, pattern: pattern as EventPattern, enabled: state !== 'DISABLED' };
}
