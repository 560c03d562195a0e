/**
 * The event rules a Pulumi program declares, read from its recorded resources (infra/mock-run.ts):
 * each `aws:cloudwatch/eventRule:EventRule` on the default bus with an `eventPattern`, and the
 * `aws:cloudwatch/eventTarget:EventTarget`s whose `rule` input names it (`arn`: the target,
 * `input`/`inputPath`, `retryPolicy`). Pure. What the bus cannot do is refused rather than
 * skipped: an InputTransformer, a target naming no declared rule. Schedule-only rules have no
 * pattern and no events to match; rules on other buses are not this bus's.
 */
import type { EventRuleSpec, EventTargetSpec, RuleState, TargetRetryPolicy } from './rules.ts';

export interface ProgramResource {
  readonly type: string;
  readonly name: string;
  readonly id?: string;
  readonly inputs: Record<string, unknown>;
  readonly state?: Record<string, unknown>;
}

const RULE = 'aws:cloudwatch/eventRule:EventRule';
const TARGET = 'aws:cloudwatch/eventTarget:EventTarget';

const onDefaultBus = (inputs: Record<string, unknown>) => inputs['eventBusName'] === undefined || inputs['eventBusName'] === 'default';

function ruleName(r: ProgramResource): string {
  const name = r.inputs['name'] ?? r.state?.['name'] ?? r.id ?? r.name;
  return String(name);
}

function retryPolicyOf(value: unknown): TargetRetryPolicy | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const p = value as Record<string, unknown>;
  return {
    ...(typeof p['maximumRetryAttempts'] === 'number' ? { maximumRetryAttempts: p['maximumRetryAttempts'] } : {}),
    ...(typeof p['maximumEventAgeInSeconds'] === 'number' ? { maximumEventAgeInSeconds: p['maximumEventAgeInSeconds'] } : {}),
  };
}

export function eventBusFromProgram(resources: readonly ProgramResource[]): EventRuleSpec[] {
  const rules = resources.filter((r) => r.type === RULE && onDefaultBus(r.inputs));
  const names = new Set(resources.filter((r) => r.type === RULE).map(ruleName));
  const targets = new Map<string, EventTargetSpec[]>();
  for (const t of resources.filter((r) => r.type === TARGET && onDefaultBus(r.inputs))) {
    const rule = String(t.inputs['rule'] ?? '');
    if (!names.has(rule)) throw new Error(`event target ${t.name}: its rule ${JSON.stringify(rule)} is not declared`);
    if (t.inputs['inputTransformer'] !== undefined) throw new Error(`event target ${t.name}: InputTransformer is not supported by the local event bus`);
    const retryPolicy = retryPolicyOf(t.inputs['retryPolicy']);
    const spec: EventTargetSpec = {
      arn: String(t.inputs['arn']),
      ...(typeof t.inputs['targetId'] === 'string' ? { id: t.inputs['targetId'] } : {}),
      ...(typeof t.inputs['input'] === 'string' ? { input: t.inputs['input'] } : {}),
      ...(typeof t.inputs['inputPath'] === 'string' ? { inputPath: t.inputs['inputPath'] } : {}),
      ...(retryPolicy ? { retryPolicy } : {}),
    };
    targets.set(rule, [...(targets.get(rule) ?? []), spec]);
  }
  const out: EventRuleSpec[] = [];
  for (const r of rules) {
    const pattern = r.inputs['eventPattern'];
    if (typeof pattern !== 'string') continue;
    const name = ruleName(r);
    const state: RuleState = typeof r.inputs['state'] === 'string' ? (r.inputs['state'] as RuleState) : r.inputs['isEnabled'] === false ? 'DISABLED' : 'ENABLED';
    out.push({ name, eventPattern: pattern, state, targets: targets.get(name) ?? [] });
  }
  return out;
}
