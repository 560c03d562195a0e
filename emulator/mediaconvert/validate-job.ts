/**
 * CreateJob, checked before a job exists: a refused request creates no job and writes nothing.
 * Types and ranges come from the schema table (job-schema.ts), then the rules that relate
 * settings to each other (validate-groups.ts, validate-abr.ts), then the job-level ones here.
 * What MediaConvert only finds out while running a job (a missing input object, an unknown
 * bucket or role) is not checked here: it becomes an ERROR event, as on AWS.
 */
import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { CREATE_JOB_SCHEMA, checkSchema } from './job-schema.ts';
import { Problems, type Problem } from './problems.ts';
import { parseS3Url, unsafeKeyReason } from './s3-paths.ts';
import { validateAbrGroup, validateAbrPlacement } from './validate-abr.ts';
import { validateCaptions } from './validate-captions.ts';
import { validateOutputGroups } from './validate-groups.ts';

export interface QueueCatalog {
  readonly region: string;
  readonly account: string;
  /** On-demand queue ARNs besides the account's Default queue. */
  readonly onDemand: readonly string[];
  readonly reserved: readonly string[];
}

export function defaultQueueArn(region: string, account: string): string {
  return `arn:aws:mediaconvert:${region}:${account}:queues/Default`;
}

/** A queue given by ARN or by name -> its ARN and pricing plan, or null when the account has no such queue. */
export function resolveQueue(queue: string | undefined, catalog: QueueCatalog): { arn: string; reserved: boolean } | null {
  const all = [
    ...[defaultQueueArn(catalog.region, catalog.account), ...catalog.onDemand].map((arn) => ({ arn, reserved: false })),
    ...catalog.reserved.map((arn) => ({ arn, reserved: true })),
  ];
  if (queue === undefined || queue === '') return all[0]!;
  return all.find((q) => q.arn === queue || q.arn.endsWith(`:queues/${queue}`)) ?? null;
}

export type ValidationResult =
  | { readonly ok: true; readonly request: CreateJobCommandInput; readonly queueArn: string }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export function validateCreateJob(body: unknown, catalog: QueueCatalog): ValidationResult {
  const problems = new Problems();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    problems.add([], 'the request body must be a JSON object');
    return { ok: false, problems: problems.list };
  }
  checkSchema(body, CREATE_JOB_SCHEMA, [], problems);
  if (problems.list.length) return { ok: false, problems: problems.list };
  const request = body as CreateJobCommandInput;

  // CreateJobRequest's required members are Role and Settings (API reference,
  // https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-prop-createjobrequest-role).
  if (request.Role === undefined || request.Role === '') problems.add(['Role'], 'required');
  if (request.Settings === undefined) problems.add(['Settings'], 'required');
  // Job templates and queue hopping resolve settings the stand-in does not hold.
  for (const k of ['JobTemplate', 'HopDestinations', 'JobEngineVersion'] as const) {
    if (request[k] !== undefined) problems.unsupported([k], 'this setting');
  }
  // ClientRequestToken: "any string that includes up to 64 ASCII characters".
  if (request.ClientRequestToken !== undefined && !/^[\x00-\x7f]{0,64}$/.test(request.ClientRequestToken)) {
    problems.add(['ClientRequestToken'], 'must be at most 64 ASCII characters');
  }
  // A queue the account does not have: AWS documents no error shape for it; refused as a bad request.
  const queue = resolveQueue(request.Queue, catalog);
  if (!queue) problems.add(['Queue'], `no queue ${request.Queue} in ${catalog.region} for account ${catalog.account}`);

  const inputs = request.Settings?.Inputs ?? [];
  // JobSettings.Inputs: "Use Inputs to define source file used in the transcode job"; AWS marks
  // neither list required, but a job without input or output cannot run: refused.
  if (request.Settings && inputs.length === 0) problems.add(['Settings', 'Inputs'], 'at least one input is required');
  if (inputs.length > 1) problems.unsupported(['Settings', 'Inputs'], 'more than one input (concatenation)');
  inputs.forEach((input, i) => {
    const p = ['Settings', 'Inputs', i, 'FileInput'];
    if (input.FileInput === undefined) return problems.add(p, 'required: the s3:// URL of the source file');
    if (/^https?:/.test(input.FileInput)) return problems.unsupported(p, 'HTTP(S) inputs (it reads s3:// inputs from local folders)');
    for (const [name, selector] of Object.entries(input.AudioSelectors ?? {})) {
      if (selector.Tracks && (selector.Tracks.length !== 1 || selector.Tracks[0] !== 1)) {
        problems.unsupported(['Settings', 'Inputs', i, 'AudioSelectors', name, 'Tracks'], 'selecting audio tracks other than track 1');
      }
    }
    const loc = parseS3Url(input.FileInput);
    const why = loc ? unsafeKeyReason(loc.key) : 'it is not an s3:// URL';
    if (why || loc?.key.endsWith('/')) problems.unsupported(p, `an input key that cannot be mapped to a file (${why ?? 'it names a prefix'})`);
  });

  const groups = request.Settings?.OutputGroups ?? [];
  if (request.Settings && groups.length === 0) problems.add(['Settings', 'OutputGroups'], 'at least one output group is required');
  validateOutputGroups(groups, problems);
  validateAbrPlacement(groups, queue?.reserved ?? false, problems);
  groups.forEach((g, i) => validateAbrGroup(g, i, problems));
  validateCaptions(request, problems);

  if (problems.list.length || !queue) return { ok: false, problems: problems.list };
  return { ok: true, request, queueArn: queue.arn };
}
