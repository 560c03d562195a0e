/**
 * What a log line may show of a credential: its name, never its value. Every log line of the
 * local system that can hold a URL, a header or a cookie goes through `redactSecrets` (the
 * distribution's request log, the S3 stand-in's, what a Lambda sandbox prints, and npm start's
 * own sink), so a pasted log or a CI artifact never carries a working signed URL, session
 * cookie or token. What is no credential stays readable: `Expires`, paths, error codes.
 */
import { SIGNED_URL_PARAMS } from '../edge/signed-url.ts';

export const REDACTED = '[redacted]';

/**
 * Query and form parameters whose values are credentials: CloudFront's signed-URL parameters
 * (`Expires` is only a time), OAuth 2.0 codes and tokens, SigV4 presigned-URL parameters.
 */
const SECRET_PARAMETERS = [
  ...SIGNED_URL_PARAMS.filter((name) => name !== 'Expires' && name !== 'Hash-Algorithm'),
  'code', 'code_verifier', 'id_token', 'access_token', 'refresh_token', 'token', 'client_secret',
  'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token',
];
/** JSON members with credential values; not `code`, which lectern's error bodies and logs use for ERR_… codes. */
const SECRET_MEMBERS = [...SECRET_PARAMETERS.filter((name) => name !== 'code'), 'authorization'];

const alternatives = (names: readonly string[]) => names.map((n) => n.replace(/[-]/g, '\\-')).join('|');
// A value runs to the next delimiter of a query, cookie, header list or log field.
const VALUE = `[^&\\s"'#;,)<>]*`;

const RULES: readonly [RegExp, string][] = [
  // "access_token": "…" in JSON (a token response, a logged event).
  [new RegExp(`("(?:${alternatives(SECRET_MEMBERS)})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // ?Policy=…&Signature=…, #access_token=…, a form body, `Signature=` inside a SigV4 header.
  [new RegExp(`(?<=^|[?&#\\s;,"'])(${alternatives(SECRET_PARAMETERS)})=${VALUE}`, 'gi'), `$1=${REDACTED}`],
  // An Authorization header, whatever its scheme: its whole value, to the end of the line.
  [/\b((?:proxy-)?authorization\s*[:=]\s*)(?!"?\[redacted\])[^\s"'][^\r\n"']*/gi, `$1${REDACTED}`],
  [/\bBearer\s+(?!\[redacted\])[A-Za-z0-9\-._~+/]+=*/gi, `Bearer ${REDACTED}`],
  // A JWT anywhere else (an error message quoting one).
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // CloudFront-Policy / -Signature / -Key-Pair-Id cookies, in Cookie or Set-Cookie; -Expires is a time.
  [new RegExp(`\\b(CloudFront-(?!Expires=)[A-Za-z0-9-]+)=${VALUE}`, 'g'), `$1=${REDACTED}`],
];

/** `line` with every credential value replaced by REDACTED; idempotent. */
export function redactSecrets(line: string): string {
  let out = line;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
