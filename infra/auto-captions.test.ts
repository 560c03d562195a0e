/**
 * The `autoCaptions` stack setting under Pulumi's mocks: off, the stack is as before; on, a
 * transcribe handler Lambda behind an EventBridge rule on lectern's Transcribe jobs, and the
 * least the completion handler needs to start them.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployedStack } from '../emulator/deployed-stack.ts';
import { eventBusFromProgram } from '../emulator/eventbridge/index.ts';
import { matchesEventPattern } from '../emulator/event-pattern.ts';
import { parseCompletionHandlerConfig, parseTranscribeHandlerConfig } from '../pipeline/aws/config.ts';
import { evaluatePolicies } from './audit/evaluate.ts';
import type { ProgramRun, RecordedResource } from './mock-run.ts';
import { StackConfigError } from './stack-config-keys.ts';
import { run, stackConfig, testArtifacts } from './testing/fixtures.ts';

const LAMBDA = 'aws:lambda/function:Function';
const RULE = 'aws:cloudwatch/eventRule:EventRule';
const ROLE = 'aws:iam/role:Role';
const ROLE_POLICY = 'aws:iam/rolePolicy:RolePolicy';
const statements = (p: RecordedResource): Array<Record<string, any>> => JSON.parse(p.inputs['policy']).Statement;
const configOf = async (fn: RecordedResource) => JSON.parse(await (await fn.inputs['code'].assets)['config.json'].text);
const transcribeEvent = (name: string, status: string) => ({
  version: '0', id: 'e', 'detail-type': 'Transcribe Job State Change', source: 'aws.transcribe', account: '111122223333', time: '2026-12-04T02:00:00Z', region: 'eu-west-1', resources: [],
  detail: { TranscriptionJobName: name, TranscriptionJobStatus: status },
});

let on: ProgramRun;
let off: ProgramRun;
beforeAll(async () => {
  [on, off] = [await run(stackConfig({ autoCaptions: 'en-US' })), await run()];
});
afterAll(async () => (await testArtifacts()).cleanup());

describe('the autoCaptions setting', () => {
  it('is off by default, and takes identify or a Transcribe language code', () => {
    expect(stackConfig().autoCaptions).toBeNull();
    expect(stackConfig({ autoCaptions: 'identify' }).autoCaptions).toBe('identify');
    expect(stackConfig({ autoCaptions: 'pt-BR' }).autoCaptions).toBe('pt-BR');
  });

  it('refuses what Transcribe would refuse at the first lesson, naming the key', () => {
    for (const bad of ['en', 'english', 'xx-XX', true]) expect(() => stackConfig({ autoCaptions: bad })).toThrow(StackConfigError);
    expect(() => stackConfig({ autoCaptions: 'en' })).toThrow(/lectern:autoCaptions must be off, identify, or an Amazon Transcribe language code/);
  });
});

describe('automatic captions off (the default)', () => {
  it('deploys no transcribe handler, no Transcribe rule, and no Transcribe permission', async () => {
    expect(off.ofType(LAMBDA).some((f) => f.name.includes('transcribe'))).toBe(false);
    expect(off.ofType(RULE)).toHaveLength(1);
    expect(off.ofType(ROLE_POLICY).flatMap(statements).some((s) => String(s['Action']).includes('transcribe:'))).toBe(false);
    expect(parseCompletionHandlerConfig(await configOf(off.one(LAMBDA, 'completion-handler'))).autoCaptions).toBeNull();
  });
});

describe('automatic captions on', () => {
  it('tells the completion handler to start jobs in the language, from the uploads bucket', async () => {
    expect(parseCompletionHandlerConfig(await configOf(on.one(LAMBDA, 'completion-handler'))).autoCaptions).toEqual({
      language: 'en-US',
      uploadsBucket: on.one('aws:s3/bucket:Bucket', '-uploads').state['bucket'],
    });
  });

  it('deploys the transcribe handler from the pipeline build, with a config it accepts', async () => {
    const fn = on.one(LAMBDA, 'transcribe-handler');
    const assets = await fn.inputs['code'].assets;
    expect(await assets['index.mjs'].path).toBe(path.join((await testArtifacts()).paths.transcribeHandler!, 'index.mjs'));
    expect(fn.inputs).toMatchObject({ name: 'lectern-test-transcribe-handler', runtime: 'nodejs22.x', handler: 'index.handler' });
    expect(parseTranscribeHandlerConfig(await configOf(fn))).toMatchObject({ region: 'eu-west-1', lessonsTable: 'lectern-test-lessons', mediaBucket: on.one('aws:s3/bucket:Bucket', '-media').state['bucket'] });
  });

  it('routes COMPLETED and FAILED Transcribe job state changes to it, no other state (the handler drops other jobs)', () => {
    const rule = on.ofType(RULE).find((r) => r.name.includes('auto-captions')) as RecordedResource;
    const pattern = JSON.parse(rule.inputs['eventPattern']);
    const ours = 'lectern.intro.lesson-1.v0mwq8z3k0-1a2b.en-US';
    expect(matchesEventPattern(pattern, transcribeEvent(ours, 'COMPLETED'))).toBe(true);
    expect(matchesEventPattern(pattern, transcribeEvent(ours, 'FAILED'))).toBe(true);
    expect(matchesEventPattern(pattern, transcribeEvent(ours, 'IN_PROGRESS'))).toBe(false);
    const target = on.ofType('aws:cloudwatch/eventTarget:EventTarget').find((t) => t.inputs['rule'] === rule.inputs['name']) as RecordedResource;
    expect(target.inputs['arn']).toBe(on.one(LAMBDA, 'transcribe-handler').state['arn']);
    expect(on.ofType('aws:lambda/permission:Permission').map((p) => [p.inputs['principal'], p.inputs['sourceArn'], p.inputs['function']])).toContainEqual([
      'events.amazonaws.com', rule.state['arn'], on.one(LAMBDA, 'transcribe-handler').state['name'] ?? on.one(LAMBDA, 'transcribe-handler').inputs['name'],
    ]);
  });

  it('lets the completion handler start (and look up) lectern jobs, and Transcribe read uploads and write transcripts/, no more', () => {
    const completionRole = on.ofType(ROLE).find((r) => r.name.endsWith('-completion-handler')) as RecordedResource;
    const added = on.ofType(ROLE_POLICY).find((p) => p.inputs['role'] === completionRole.id && p.name.includes('auto-captions')) as RecordedResource;
    const uploads = on.one('aws:s3/bucket:Bucket', '-uploads').state['arn'];
    const media = on.one('aws:s3/bucket:Bucket', '-media').state['arn'];
    expect(statements(added).map((s) => [s['Action'], s['Resource']])).toEqual([
      [['transcribe:StartTranscriptionJob', 'transcribe:GetTranscriptionJob'], 'arn:aws:transcribe:eu-west-1:*:transcription-job/lectern.*'],
      ['s3:GetObject', `${uploads}/uploads/*`],
      [['s3:PutObject', 's3:GetObject'], `${media}/transcripts/*`],
    ]);
  });

  it("gives the transcribe handler its own role: read lectern jobs, read transcripts, publish into courses/, record the lesson", () => {
    const role = on.ofType(ROLE).find((r) => r.name.endsWith('-transcribe-handler')) as RecordedResource;
    expect(on.one(LAMBDA, 'transcribe-handler').inputs['role']).toBe(role.state['arn']);
    const policy = on.ofType(ROLE_POLICY).find((p) => p.inputs['role'] === role.id) as RecordedResource;
    const actions = statements(policy).flatMap((s) => [s['Action']].flat());
    expect(actions.sort()).toEqual(['dynamodb:UpdateItem', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'transcribe:GetTranscriptionJob'].sort());
    const media = on.one('aws:s3/bucket:Bucket', '-media').state['arn'];
    const puts = statements(policy).filter((s) => [s['Action']].flat().includes('s3:PutObject'));
    expect(puts.map((s) => s['Resource'])).toEqual([`${media}/courses/*`]);
  });

  it('keeps every resource in a component and passes the policy pack', async () => {
    for (const r of on.resources) {
      if (r.type.startsWith('pulumi:providers:') || r.type.startsWith('lectern:')) continue;
      expect((r.urn.split('::')[2] as string).split('$')[0], `${r.type} ${r.name}`).toMatch(/^lectern:/);
    }
    expect(on.resources.some((r) => r.type === 'lectern:pipeline:AutoCaptions')).toBe(true);
    const { violations } = await evaluatePolicies(on);
    expect(violations.filter((v) => v.level === 'mandatory')).toEqual([]);
  });
});

describe('the local stack', () => {
  it('runs a Transcribe stand-in only for a program that routes Transcribe events, and routes them as the rule does', async () => {
    expect((await readDeployedStack(off)).transcribe.enabled).toBe(false);
    expect((await readDeployedStack(on)).transcribe.enabled).toBe(true);
    const rule = eventBusFromProgram(on.resources).find((r) => r.name === 'lectern-test-transcribe-job-state');
    expect(rule?.targets.map((t) => t.arn)).toEqual([on.one(LAMBDA, 'transcribe-handler').state['arn']]);
  });
});
