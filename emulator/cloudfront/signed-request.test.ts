import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { afterAll, describe, expect, it } from 'vitest';
import { fromCloudFrontBase64, toCloudFrontBase64 } from '../../edge/cloudfront-base64.ts';
import type { TrustedKey } from '../../edge/distribution-spec.ts';
import { courseResource } from '../../edge/policy.ts';
import { verifySignedRequest, type SignedRequestInput } from './signed-request.ts';
import { hasSignedUrlParams } from './signed-url-split.ts';
import { cannedPolicy } from './signed-policy.ts';
import { wildcardMatch } from '../../edge/wildcard.ts';

function keyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

const main = keyPair();
const other = keyPair();
const untrusted = keyPair();
const trustedKeys: TrustedKey[] = [
  { id: 'K2JCJMDEHXQW5F', publicKeyPem: main.publicKey },
  { id: 'KOTHERTRUSTED1', publicKeyPem: other.publicKey },
];
const KEY_ID = 'K2JCJMDEHXQW5F';

const NOW = new Date('2030-01-01T00:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const IN_AN_HOUR = new Date(NOW.getTime() + 3600_000);
const HOST = 'cdn.example.test';
const LESSON_URL = `https://${HOST}/courses/123/l1/master.m3u8`;
const SEGMENT_URL = `https://${HOST}/courses/123/l1/720p/seg-00001.m4s`;
const COURSE_RESOURCE = courseResource('https', HOST, '123');

const tmp = mkdtempSync(path.join(tmpdir(), 'lectern-signed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function check(overrides: Partial<SignedRequestInput>) {
  return verifySignedRequest({ url: LESSON_URL, cookies: {}, viewerIp: '192.0.2.10', now: NOW, trustedKeys, ...overrides });
}

/** The SDK returns CloudFront-Expires as a number; a Cookie header only carries strings. */
function asCookies(signed: object): Record<string, string> {
  return Object.fromEntries(Object.entries(signed).map(([name, value]) => [name, String(value)]));
}

function customPolicy(condition: object, resource: string = COURSE_RESOURCE): string {
  return JSON.stringify({ Statement: [{ Resource: resource, Condition: condition }] });
}

/** Cookies for an arbitrary policy text, signed directly (for shapes the SDK will not build). */
function cookiesFor(policy: string, opts: { key?: string; keyId?: string; hash?: 'sha1' | 'sha256' } = {}): Record<string, string> {
  const signature = sign(opts.hash ?? 'sha1', Buffer.from(policy), opts.key ?? main.privateKey);
  return {
    'CloudFront-Policy': toCloudFrontBase64(policy),
    'CloudFront-Signature': toCloudFrontBase64(signature),
    'CloudFront-Key-Pair-Id': opts.keyId ?? KEY_ID,
    ...(opts.hash === 'sha256' ? { 'CloudFront-Hash-Algorithm': 'SHA256' } : {}),
  };
}

const validCustomCookies = asCookies(
  getSignedCookies({ policy: customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } }), keyPairId: KEY_ID, privateKey: main.privateKey }),
);

describe('verifySignedRequest accepts what AWS signers produce', () => {
  for (const algorithm of ['SHA1', 'SHA256'] as const) {
    it(`accepts canned-policy cookies from getSignedCookies (${algorithm})`, () => {
      const cookies = asCookies(getSignedCookies({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR, algorithm }));
      expect(cookies['CloudFront-Expires']).toBeDefined();
      expect(check({ cookies })).toEqual({ ok: true, via: 'cookie', keyPairId: KEY_ID, policy: 'canned', hashAlgorithm: algorithm });
    });

    it(`accepts custom-policy cookies for a whole course from getSignedCookies (${algorithm})`, () => {
      const policy = customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } });
      const cookies = asCookies(getSignedCookies({ policy, keyPairId: KEY_ID, privateKey: main.privateKey, algorithm }));
      expect(check({ cookies })).toMatchObject({ ok: true, via: 'cookie', policy: 'custom', hashAlgorithm: algorithm });
      expect(check({ cookies, url: SEGMENT_URL })).toMatchObject({ ok: true });
      expect(check({ cookies, url: `${SEGMENT_URL}?cache=bust` })).toMatchObject({ ok: true });
    });

    it(`accepts canned signed URLs from getSignedUrl, with and without the viewer's own parameters (${algorithm})`, () => {
      for (const url of [LESSON_URL, `${LESSON_URL}?v=2&lang=en`]) {
        const signed = getSignedUrl({ url, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR, algorithm });
        expect(check({ url: signed })).toEqual({ ok: true, via: 'url', keyPairId: KEY_ID, policy: 'canned', hashAlgorithm: algorithm });
      }
    });

    it(`accepts custom-policy signed URLs from getSignedUrl (${algorithm})`, () => {
      const policy = customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } });
      const signed = getSignedUrl({ url: SEGMENT_URL, policy, keyPairId: KEY_ID, privateKey: main.privateKey, algorithm });
      expect(check({ url: signed })).toMatchObject({ ok: true, via: 'url', policy: 'custom', hashAlgorithm: algorithm });
    });
  }

  it('accepts a custom policy the SDK builds from dateGreaterThan and an IPv4 range', () => {
    const cookies = asCookies(
      getSignedCookies({
        url: COURSE_RESOURCE,
        keyPairId: KEY_ID,
        privateKey: main.privateKey,
        dateLessThan: IN_AN_HOUR,
        dateGreaterThan: new Date(NOW.getTime() - 60_000),
        ipAddress: '192.0.2.0/24',
      }),
    );
    expect(cookies['CloudFront-Policy']).toBeDefined();
    expect(check({ cookies, viewerIp: '192.0.2.77' })).toMatchObject({ ok: true, policy: 'custom' });
    expect(check({ cookies, viewerIp: '::ffff:192.0.2.77' })).toMatchObject({ ok: true });
  });

  it('accepts a key that is not the first in the trusted key group', () => {
    const cookies = asCookies(getSignedCookies({ url: LESSON_URL, keyPairId: 'KOTHERTRUSTED1', privateKey: other.privateKey, dateLessThan: IN_AN_HOUR }));
    expect(check({ cookies })).toMatchObject({ ok: true, keyPairId: 'KOTHERTRUSTED1' });
  });

  it('accepts signature values a browser percent-encoded in the query string (%7E for ~)', () => {
    const signed = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url: signed.replace(/~/g, '%7E').replace(/_/g, '%5F') })).toMatchObject({ ok: true, via: 'url' });
  });

  for (const hash of ['sha1', 'sha256'] as const) {
    it(`accepts cookies made with AWS's documented openssl recipe (${hash})`, () => {
      const keyFile = path.join(tmp, `private_key_${hash}.pem`);
      const policyFile = path.join(tmp, `policy_${hash}`);
      writeFileSync(keyFile, main.privateKey, { mode: 0o600 });
      // Written with whitespace and newlines, as a person would; the recipe strips them.
      const pretty = JSON.stringify(
        { Statement: [{ Resource: COURSE_RESOURCE, Condition: { DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } } }] },
        null,
        3,
      );
      writeFileSync(policyFile, `${pretty}\n`);
      const signature = execFileSync(
        'bash',
        ['-c', `cat "$1" | tr -d "\\n" | tr -d " \\t\\n\\r" | openssl ${hash} -sign "$2" | openssl base64 -A | tr -- '+=/' '-_~'`, 'recipe', policyFile, keyFile],
        { encoding: 'utf8' },
      ).trim();
      const cookies = {
        'CloudFront-Policy': toCloudFrontBase64(pretty.replace(/[ \t\n\r]/g, '')),
        'CloudFront-Signature': signature,
        'CloudFront-Key-Pair-Id': KEY_ID,
        ...(hash === 'sha256' ? { 'CloudFront-Hash-Algorithm': 'SHA256' } : {}),
      };
      expect(check({ cookies })).toMatchObject({ ok: true, via: 'cookie', policy: 'custom' });
    });
  }

  it('rebuilds the canned policy byte for byte as AWS documents it', () => {
    expect(cannedPolicy('http://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes', 1357034400)).toBe(
      '{"Statement":[{"Resource":"http://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes","Condition":{"DateLessThan":{"AWS:EpochTime":1357034400}}}]}',
    );
  });
});

describe('verifySignedRequest refuses every alteration', () => {
  it('refuses a request with no credentials at all, with CloudFront\'s message', () => {
    expect(check({})).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_REQUIRED',
      cloudFrontCode: 'MissingKey',
      reason: 'Missing Key-Pair-Id query parameter or cookie value',
    });
  });

  it.each(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'])('refuses cookies when %s is missing', (name) => {
    const cookies = { ...validCustomCookies };
    delete cookies[name];
    expect(check({ cookies })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_REQUIRED' });
  });

  it('refuses an empty Key-Pair-Id cookie like a missing one', () => {
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Key-Pair-Id': '' } })).toMatchObject({ ok: false, cloudFrontCode: 'MissingKey' });
  });

  it('refuses a policy with one byte flipped', () => {
    const policy = fromCloudFrontBase64(validCustomCookies['CloudFront-Policy'] as string) as Buffer;
    const text = policy.toString('utf8');
    const flipped = text.replace(`${nowSeconds + 3600}`, `${nowSeconds + 3601}`);
    expect(flipped).not.toBe(text);
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Policy': toCloudFrontBase64(flipped) } })).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_INVALID',
      reason: 'Access denied',
      detail: expect.stringContaining('signature does not match'),
    });
    const widened = text.replace('/courses/123/*', '/courses/*');
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Policy': toCloudFrontBase64(widened) } })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
  });

  it('refuses a signature with one byte flipped', () => {
    const signature = fromCloudFrontBase64(validCustomCookies['CloudFront-Signature'] as string) as Buffer;
    signature[10] = (signature[10] as number) ^ 0x01;
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Signature': toCloudFrontBase64(signature) } })).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_INVALID',
      detail: expect.stringContaining('signature does not match'),
    });
  });

  it('refuses a key id that is not in the trusted key group, with "Unknown Key"', () => {
    const cookies = asCookies(getSignedCookies({ url: LESSON_URL, keyPairId: 'KUNTRUSTED0001', privateKey: untrusted.privateKey, dateLessThan: IN_AN_HOUR }));
    expect(check({ cookies })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', cloudFrontCode: 'InvalidKey', reason: 'Unknown Key' });
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Key-Pair-Id': 'KUNTRUSTED0001' } })).toMatchObject({ ok: false, reason: 'Unknown Key' });
  });

  it('refuses a key id swapped for another trusted key that did not sign', () => {
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Key-Pair-Id': 'KOTHERTRUSTED1' } })).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_INVALID',
      detail: expect.stringContaining('signature does not match'),
    });
  });

  it('refuses a signature by a key outside the group presented under a trusted key id', () => {
    const cookies = cookiesFor(customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } }), { key: untrusted.privateKey });
    expect(check({ cookies })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
  });

  it('refuses cookies for course 12 on a request for course 123', () => {
    const policy = customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } }, courseResource('https', HOST, '12'));
    const cookies = asCookies(getSignedCookies({ policy, keyPairId: KEY_ID, privateKey: main.privateKey }));
    expect(check({ cookies, url: `https://${HOST}/courses/12/l1/master.m3u8` })).toMatchObject({ ok: true });
    expect(check({ cookies, url: `https://${HOST}/courses/123/x` })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', detail: expect.stringMatching(/^Resource /) });
  });

  it('refuses cookies for another host or scheme', () => {
    expect(check({ cookies: validCustomCookies, url: `https://evil.example/courses/123/l1/master.m3u8` })).toMatchObject({ ok: false });
    expect(check({ cookies: validCustomCookies, url: `http://${HOST}/courses/123/l1/master.m3u8` })).toMatchObject({ ok: false });
  });

  it('refuses canned cookies for any other URL, since the canned Resource is the URL itself', () => {
    const cookies = asCookies(getSignedCookies({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR }));
    expect(check({ cookies, url: SEGMENT_URL })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
    expect(check({ cookies, url: `${LESSON_URL}?x=1` })).toMatchObject({ ok: false });
  });

  it('refuses expired canned and custom credentials with ERR_SIGNATURE_EXPIRED', () => {
    const later = new Date(IN_AN_HOUR.getTime() + 1000);
    const canned = asCookies(getSignedCookies({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR }));
    expect(check({ cookies: canned, now: later })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_EXPIRED', reason: 'Access denied' });
    expect(check({ cookies: validCustomCookies, now: later })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_EXPIRED' });
    expect(check({ cookies: validCustomCookies, now: IN_AN_HOUR })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_EXPIRED' });
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url, now: later })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_EXPIRED' });
  });

  it('refuses a canned URL whose Expires was moved later', () => {
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url: url.replace(/Expires=\d+/, `Expires=${nowSeconds + 999_999}`) })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
  });

  it('refuses custom credentials before DateGreaterThan', () => {
    const cookies = asCookies(
      getSignedCookies({
        url: COURSE_RESOURCE,
        keyPairId: KEY_ID,
        privateKey: main.privateKey,
        dateLessThan: IN_AN_HOUR,
        dateGreaterThan: new Date(NOW.getTime() + 60_000),
      }),
    );
    expect(check({ cookies })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', detail: expect.stringContaining('DateGreaterThan') });
    expect(check({ cookies, now: new Date(NOW.getTime() + 120_000) })).toMatchObject({ ok: true });
  });

  it('refuses a viewer outside the IPv4 range of IpAddress', () => {
    const cookies = cookiesFor(customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 }, IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } }));
    expect(check({ cookies, viewerIp: '192.0.2.200' })).toMatchObject({ ok: true });
    expect(check({ cookies, viewerIp: '192.0.3.1' })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', detail: expect.stringContaining('IpAddress') });
    expect(check({ cookies, viewerIp: '2001:db8::1' })).toMatchObject({ ok: false });
    expect(check({ cookies, viewerIp: 'not-an-ip' })).toMatchObject({ ok: false });
  });

  it('matches IPv6 ranges in IpAddress', () => {
    const cookies = cookiesFor(customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 }, IpAddress: { 'AWS:SourceIp': '2001:db8:85a3::/48' } }));
    expect(check({ cookies, viewerIp: '2001:db8:85a3:0:0:8a2e:370:7334' })).toMatchObject({ ok: true });
    expect(check({ cookies, viewerIp: '2001:db8:85a4::1' })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', detail: expect.stringContaining('IpAddress') });
    expect(check({ cookies, viewerIp: '192.0.2.1' })).toMatchObject({ ok: false });
  });

  it('refuses CloudFront values written in the standard base64 alphabet', () => {
    const standard = (value: string) => value.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');
    const signature = validCustomCookies['CloudFront-Signature'] as string;
        expect(standard(signature)).not.toBe(signature);
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Signature': standard(signature) } })).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_INVALID',
      detail: expect.stringContaining('alphabet'),
    });
    // A policy whose length is not a multiple of 3, so its base64 is padded with "=".
    let text = customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } });
    while (Buffer.byteLength(text) % 3 === 0) text += ' ';
    const padded = cookiesFor(text);
    expect(check({ cookies: padded })).toMatchObject({ ok: true });
    const standardPolicy = Buffer.from(text).toString('base64');
    expect(standardPolicy).not.toBe(padded['CloudFront-Policy']);
    expect(check({ cookies: { ...padded, 'CloudFront-Policy': standardPolicy } })).toMatchObject({ ok: false, cloudFrontCode: 'MalformedPolicy' });
    // base64url (RFC 4648) is not CloudFront's alphabet either.
    const base64url = Buffer.from(fromCloudFrontBase64(signature) as Buffer).toString('base64url');
    expect(check({ cookies: { ...validCustomCookies, 'CloudFront-Signature': base64url } })).toMatchObject({ ok: false });
  });

  it('refuses a Hash-Algorithm other than SHA256, and a SHA-256 signature presented as SHA-1', () => {
    const sha256 = cookiesFor(customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } }), { hash: 'sha256' });
    expect(check({ cookies: sha256 })).toMatchObject({ ok: true, hashAlgorithm: 'SHA256' });
    const { 'CloudFront-Hash-Algorithm': _dropped, ...withoutHash } = sha256;
    expect(check({ cookies: withoutHash })).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
    for (const value of ['SHA512', 'sha256', 'MD5', 'SHA1', '']) {
      expect(check({ cookies: { ...sha256, 'CloudFront-Hash-Algorithm': value } })).toMatchObject({ ok: false });
    }
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url: `${url}&Hash-Algorithm=SHA512` })).toMatchObject({ ok: false });
  });

  it('refuses signed custom policies that are not of the documented shape', () => {
    const lessThan = { 'AWS:EpochTime': nowSeconds + 3600 };
    const malformed = [
      JSON.stringify({ Statement: [{ Resource: COURSE_RESOURCE, Condition: { DateLessThan: lessThan } }, { Resource: '*', Condition: { DateLessThan: lessThan } }] }),
      JSON.stringify({ Statement: [] }),
      JSON.stringify({ Statement: { Resource: COURSE_RESOURCE, Condition: { DateLessThan: lessThan } } }),
      JSON.stringify({ Statement: [{ Resource: COURSE_RESOURCE, Condition: { DateLessThan: lessThan } }], Version: '2012-10-17' }),
      JSON.stringify({ Statement: [{ Resource: COURSE_RESOURCE, Effect: 'Allow', Condition: { DateLessThan: lessThan } }] }),
      customPolicy({ DateLessThan: lessThan, StringLike: { 'AWS:Referer': '*' } }),
      customPolicy({ DateLessThan: { 'AWS:EpochTime': String(nowSeconds + 3600) } }),
      customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600.5 } }),
      customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600, Extra: 1 } }),
      customPolicy({ DateGreaterThan: { 'AWS:EpochTime': nowSeconds - 60 } }),
      customPolicy({ DateLessThan: lessThan, IpAddress: { 'AWS:SourceIp': '192.0.2.0' } }),
      customPolicy({ DateLessThan: lessThan, IpAddress: { 'AWS:SourceIp': '192.0.2.0/33' } }),
      customPolicy({ DateLessThan: lessThan, IpAddress: { 'AWS:SourceIp': ['192.0.2.0/24'] } }),
      customPolicy({ DateLessThan: lessThan }, 'ftp://cdn.example.test/*'),
      '{"Statement":[{"__proto__":{},"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":9999999999}}}]}',
      'not json',
      '\u00ff\u00fe',
    ];
    for (const policy of malformed) {
      expect(check({ cookies: cookiesFor(policy) }), policy).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', cloudFrontCode: 'MalformedPolicy' });
    }
    expect(check({ cookies: cookiesFor(customPolicy({ DateLessThan: lessThan })) })).toMatchObject({ ok: true });
  });

  it('honours ? as exactly one character in Resource', () => {
    const cookies = cookiesFor(customPolicy({ DateLessThan: { 'AWS:EpochTime': nowSeconds + 3600 } }, `https://${HOST}/courses/12?/*`));
    expect(check({ cookies, url: `https://${HOST}/courses/123/x.m4s` })).toMatchObject({ ok: true });
    expect(check({ cookies, url: `https://${HOST}/courses/12/x.m4s` })).toMatchObject({ ok: false });
    expect(check({ cookies, url: `https://${HOST}/courses/1234/x.m4s` })).toMatchObject({ ok: false });
  });
});

describe('signed URLs take precedence over signed cookies', () => {
  it('refuses an invalid signed URL even when valid cookies are present', () => {
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    const broken = url.replace(/Signature=([A-Za-z0-9])/, (_m, c: string) => `Signature=${c === 'A' ? 'B' : 'A'}`);
    expect(check({ url: broken, cookies: validCustomCookies })).toMatchObject({ ok: false, via: 'url', code: 'ERR_SIGNATURE_INVALID' });
  });

  it.each(['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'])('ignores valid cookies once the query carries %s', (name) => {
    expect(check({ url: `${LESSON_URL}?${name}=x`, cookies: validCustomCookies })).toMatchObject({ ok: false, via: 'url' });
  });

  it('uses the cookies when the query carries only the viewer\'s own parameters', () => {
    expect(check({ url: `${LESSON_URL}?expires=1&policy=2&key-pair-id=3`, cookies: validCustomCookies })).toMatchObject({ ok: true, via: 'cookie' });
  });

  it('accepts a valid signed URL even when the cookies are invalid', () => {
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url, cookies: { ...validCustomCookies, 'CloudFront-Signature': 'AAAA' } })).toMatchObject({ ok: true, via: 'url' });
  });

  it('refuses a signed URL that lost its Key-Pair-Id, with CloudFront\'s message, despite valid cookies', () => {
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url: url.replace(/&?Key-Pair-Id=[^&]*/, ''), cookies: validCustomCookies })).toMatchObject({
      ok: false,
      via: 'url',
      reason: 'Missing Key-Pair-Id query parameter or cookie value',
    });
  });

  it('refuses a canned URL whose path or own parameters were changed', () => {
    const url = getSignedUrl({ url: `${LESSON_URL}?v=2`, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url })).toMatchObject({ ok: true });
    expect(check({ url: url.replace('/l1/', '/l2/') })).toMatchObject({ ok: false });
    expect(check({ url: url.replace('v=2', 'v=3') })).toMatchObject({ ok: false });
    expect(check({ url: url.replace('https://', 'http://') })).toMatchObject({ ok: false });
    expect(check({ url: `${url}&extra=1` })).toMatchObject({ ok: false });
  });

  it('refuses a signing parameter given twice', () => {
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    expect(check({ url: `${url}&Expires=${nowSeconds + 10}` })).toMatchObject({ ok: false, via: 'url' });
  });

  it('refuses Expires and Policy together', () => {
    const url = getSignedUrl({ url: LESSON_URL, keyPairId: KEY_ID, privateKey: main.privateKey, dateLessThan: IN_AN_HOUR });
    const policy = toCloudFrontBase64(cannedPolicy(LESSON_URL, nowSeconds + 3600));
    expect(check({ url: `${url}&Policy=${policy}` })).toMatchObject({ ok: false });
  });
});

describe('verifySignedRequest on hostile input', () => {
  it('never throws and always refuses', () => {
    const hostile: Partial<SignedRequestInput>[] = [
      { url: undefined as unknown as string },
      { url: `${LESSON_URL}?Signature=%E0%A4%A&Key-Pair-Id=${KEY_ID}&Expires=1` },
      { url: `${LESSON_URL}?Key-Pair-Id=${KEY_ID}&Signature=${'A'.repeat(100_000)}&Expires=${nowSeconds + 10}` },
      { url: `${LESSON_URL}?Key-Pair-Id=${KEY_ID}&Signature=AAAA&Policy=${'A'.repeat(100_000)}` },
      { url: `${LESSON_URL}?Key-Pair-Id=${KEY_ID}&Signature=AAAA&Expires=-1` },
      { url: `${LESSON_URL}?Key-Pair-Id=${KEY_ID}&Signature=AAAA&Expires=99999999999999999999` },
      { url: `${LESSON_URL}?Key-Pair-Id=${KEY_ID}&Signature=AAAA&Expires=0x10` },
      { url: `${LESSON_URL}?Key-Pair-Id=${KEY_ID}&Signature=AAAA&Expires=1e10` },
      { cookies: { 'CloudFront-Key-Pair-Id': KEY_ID, 'CloudFront-Signature': '~~~~', 'CloudFront-Policy': 'e30_' } },
      { cookies: { 'CloudFront-Key-Pair-Id': KEY_ID, 'CloudFront-Signature': 'A', 'CloudFront-Policy': 'A' } },
      { cookies: null as unknown as Record<string, string> },
      { cookies: { 'CloudFront-Key-Pair-Id': 42 as unknown as string } },
      { cookies: validCustomCookies, now: new Date(Number.NaN) },
      { cookies: validCustomCookies, trustedKeys: [{ id: KEY_ID, publicKeyPem: 'not a pem' }] },
      { cookies: validCustomCookies, trustedKeys: undefined as unknown as TrustedKey[] },
    ];
    for (const input of hostile) {
      let result: ReturnType<typeof check> | undefined;
      expect(() => {
        result = check(input);
      }).not.toThrow();
      expect(result?.ok, JSON.stringify(input).slice(0, 200)).toBe(false);
    }
  });

  it('matches a pathological wildcard Resource without backtracking blow-up', () => {
    const pattern = `${'*a'.repeat(2000)}b`;
    const started = Date.now();
    expect(wildcardMatch(pattern, 'a'.repeat(8000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('helpers', () => {
  it('recognises signing parameters by their exact, case-sensitive names', () => {
    expect(hasSignedUrlParams(undefined)).toBe(false);
    expect(hasSignedUrlParams('v=1&expires=2')).toBe(false);
    expect(hasSignedUrlParams('v=1&Expires=2')).toBe(true);
    expect(hasSignedUrlParams('Key-Pair-Id')).toBe(true);
  });

  it('matches * and ? the way CloudFront Resource wildcards do', () => {
    expect(wildcardMatch('https://h/courses/123/*', 'https://h/courses/123/')).toBe(true);
    expect(wildcardMatch('https://h/courses/123/*', 'https://h/courses/1234/x')).toBe(false);
    expect(wildcardMatch('http*://h/*game_download.zip*', 'https://h/example_game_download.zip?license=yes')).toBe(true);
    expect(wildcardMatch('a?c', 'abc')).toBe(true);
    expect(wildcardMatch('a?c', 'ac')).toBe(false);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('ABC', 'abc')).toBe(false);
  });
});
