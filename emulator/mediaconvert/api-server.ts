/**
 * MediaConvert's REST API (awsRestJson1, https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html)
 * as `@aws-sdk/client-mediaconvert` calls it:
 *   POST   /2017-08-29/jobs        CreateJob          201 {"job": {...}}
 *   GET    /2017-08-29/jobs        ListJobs           200 {"jobs": [...], "nextToken"?}
 *   GET    /2017-08-29/jobs/{id}   GetJob             200 {"job": {...}}
 *   DELETE /2017-08-29/jobs/{id}   CancelJob          202 {}
 *   POST   /2017-08-29/endpoints   DescribeEndpoints  200 {"endpoints": [{"url": ...}]}
 * (routes and status codes as the SDK's operation schemas declare them). Errors carry the
 * modeled exception's name in `x-amzn-ErrorType` and `{"message": ...}`, the member the SDK's
 * error schemas read, so the client raises BadRequestException, NotFoundException, ... typed.
 */
import { readBody, scopeProblem, sendJson } from '../aws-api-wire.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeProblems } from './problems.ts';
import { jobResource } from './job-record.ts';
import type { JobRunner } from './job-runner.ts';
import { validateCreateJob, type QueueCatalog } from './validate-job.ts';
import { fromWire, toWire } from './wire-case.ts';

type ErrorName = 'BadRequestException' | 'NotFoundException' | 'ConflictException' | 'ForbiddenException';
const STATUS: Record<ErrorName, number> = { BadRequestException: 400, ForbiddenException: 403, NotFoundException: 404, ConflictException: 409 };

class ApiError extends Error {
  constructor(readonly type: ErrorName, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, 'application/json', headers);
}

function checkScope(req: IncomingMessage, region: string): void {
  const problem = scopeProblem(req, region, 'mediaconvert');
  if (problem) throw new ApiError('ForbiddenException', problem);
}

export interface ApiContext {
  readonly runner: JobRunner;
  readonly catalog: QueueCatalog;
  readonly endpoint: () => string;
}

export function createApiHandler(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mediaconvert');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    checkScope(req, ctx.catalog.region);
    const jobMatch = /^\/2017-08-29\/jobs\/([^/]+)$/.exec(url.pathname);

    if (url.pathname === '/2017-08-29/jobs' && method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body || '{}');
      } catch {
        throw new ApiError('BadRequestException', 'the request body is not JSON');
      }
      const result = validateCreateJob(fromWire(parsed), ctx.catalog);
      if (!result.ok) throw new ApiError('BadRequestException', describeProblems(result.problems));
      const job = ctx.runner.submit(result.request, result.queueArn);
      return send(res, 201, { job: toWire(jobResource(job)) });
    }
    if (url.pathname === '/2017-08-29/jobs' && method === 'GET') return listJobs(url, res);
    if (jobMatch && (method === 'GET' || method === 'DELETE')) {
      const id = decodeURIComponent(jobMatch[1]!);
      const job = ctx.runner.get(id);
      if (!job) throw new ApiError('NotFoundException', `Job not found: ${id}`);
      if (method === 'GET') return send(res, 200, { job: toWire(jobResource(job)) });
      // AWS documents no answer for canceling a finished job; ConflictException is CancelJob's
      // modeled error for "a conflict with the current state of the resource".
      if (!ctx.runner.cancel(job)) throw new ApiError('ConflictException', `Job ${id} is ${job.status} and can no longer be canceled`);
      return send(res, 202, {});
    }
    if (url.pathname === '/2017-08-29/endpoints' && method === 'POST') {
      return send(res, 200, { endpoints: [{ url: ctx.endpoint() }] });
    }
    throw new ApiError('NotFoundException', `no operation ${method} ${url.pathname} in the MediaConvert stand-in`);
  }

  /** ListJobs: "Number of jobs, up to twenty"; Order ASCENDING or DESCENDING (newest first by default); filters by queue and status. */
  function listJobs(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const max = q.has('maxResults') ? Number(q.get('maxResults')) : 20;
    if (!Number.isInteger(max) || max < 1 || max > 20) throw new ApiError('BadRequestException', '/maxResults: must be between 1 and 20');
    const order = q.get('order') ?? 'DESCENDING';
    if (order !== 'ASCENDING' && order !== 'DESCENDING') throw new ApiError('BadRequestException', '/order: must be one of ASCENDING, DESCENDING');
    const start = q.has('nextToken') ? Number(Buffer.from(q.get('nextToken')!, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw new ApiError('BadRequestException', '/nextToken: not a token this API returned');
    const queue = q.get('queue');
    const status = q.get('status');
    const jobs = ctx.runner
      .all()
      .filter((j) => (queue === null || j.queueArn === queue || j.queueArn.endsWith(`:queues/${queue}`)) && (status === null || j.status === status))
      .sort((a, b) => (order === 'ASCENDING' ? 1 : -1) * (a.createdAt.getTime() - b.createdAt.getTime()));
    const page = jobs.slice(start, start + max);
    send(res, 200, {
      jobs: page.map((j) => toWire(jobResource(j))),
      ...(start + max < jobs.length ? { nextToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
    });
  }

  return (req, res) => {
    handle(req, res).catch((error: Error) => {
      if (error instanceof ApiError) send(res, STATUS[error.type], { message: error.message }, { 'x-amzn-errortype': error.type });
      else send(res, 500, { message: error.message }, { 'x-amzn-errortype': 'InternalServerErrorException' });
    });
  };
}
