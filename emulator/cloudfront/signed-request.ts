/**
 * The check CloudFront itself makes on a cache behavior with a trusted key group ("restrict
 * viewer access"), before any viewer-request code runs (DESIGN.md, request order step 2).
 * The local distribution calls this; on AWS, CloudFront does it.
 *
 * What it follows, from the CloudFront Developer Guide:
 *  - private-content-choosing-signed-urls-cookies: a URL carrying any of `Expires`, `Policy`,
 *    `Signature`, `Key-Pair-Id` (current pages add `Hash-Algorithm`) is a signed URL, and then
 *    the signed cookies are not looked at at all.
 *  - private-content-creating-signed-url-canned-policy / -custom-policy and
 *    private-content-setting-signed-cookie-canned-policy / -custom-policy: canned policies are
 *    rebuilt from the URL (without the signing parameters) and `Expires`; custom policies travel
 *    base64-encoded in `Policy` / `CloudFront-Policy`, hold exactly one statement, a `Resource`
 *    with `*` and `?` wildcards, a required `DateLessThan`, optional `DateGreaterThan` and
 *    `IpAddress`.
 *  - private-content-linux-openssl and PrivateCFSignatureCodeAndExamples: the signature is an
 *    RSA (or ECDSA) signature of the exact policy bytes with SHA-1, or SHA-256 when
 *    `Hash-Algorithm=SHA256` / `CloudFront-Hash-Algorithm=SHA256` is sent, in CloudFront's
 *    base64 alphabet (`+` -> `-`, `=` -> `_`, `/` -> `~`).
 *  - knowledge-center/cloudfront-troubleshoot-signed-url-cookies: the messages "Missing
 *    Key-Pair-Id query parameter or cookie value" and "Unknown Key"; other refusals answer
 *    "Access denied" (and a bad custom policy "Malformed Policy").
 *
 * Pure apart from node:crypto (the policy documents themselves: signed-policy.ts); never
 * throws, whatever the input.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { fromCloudFrontBase64 } from '../../edge/cloudfront-base64.ts';
import type { TrustedKey } from '../../edge/distribution-spec.ts';
import type { ErrorCode } from '../../edge/errors.ts';
import { wildcardMatch } from '../../edge/wildcard.ts';
import { cannedPolicy, ipInCidr, parseCustomPolicy } from './signed-policy.ts';
import { SIGNED_COOKIE_NAMES } from '../../edge/signed-url.ts';
import { splitSignedUrl, type Credentials } from './signed-url-split.ts';

/** CloudFront's own `<Code>` for the refusal, so the emulator can answer the same XML body. */
export type CloudFrontErrorCode = 'MissingKey' | 'InvalidKey' | 'AccessDenied' | 'MalformedPolicy';

export type SignedRequestResult =
  | {
      readonly ok: true;
      readonly via: 'url' | 'cookie';
      readonly keyPairId: string;
      readonly policy: 'canned' | 'custom';
      readonly hashAlgorithm: 'SHA1' | 'SHA256';
    }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      /** CloudFront's message, e.g. "Missing Key-Pair-Id query parameter or cookie value". */
      readonly reason: string;
      readonly cloudFrontCode: CloudFrontErrorCode;
      /** Which credentials were examined: the signed URL, the cookies, or (nothing sent) the cookies. */
      readonly via: 'url' | 'cookie';
      /** Exactly what failed, for logs and developers; CloudFront does not say this much. */
      readonly detail: string;
    };

export interface SignedRequestInput {
  /** `scheme://host/path?query` exactly as the viewer asked, signing parameters included. */
  readonly url: string;
  /** Cookies the viewer sent, by name (the caller parses the Cookie header). */
  readonly cookies: Readonly<Record<string, string>>;
  readonly viewerIp: string;
  readonly now: Date;
  readonly trustedKeys: readonly TrustedKey[];
}

/** Large enough for any real policy, small enough that hostile input costs nothing. */
const MAX_POLICY_BYTES = 16 * 1024;

type Refusal = Extract<SignedRequestResult, { ok: false }>;

export function verifySignedRequest(input: SignedRequestInput): SignedRequestResult {
  let via: 'url' | 'cookie' = 'cookie';
  try {
    if (typeof input.url !== 'string') return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', 'the request URL is not a string');
    const split = splitSignedUrl(input.url);
    if (!split.ok) {
      via = 'url';
      return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', split.detail);
    }
    let credentials: Credentials;
    if (split.signed) {
      via = 'url';
      credentials = split.credentials;
    } else {
      const cookies = input.cookies ?? {};
      const read = (name: string): string | undefined =>
        Object.prototype.hasOwnProperty.call(cookies, name) && typeof cookies[name] === 'string' ? cookies[name] : undefined;
      credentials = {
        keyPairId: read(SIGNED_COOKIE_NAMES['Key-Pair-Id']),
        signature: read(SIGNED_COOKIE_NAMES.Signature),
        expires: read(SIGNED_COOKIE_NAMES.Expires),
        policy: read(SIGNED_COOKIE_NAMES.Policy),
        hashAlgorithm: read(SIGNED_COOKIE_NAMES['Hash-Algorithm']),
      };
    }
    return checkCredentials(via, credentials, split.resourceUrl, input);
  } catch (error) {
    // Nothing above is expected to throw; if it does, fail closed.
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `verification failed: ${String(error)}`);
  }
}
function checkCredentials(via: 'url' | 'cookie', c: Credentials, resourceUrl: string, input: SignedRequestInput): SignedRequestResult {
  const names =
    via === 'url'
      ? { keyPairId: 'Key-Pair-Id', signature: 'Signature', expires: 'Expires', policy: 'Policy', hash: 'Hash-Algorithm' }
      : {
          keyPairId: SIGNED_COOKIE_NAMES['Key-Pair-Id'],
          signature: SIGNED_COOKIE_NAMES.Signature,
          expires: SIGNED_COOKIE_NAMES.Expires,
          policy: SIGNED_COOKIE_NAMES.Policy,
          hash: SIGNED_COOKIE_NAMES['Hash-Algorithm'],
        };
  const where = via === 'url' ? 'query parameter' : 'cookie';

  // 1. Which key: CloudFront's first complaint when nothing (or no key id) is sent.
  if (!c.keyPairId) {
    return refuse(via, 'ERR_SIGNATURE_REQUIRED', 'MissingKey', `the ${names.keyPairId} ${where} is missing or empty`);
  }
  if (c.signature === undefined || c.signature === '') {
    return refuse(via, 'ERR_SIGNATURE_REQUIRED', 'AccessDenied', `the ${names.signature} ${where} is missing or empty`);
  }
  const hasExpires = c.expires !== undefined && c.expires !== '';
  const hasPolicy = c.policy !== undefined && c.policy !== '';
  if (!hasExpires && !hasPolicy) {
    return refuse(via, 'ERR_SIGNATURE_REQUIRED', 'AccessDenied', `neither ${names.expires} nor ${names.policy} was sent`);
  }
  if (hasExpires && hasPolicy) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `both ${names.expires} (canned) and ${names.policy} (custom) were sent`);
  }

  // 2. Hash algorithm: SHA-1 unless SHA256 is named; nothing else is accepted.
  let hashAlgorithm: 'SHA1' | 'SHA256' = 'SHA1';
  if (c.hashAlgorithm !== undefined) {
    if (c.hashAlgorithm !== 'SHA256') {
      return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `${names.hash} must be SHA256 when present, got ${JSON.stringify(truncate(c.hashAlgorithm))}`);
    }
    hashAlgorithm = 'SHA256';
  }

  // 3. The key must be in the behavior's trusted key group.
  const trusted = (input.trustedKeys ?? []).find((key) => key.id === c.keyPairId);
  if (!trusted) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'InvalidKey', `key ${JSON.stringify(truncate(c.keyPairId))} is not in the trusted key group`);
  }
  const publicKey = publicKeyOf(trusted.publicKeyPem);
  if (!publicKey) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'InvalidKey', `trusted key ${trusted.id} has no usable RSA or ECDSA public key`);
  }

  // 4. The signature, in CloudFront's alphabet only.
  const signature = fromCloudFrontBase64(c.signature);
  if (!signature || signature.length === 0) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `${names.signature} is not in CloudFront's base64 alphabet (A-Z a-z 0-9 - _ ~)`);
  }

  // 5. The exact bytes that were signed.
  let policyBytes: Buffer;
  let expiresAt: number | undefined;
  if (hasExpires) {
    const expires = c.expires as string;
    if (!/^[1-9][0-9]{0,15}$/.test(expires) || !Number.isSafeInteger(Number(expires))) {
      return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `${names.expires} must be a Unix time in seconds, got ${JSON.stringify(truncate(expires))}`);
    }
    expiresAt = Number(expires);
    policyBytes = Buffer.from(cannedPolicy(resourceUrl, expiresAt), 'utf8');
  } else {
    const decoded = (c.policy as string).length <= (MAX_POLICY_BYTES * 4) / 3 + 4 ? fromCloudFrontBase64(c.policy as string) : undefined;
    if (!decoded || decoded.length === 0) {
      return refuse(via, 'ERR_SIGNATURE_INVALID', 'MalformedPolicy', `${names.policy} is not in CloudFront's base64 alphabet (A-Z a-z 0-9 - _ ~) or is too long`);
    }
    policyBytes = decoded;
  }

  // 6. Signature over those bytes, before anything in a custom policy is believed.
  let valid = false;
  try {
    valid = verifySignature(hashAlgorithm === 'SHA256' ? 'sha256' : 'sha1', policyBytes, publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `the ${hashAlgorithm} signature does not match the ${hasExpires ? 'canned' : 'custom'} policy for key ${trusted.id}`);
  }

  const nowMs = input.now instanceof Date ? input.now.getTime() : Number.NaN;
  if (!Number.isFinite(nowMs)) return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', 'no valid current time was given');

  if (hasExpires) {
    if (!(nowMs < (expiresAt as number) * 1000)) {
      return refuse(via, 'ERR_SIGNATURE_EXPIRED', 'AccessDenied', `expired at ${new Date((expiresAt as number) * 1000).toISOString()}`);
    }
    return { ok: true, via, keyPairId: trusted.id, policy: 'canned', hashAlgorithm };
  }

  // 7. Custom policy: shape, dates, resource, IP.
  const parsed = parseCustomPolicy(policyBytes);
  if (!parsed.ok) return refuse(via, 'ERR_SIGNATURE_INVALID', 'MalformedPolicy', parsed.detail);
  const { statement } = parsed;
  if (!(nowMs < statement.dateLessThan * 1000)) {
    return refuse(via, 'ERR_SIGNATURE_EXPIRED', 'AccessDenied', `expired at ${new Date(statement.dateLessThan * 1000).toISOString()} (DateLessThan)`);
  }
  if (statement.dateGreaterThan !== undefined && !(nowMs > statement.dateGreaterThan * 1000)) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `not valid before ${new Date(statement.dateGreaterThan * 1000).toISOString()} (DateGreaterThan)`);
  }
  if (statement.resource !== undefined && !wildcardMatch(statement.resource, resourceUrl)) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `Resource ${JSON.stringify(truncate(statement.resource))} does not cover ${JSON.stringify(truncate(resourceUrl))}`);
  }
  if (statement.sourceIp !== undefined && !ipInCidr(input.viewerIp, statement.sourceIp)) {
    return refuse(via, 'ERR_SIGNATURE_INVALID', 'AccessDenied', `viewer address ${JSON.stringify(truncate(String(input.viewerIp)))} is outside ${statement.sourceIp.text} (IpAddress)`);
  }
  return { ok: true, via, keyPairId: trusted.id, policy: 'custom', hashAlgorithm };
}

const keyCache = new Map<string, KeyObject | null>();

function publicKeyOf(pem: string): KeyObject | undefined {
  if (typeof pem !== 'string') return undefined;
  const cached = keyCache.get(pem);
  if (cached !== undefined) return cached ?? undefined;
  let key: KeyObject | null = null;
  try {
    const candidate = createPublicKey(pem);
    // CloudFront public keys are RSA (2048-bit) or, more recently, ECDSA P-256.
    key = candidate.asymmetricKeyType === 'rsa' || candidate.asymmetricKeyType === 'ec' ? candidate : null;
  } catch {
    key = null;
  }
  if (keyCache.size > 256) keyCache.clear();
  keyCache.set(pem, key);
  return key ?? undefined;
}

function refuse(via: 'url' | 'cookie', code: ErrorCode, cloudFrontCode: CloudFrontErrorCode, detail: string): Refusal {
  const reason =
    cloudFrontCode === 'MissingKey'
      ? 'Missing Key-Pair-Id query parameter or cookie value'
      : cloudFrontCode === 'InvalidKey'
        ? 'Unknown Key'
        : cloudFrontCode === 'MalformedPolicy'
          ? 'Malformed Policy'
          : 'Access denied';
  return { ok: false, code, reason, cloudFrontCode, via, detail };
}

function truncate(text: string | undefined): string {
  const value = String(text);
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}
