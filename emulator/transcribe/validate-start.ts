/**
 * StartTranscriptionJob's request checks, as the API reference states them
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_StartTranscriptionJob.html):
 * TranscriptionJobName 1-200 characters of `^[0-9a-zA-Z._-]+` and not `.` or `..` alone;
 * Media.MediaFileUri 1-2000 characters of `(s3://|http(s*)://).+`; LanguageCode one of the
 * service's codes, and exactly one of LanguageCode, IdentifyLanguage, IdentifyMultipleLanguages;
 * OutputBucketName `[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9]`; OutputKey 1-1024 characters of
 * `[a-zA-Z0-9-_.!*'()/]`; Subtitles.Formats `vtt | srt`, OutputStartIndex 0 or 1
 * (API_Subtitles.html). Whether the media and the output bucket exist is the caller's check
 * (api-server.ts), since it needs the local buckets. Pure.
 */
import { LanguageCode } from '@aws-sdk/client-transcribe';

export interface StartRequest {
  readonly name: string;
  readonly mediaUri: string;
  /** Absent with language identification. */
  readonly languageCode?: string;
  readonly identify: boolean;
  readonly outputBucket?: string;
  readonly outputKey?: string;
  readonly subtitles: { readonly formats: readonly ('vtt' | 'srt')[]; readonly startIndex: 0 | 1 } | null;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
}

const CODES: ReadonlySet<string> = new Set(Object.values(LanguageCode));

export function validateStart(body: unknown): { ok: true; request: StartRequest } | { ok: false; message: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, any>;
  const bad = (message: string) => ({ ok: false as const, message });
  const name = b['TranscriptionJobName'];
  if (typeof name !== 'string' || name.length < 1 || name.length > 200 || !/^[0-9a-zA-Z._-]+$/.test(name) || name === '.' || name === '..') {
    return bad("1 validation error detected: Value at 'transcriptionJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z._-]+ (length 1-200, not . or ..)");
  }
  const uri = b['Media']?.['MediaFileUri'];
  if (typeof uri !== 'string' || uri.length > 2000 || !/^(s3:\/\/|http(s*):\/\/).+/.test(uri)) {
    return bad("1 validation error detected: Value at 'media.mediaFileUri' failed to satisfy constraint: Member must satisfy regular expression pattern: (s3://|http(s*)://).+");
  }
  const code = b['LanguageCode'];
  const identify = b['IdentifyLanguage'] === true;
  const identifyMany = b['IdentifyMultipleLanguages'] === true;
  if ([code !== undefined, identify, identifyMany].filter(Boolean).length !== 1) {
    return bad('Specify one of LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages in your request, and only one.');
  }
  if (code !== undefined && (typeof code !== 'string' || !CODES.has(code))) {
    return bad(`1 validation error detected: Value '${String(code)}' at 'languageCode' failed to satisfy constraint: Member must satisfy enum value set`);
  }
  if (identifyMany) return bad('the local Transcribe stand-in does not do IdentifyMultipleLanguages');
  const bucket = b['OutputBucketName'];
  if (bucket !== undefined && (typeof bucket !== 'string' || !/^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/.test(bucket))) {
    return bad("1 validation error detected: Value at 'outputBucketName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9]");
  }
  const key = b['OutputKey'];
  if (key !== undefined && (typeof key !== 'string' || !/^[a-zA-Z0-9\-_.!*'()/]{1,1024}$/.test(key))) {
    return bad("1 validation error detected: Value at 'outputKey' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_.!*'()/]{1,1024}$");
  }
  if (key !== undefined && bucket === undefined) return bad('OutputKey needs OutputBucketName.');
  let subtitles: StartRequest['subtitles'] = null;
  const s = b['Subtitles'];
  if (s !== undefined) {
    const formats = s?.['Formats'] ?? [];
    if (!Array.isArray(formats) || !formats.every((f) => f === 'vtt' || f === 'srt')) {
      return bad("1 validation error detected: Value at 'subtitles.formats' failed to satisfy constraint: Member must satisfy enum value set: [vtt, srt]");
    }
    const index = s?.['OutputStartIndex'] ?? 0;
    if (index !== 0 && index !== 1) {
      return bad("1 validation error detected: Value at 'subtitles.outputStartIndex' failed to satisfy constraint: Member must have value between 0 and 1");
    }
    subtitles = { formats: [...new Set(formats as ('vtt' | 'srt')[])], startIndex: index };
  }
  const tags = Array.isArray(b['Tags']) ? b['Tags'].filter((t: any) => typeof t?.Key === 'string' && typeof t?.Value === 'string') : [];
  return {
    ok: true,
    request: {
      name,
      mediaUri: uri,
      ...(typeof code === 'string' ? { languageCode: code } : {}),
      identify,
      ...(bucket !== undefined ? { outputBucket: bucket } : {}),
      ...(key !== undefined ? { outputKey: key } : {}),
      subtitles,
      tags,
    },
  };
}
