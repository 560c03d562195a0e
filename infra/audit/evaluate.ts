/**
 * Runs the policy pack's policies over the resources of a mocked program run, the way the
 * Pulumi engine would hand them to the pack (type, inputs as props, provider), and collects
 * every violation.
 */
import type { EnforcementLevel, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import type { ProgramRun, RecordedResource } from '../mock-run.ts';
import { resourcePolicies, stackPolicies } from '../policy/policies.ts';
import { typeOf } from '../policy/policy-kit.ts';

export interface Violation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  /** `type::name` of the resource, or `stack`. */
  readonly resource: string;
  readonly message: string;
}

class NotApplicable extends Error {}

/** Whether a recorded resource is one the engine would show a policy pack. */
function isPolicyTarget(resource: RecordedResource): boolean {
  return !resource.type.startsWith('pulumi:providers:') && !resource.type.startsWith('lectern:');
}

export function validationArgs(
  type: string,
  props: Record<string, any>,
  extra: { name?: string; urn?: string; provider?: ResourceValidationArgs['provider'] } = {},
): ResourceValidationArgs {
  const name = extra.name ?? 'resource';
  return {
    type,
    props,
    urn: extra.urn ?? `urn:pulumi:test::lectern::${type}::${name}`,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    ...(extra.provider ? { provider: extra.provider } : {}),
    stackTags: new Map(),
    isType: (cls) => typeOf(cls) === type,
    asType: ((cls: unknown) => (typeOf(cls) === type ? props : undefined)) as ResourceValidationArgs['asType'],
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** Calls one resource policy on one resource; returns the messages it reported. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
  for (const validate of validations) {
    try {
      await validate(args, (message) => messages.push(message));
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return messages;
}

export async function runStackPolicy(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<Array<{ message: string; urn?: string }>> {
  const messages: Array<{ message: string; urn?: string }> = [];
  await policy.validateStack(
    { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable: (reason?: string): never => { throw new NotApplicable(reason); } },
    (message, urn) => messages.push({ message, ...(urn ? { urn } : {}) }),
  );
  return messages;
}

export async function evaluatePolicies(run: ProgramRun): Promise<{ violations: Violation[]; policiesChecked: number; resourcesChecked: number }> {
  const targets = run.resources.filter(isPolicyTarget);
  const violations: Violation[] = [];
  for (const resource of targets) {
    const provider = run.providerOf(resource);
    const args = validationArgs(resource.type, resource.inputs, { name: resource.name, urn: resource.urn, provider });
    for (const policy of resourcePolicies) {
      for (const message of await runResourcePolicy(policy, args)) {
        violations.push({ policy: policy.name, level: policy.enforcementLevel ?? 'advisory', resource: `${resource.type}::${resource.name}`, message });
      }
    }
  }
  const stackResources: PolicyResource[] = targets.map((r) => ({
    type: r.type,
    props: { ...r.inputs, id: r.id, bucket: r.state['bucket'] ?? r.inputs['bucket'] },
    urn: r.urn,
    name: r.name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: (cls) => typeOf(cls) === r.type,
    asType: ((cls: unknown) => (typeOf(cls) === r.type ? r.inputs : undefined)) as PolicyResource['asType'],
  }));
  for (const policy of stackPolicies) {
    for (const { message, urn } of await runStackPolicy(policy, stackResources)) {
      violations.push({ policy: policy.name, level: policy.enforcementLevel ?? 'advisory', resource: urn ? (targets.find((t) => t.urn === urn)?.name ?? urn) : 'stack', message });
    }
  }
  return { violations, policiesChecked: resourcePolicies.length + stackPolicies.length, resourcesChecked: targets.length };
}
