import { describe, expect, it } from 'vitest';
import { createEventBus, eventBusFromProgram, type EventRuleSpec } from './index.ts';

const QUEUE = 'arn:aws:mediaconvert:eu-west-1:111122223333:queues/lectern-test-encode';
const COMPLETION = 'arn:aws:lambda:eu-west-1:111122223333:function:lectern-test-completion-handler';
const AUDIT = 'arn:aws:lambda:eu-west-1:111122223333:function:lectern-test-audit';

const jobStatePattern = JSON.stringify({
  source: ['aws.mediaconvert'],
  'detail-type': ['MediaConvert Job State Change'],
  detail: { status: ['COMPLETE', 'ERROR', 'CANCELED'], queue: [QUEUE] },
});

const jobEvent = (status: string, queue = QUEUE) => ({
  version: '0',
  id: `event-${status}`,
  'detail-type': 'MediaConvert Job State Change',
  source: 'aws.mediaconvert',
  account: '111122223333',
  time: '2026-01-02T03:04:05Z',
  region: 'eu-west-1',
  resources: ['arn:aws:mediaconvert:eu-west-1:111122223333:jobs/1'],
  detail: { status, queue, jobId: '1', userMetadata: {} },
});

function recorder(fail: (arn: string, attempt: number) => boolean = () => false) {
  const delivered: { arn: string; event: any }[] = [];
  const attempts = new Map<string, number>();
  const lines: string[] = [];
  return {
    delivered,
    attempts,
    lines,
    log: (line: string) => void lines.push(line),
    deliver: async (arn: string, event: unknown) => {
      const n = (attempts.get(arn) ?? 0) + 1;
      attempts.set(arn, n);
      if (fail(arn, n)) throw new Error(`target ${arn} unavailable`);
      delivered.push({ arn, event });
    },
  };
}

const fastRetries = { baseDelayMs: 1, maxDelayMs: 2, random: () => 0.5 };

describe('the local event bus', () => {
  const rules: EventRuleSpec[] = [{ name: 'job-state', eventPattern: jobStatePattern, targets: [{ arn: COMPLETION }] }];

  it("delivers an event to the targets of the rules whose pattern matches, and to no others", async () => {
    const r = recorder();
    const bus = createEventBus({ rules, deliver: r.deliver, log: r.log });
    expect(await bus.putEvents([jobEvent('COMPLETE'), jobEvent('PROGRESSING'), jobEvent('ERROR', 'arn:aws:mediaconvert:eu-west-1:111122223333:queues/Default')])).toEqual({ matched: 1, failed: 0 });
    await bus.whenIdle();
    expect(r.delivered).toEqual([{ arn: COMPLETION, event: jobEvent('COMPLETE') }]);
  });

  it('delivers nothing for a disabled rule', async () => {
    const r = recorder();
    const bus = createEventBus({ rules: [{ ...rules[0]!, state: 'DISABLED' }], deliver: r.deliver });
    expect(await bus.putEvents([jobEvent('COMPLETE')])).toEqual({ matched: 0, failed: 0 });
    await bus.whenIdle();
    expect(r.delivered).toEqual([]);
  });

  it('adds id, time, version and resources as EventBridge does, and takes PutEvents entries', async () => {
    const r = recorder();
    const bus = createEventBus({ rules, deliver: r.deliver, account: '111122223333', region: 'eu-west-1', now: () => new Date('2026-05-06T07:08:09.123Z') });
    const { version, id, time, resources, ...bare } = jobEvent('CANCELED');
    await bus.putEvents([bare, { Source: 'aws.mediaconvert', DetailType: 'MediaConvert Job State Change', Detail: JSON.stringify({ status: 'ERROR', queue: QUEUE }) }]);
    await bus.whenIdle();
    expect(r.delivered.map((d) => d.event)).toEqual([
      { ...bare, version: '0', id: expect.stringMatching(/^[0-9a-f-]{36}$/), time: '2026-05-06T07:08:09Z', resources: [] },
      { version: '0', id: expect.any(String), time: '2026-05-06T07:08:09Z', account: '111122223333', region: 'eu-west-1', resources: [], source: 'aws.mediaconvert', 'detail-type': 'MediaConvert Job State Change', detail: { status: 'ERROR', queue: QUEUE } },
    ]);
    expect(await bus.putEvents([{ detail: {} }, 'not an event'])).toEqual({ matched: 0, failed: 2 });
  });

  it('retries a failing target with back-off until it takes the event', async () => {
    const r = recorder((_arn, attempt) => attempt < 3);
    const bus = createEventBus({ rules, deliver: r.deliver, log: r.log, retry: fastRetries });
    await bus.putEvents([jobEvent('COMPLETE')]);
    await bus.whenIdle();
    expect(r.attempts.get(COMPLETION)).toBe(3);
    expect(r.delivered).toHaveLength(1);
    expect(r.lines.filter((l) => /retrying in \d+ ms/.test(l))).toHaveLength(2);
  });

  it("stops after the target's MaximumRetryAttempts, logs the drop, and keeps serving other targets", async () => {
    const r = recorder((arn) => arn === AUDIT);
    const bus = createEventBus({
      rules: [{ name: 'job-state', eventPattern: jobStatePattern, targets: [{ arn: AUDIT, retryPolicy: { maximumRetryAttempts: 2 } }, { arn: COMPLETION }] }],
      deliver: r.deliver,
      log: r.log,
      retry: fastRetries,
    });
    await bus.putEvents([jobEvent('COMPLETE')]);
    await bus.whenIdle();
    expect(r.attempts.get(AUDIT)).toBe(3);
    expect(r.lines.some((l) => l.includes(AUDIT) && /dropped after 3 attempts/.test(l))).toBe(true);
    expect(r.delivered.map((d) => d.arn)).toEqual([COMPLETION]);
    // The bus still routes after a dropped delivery; a deliver that throws synchronously is a failure too.
    const sync = createEventBus({ rules, deliver: () => { throw new Error('boom'); }, log: r.log, retry: { ...fastRetries, maxRetries: 0 } });
    await expect(sync.putEvents([jobEvent('ERROR')])).resolves.toEqual({ matched: 1, failed: 0 });
    await sync.whenIdle();
  });

  it("applies a target's Input or InputPath", async () => {
    const r = recorder();
    const bus = createEventBus({
      rules: [{ name: 'job-state', eventPattern: jobStatePattern, targets: [{ arn: COMPLETION, inputPath: '$.detail' }, { arn: AUDIT, input: '{"constant":true}' }] }],
      deliver: r.deliver,
    });
    await bus.putEvents([jobEvent('COMPLETE')]);
    await bus.whenIdle();
    expect(r.delivered).toEqual([{ arn: COMPLETION, event: jobEvent('COMPLETE').detail }, { arn: AUDIT, event: { constant: true } }]);
    expect(() => createEventBus({ rules: [{ name: 'x', eventPattern: '{}', targets: [{ arn: AUDIT, inputPath: "$['detail']" }] }], deliver: r.deliver })).toThrow(/dot-notation/);
  });

  it('logs a pattern the matcher cannot evaluate instead of failing the put', async () => {
    const r = recorder();
    const bus = createEventBus({ rules: [{ name: 'prefix', eventPattern: JSON.stringify({ source: [{ prefix: 'aws.' }] }), targets: [{ arn: AUDIT }] }, ...rules], deliver: r.deliver, log: r.log });
    expect(await bus.putEvents([jobEvent('COMPLETE')])).toEqual({ matched: 1, failed: 0 });
    await bus.whenIdle();
    expect(r.lines.some((l) => l.includes('rule prefix: pattern not evaluated'))).toBe(true);
    expect(r.delivered.map((d) => d.arn)).toEqual([COMPLETION]);
  });
});

describe('eventBusFromProgram', () => {
  /** As the program records them (infra/components/encoding-pipeline.ts under infra/mock-run.ts). */
  const resources = [
    { type: 'aws:cloudwatch/eventRule:EventRule', name: 'pipeline-job-state', id: 'lectern-test-mediaconvert-job-state', inputs: { name: 'lectern-test-mediaconvert-job-state', eventPattern: jobStatePattern }, state: {} },
    {
      type: 'aws:cloudwatch/eventTarget:EventTarget',
      name: 'pipeline-job-state',
      inputs: { rule: 'lectern-test-mediaconvert-job-state', arn: COMPLETION, retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 } },
      state: {},
    },
    { type: 'aws:cloudwatch/eventRule:EventRule', name: 'paused', inputs: { name: 'paused', eventPattern: '{"source":["x"]}', state: 'DISABLED' }, state: {} },
    { type: 'aws:cloudwatch/eventRule:EventRule', name: 'nightly', inputs: { name: 'nightly', scheduleExpression: 'rate(1 day)' }, state: {} },
    { type: 'aws:cloudwatch/eventRule:EventRule', name: 'custom-bus', inputs: { name: 'custom-bus', eventBusName: 'orders', eventPattern: '{}' }, state: {} },
    { type: 'aws:lambda/function:Function', name: 'completion', inputs: {}, state: { arn: COMPLETION } },
  ];

  it("reads the default bus's rules with their targets and states", () => {
    expect(eventBusFromProgram(resources)).toEqual([
      { name: 'lectern-test-mediaconvert-job-state', eventPattern: jobStatePattern, state: 'ENABLED', targets: [{ arn: COMPLETION, retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 } }] },
      { name: 'paused', eventPattern: '{"source":["x"]}', state: 'DISABLED', targets: [] },
    ]);
  });

  it('routes a MediaConvert COMPLETE event to the completion handler, as deployed', async () => {
    const r = recorder();
    const bus = createEventBus({ rules: eventBusFromProgram(resources), deliver: r.deliver });
    await bus.putEvents([jobEvent('COMPLETE'), jobEvent('STATUS_UPDATE')]);
    await bus.whenIdle();
    expect(r.delivered.map((d) => [d.arn, d.event.detail.status])).toEqual([[COMPLETION, 'COMPLETE']]);
  });

  it('refuses what the bus cannot honour: a target of an undeclared rule, an InputTransformer', () => {
    const target = resources[1]!;
    expect(() => eventBusFromProgram([...resources, { ...target, name: 'orphan', inputs: { rule: 'missing', arn: AUDIT } }])).toThrow(/not declared/);
    expect(() => eventBusFromProgram([...resources, { ...target, name: 'shaped', inputs: { ...target.inputs, inputTransformer: { inputTemplate: '"x"' } } }])).toThrow(/InputTransformer/);
  });
});
