/**
 * Amazon Transcribe's JSON API (awsJson1_1: `POST /`, `X-Amz-Target: Transcribe.<Operation>`)
 * as `@aws-sdk/client-transcribe` calls it, for the two operations the pipeline uses:
 * StartTranscriptionJob and GetTranscriptionJob. Errors are 400 with the modeled exception's
 * name in `__type` (and `x-amzn-ErrorType`) and `Message`, so the client raises
 * BadRequestException, ConflictException, NotFoundException typed. Timestamps are epoch seconds.
 */
import { readBody, scopeProblem, sendJson } from '../aws-api-wire.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobStore, TranscriptionJobRecord } from './job-store.ts';
import { validateStart } from './validate-start.ts';

type ErrorName = 'BadRequestException' | 'ConflictException' | 'NotFoundException' | 'AccessDeniedException' | 'UnknownOperationException';

export class TranscribeApiError extends Error {
  constructor(readonly type: ErrorName, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, 'application/x-amz-json-1.1', headers);
}

function checkScope(req: IncomingMessage, region: string): void {
  const problem = scopeProblem(req, region, 'transcribe');
  if (problem) throw new TranscribeApiError('AccessDeniedException', problem);
}

const seconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

export function jobResource(j: TranscriptionJobRecord): Record<string, unknown> {
  const r = j.request;
  return {
    TranscriptionJobName: r.name,
    TranscriptionJobStatus: j.status,
    ...(j.languageCode ? { LanguageCode: j.languageCode } : {}),
    ...(r.identify ? { IdentifyLanguage: true } : {}),
    Media: { MediaFileUri: r.mediaUri },
    CreationTime: seconds(j.createdAt),
    ...(j.startedAt ? { StartTime: seconds(j.startedAt) } : {}),
    ...(j.completedAt ? { CompletionTime: seconds(j.completedAt) } : {}),
    ...(j.failureReason ? { FailureReason: j.failureReason } : {}),
    ...(j.transcriptUri ? { Transcript: { TranscriptFileUri: j.transcriptUri } } : {}),
    ...(r.subtitles
      ? { Subtitles: { Formats: r.subtitles.formats, OutputStartIndex: r.subtitles.startIndex, ...(j.subtitleUris.length > 0 ? { SubtitleFileUris: j.subtitleUris } : {}) } }
      : {}),
    ...(r.tags.length > 0 ? { Tags: r.tags } : {}),
  };
}

export function createTranscribeApiHandler(ctx: { readonly region: string; readonly store: JobStore }): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    checkScope(req, ctx.region);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith('Transcribe.')) throw new TranscribeApiError('UnknownOperationException', `no operation ${target || `${req.method} ${req.url}`}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body || '{}');
    } catch {
      throw new TranscribeApiError('BadRequestException', 'the request body is not JSON');
    }
    const operation = target.slice('Transcribe.'.length);
    if (operation === 'StartTranscriptionJob') {
      const checked = validateStart(parsed);
      if (!checked.ok) throw new TranscribeApiError('BadRequestException', checked.message);
      return send(res, 200, { TranscriptionJob: jobResource(ctx.store.start(checked.request)) });
    }
    if (operation === 'GetTranscriptionJob') {
      const name = (parsed as Record<string, unknown>)['TranscriptionJobName'];
      const job = typeof name === 'string' ? ctx.store.get(name) : undefined;
      if (!job) throw new TranscribeApiError('NotFoundException', "The requested job couldn't be found. Check the job name and try your request again.");
      return send(res, 200, { TranscriptionJob: jobResource(job) });
    }
    throw new TranscribeApiError('UnknownOperationException', `the local Transcribe stand-in does not do ${operation}`);
  }
  return (req, res) => {
    handle(req, res).catch((error: Error) => {
      const type = error instanceof TranscribeApiError ? error.type : 'InternalFailureException';
      send(res, error instanceof TranscribeApiError ? 400 : 500, { __type: type, Message: error.message }, { 'x-amzn-errortype': type });
    });
  };
}
