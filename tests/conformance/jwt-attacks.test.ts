import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdpKeys } from '../../local/idp-keys.ts';
import { subFor } from '../../local/demo-data.ts';
import { accessClaims, attackerEcKey, attackerRsaKey, encodeUnsigned, forge, privateKeyFromJwk } from '../support/forge.ts';
import { startTestSystem, type TestSystem } from '../support/local-system.ts';

/**
 * Every JWT attack aws-jwt-verify and jose test for, sent over real HTTP to the local
 * distribution, which runs the built Lambda@Edge bundle. Each must end in 401 and no cookie.
 */
let system: TestSystem & { cleanup(): Promise<void> };
let idpKey: KeyObject;
let kid: string;
let publicPem: string;
let claims: () => Record<string, unknown>;
let attackerServer: Server;
let attackerHits = 0;
const attacker = attackerRsaKey();

beforeAll(async () => {
  system = await startTestSystem();
  const keys = await loadIdpKeys(system.dataDir);
  idpKey = privateKeyFromJwk(keys.privateJwk);
  kid = keys.kid;
  publicPem = createPublicKey(idpKey).export({ type: 'spki', format: 'pem' }) as string;
  claims = () => accessClaims(system.idp.issuer, system.idp.clientId, subFor('student@example.com'));
  attackerServer = createServer((_req, res) => {
    attackerHits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [{ ...attacker.publicJwk, kid: 'attacker', alg: 'RS256', use: 'sig' }] }));
  });
  await new Promise<void>((r) => attackerServer.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  attackerServer?.close();
  await system?.cleanup();
});

const rs256 = () => ({ kind: 'rsa' as const, key: idpKey, hash: 'sha256' as const });

async function expectRefused(token: string, code: string): Promise<void> {
  const { response, body } = await system.session(token, 'demo');
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(body.error.code).toBe(code);
}

describe('a session request with a forged or broken Cognito token', () => {
  it('is granted for a genuine access token and a genuine ID token (the control case)', async () => {
    expect((await system.session(forge({ alg: 'RS256', kid }, claims(), rs256()), 'demo')).response.status).toBe(200);
    expect((await system.session(await system.token('student@example.com', { use: 'id' }), 'demo')).response.status).toBe(200);
  });

  it('refuses alg "none", with or without a signature', async () => {
    await expectRefused(forge({ alg: 'none', kid }, claims(), { kind: 'none' }), 'ERR_TOKEN_ALG');
    await expectRefused(forge({ alg: 'None', kid }, claims(), { kind: 'none' }), 'ERR_TOKEN_ALG');
  });

  it('refuses RS/HS confusion: HS256 keyed with the public key', async () => {
    await expectRefused(forge({ alg: 'HS256', kid }, claims(), { kind: 'hmac', secret: publicPem, hash: 'sha256' }), 'ERR_TOKEN_ALG');
  });

  it('refuses the right key used with the wrong algorithm (RS384, RS512, PS256)', async () => {
    await expectRefused(forge({ alg: 'RS384', kid }, claims(), { kind: 'rsa', key: idpKey, hash: 'sha384' }), 'ERR_TOKEN_ALG');
    await expectRefused(forge({ alg: 'RS512', kid }, claims(), { kind: 'rsa', key: idpKey, hash: 'sha512' }), 'ERR_TOKEN_ALG');
    await expectRefused(forge({ alg: 'PS256', kid }, claims(), { kind: 'rsa', key: idpKey, hash: 'sha256', pss: true }), 'ERR_TOKEN_ALG');
  });

  it('refuses an ES256 token from another key', async () => {
    await expectRefused(forge({ alg: 'ES256', kid }, claims(), { kind: 'ec', key: attackerEcKey() }), 'ERR_TOKEN_ALG');
  });

  it('refuses a missing kid and an unknown kid', async () => {
    await expectRefused(forge({ alg: 'RS256' }, claims(), rs256()), 'ERR_TOKEN_KID');
    await expectRefused(forge({ alg: 'RS256', kid: 'not-a-known-key' }, claims(), { kind: 'rsa', key: attacker.privateKey, hash: 'sha256' }), 'ERR_TOKEN_KID');
  });

  it('refuses hostile kids without looking them up', async () => {
    for (const hostile of ['../../../../etc/passwd', "' OR '1'='1", 'k'.repeat(4000), 'ключ', 'a b', '']) {
      await expectRefused(forge({ alg: 'RS256', kid: hostile }, claims(), rs256()), 'ERR_TOKEN_KID');
    }
  });

  it('ignores jku and x5u: a key served by the attacker is never fetched or trusted', async () => {
    const url = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}/jwks.json`;
    const signing = { kind: 'rsa' as const, key: attacker.privateKey, hash: 'sha256' as const };
    await expectRefused(forge({ alg: 'RS256', kid: 'attacker', jku: url }, claims(), signing), 'ERR_TOKEN_KID');
    await expectRefused(forge({ alg: 'RS256', kid: 'attacker', x5u: url }, claims(), signing), 'ERR_TOKEN_KID');
    expect(attackerHits).toBe(0);
  });

  it('ignores an embedded jwk header naming the attacker key', async () => {
    const token = forge({ alg: 'RS256', kid, jwk: attacker.publicJwk }, claims(), { kind: 'rsa', key: attacker.privateKey, hash: 'sha256' });
    await expectRefused(token, 'ERR_TOKEN_SIGNATURE');
  });

  it('refuses tampered, truncated and stripped signatures, and a tampered payload', async () => {
    const good = forge({ alg: 'RS256', kid }, claims(), rs256());
    const [h, p, s] = good.split('.') as [string, string, string];
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    await expectRefused(`${h}.${p}.${flipped}`, 'ERR_TOKEN_SIGNATURE');
    await expectRefused(`${h}.${p}.${s.slice(0, s.length - 12)}`, 'ERR_TOKEN_SIGNATURE');
    await expectRefused(`${h}.${p}.`, 'ERR_TOKEN_SIGNATURE');
    const other = Buffer.from(JSON.stringify({ ...claims(), sub: subFor('outsider@example.com') })).toString('base64url');
    await expectRefused(`${h}.${other}.${s}`, 'ERR_TOKEN_SIGNATURE');
  });

  it('refuses expired tokens, within the clock skew too: a session never outlives its token', async () => {
    await expectRefused(await system.token('student@example.com', { ttlSeconds: -120 }), 'ERR_TOKEN_EXPIRED');
    await expectRefused(await system.token('student@example.com', { ttlSeconds: -20 }), 'ERR_TOKEN_EXPIRED');
  });

  it('refuses two Authorization headers through the distribution, the genuine one first, with no cookie', async () => {
    const genuine = await system.token('student@example.com');
    const url = new URL(system.url);
    const body = JSON.stringify({ courseId: 'demo' });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /auth/session HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${genuine}\r\nAuthorization: Bearer junk\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
    expect(raw).toContain('ERR_TOKEN_MALFORMED');
    expect(raw.toLowerCase()).not.toContain('set-cookie');
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...noExp } = claims();
    await expectRefused(forge({ alg: 'RS256', kid }, noExp, rs256()), 'ERR_TOKEN_CLAIMS');
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), nbf: Math.floor(Date.now() / 1000) + 600 }, rs256()), 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('refuses a token issued further ahead than the clock skew, and accepts one within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), iat: now + 600, exp: now + 600 + 3600 }, rs256()), 'ERR_TOKEN_NOT_YET_VALID');
    expect((await system.session(forge({ alg: 'RS256', kid }, { ...claims(), iat: now + 20, exp: now + 3600 }, rs256()), 'demo')).response.status).toBe(200);
  });

  it('refuses lifetimes no Cognito app client grants: ten years, until 1e308, a fraction of a second, a day and a second', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const exp of [now + 10 * 365 * 86_400, 1e308, now + 3600.5, now + 86_401]) {
      await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), iat: now, exp }, rs256()), 'ERR_TOKEN_LIFETIME');
    }
  });

  it('refuses another issuer, another client, and another token_use', async () => {
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_evil' }, rs256()), 'ERR_TOKEN_ISSUER');
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), client_id: 'someoneelse' }, rs256()), 'ERR_TOKEN_CLIENT');
    const { client_id: _c, ...idBase } = claims();
    await expectRefused(forge({ alg: 'RS256', kid }, { ...idBase, token_use: 'id', aud: 'someoneelse' }, rs256()), 'ERR_TOKEN_CLIENT');
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), token_use: 'refresh' }, rs256()), 'ERR_TOKEN_USE');
    const { token_use: _t, ...noUse } = claims();
    await expectRefused(forge({ alg: 'RS256', kid }, noUse, rs256()), 'ERR_TOKEN_CLAIMS');
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), aud: system.idp.clientId }, rs256()), 'ERR_TOKEN_CLAIMS');
  });

  it('refuses an unknown critical header', async () => {
    await expectRefused(forge({ alg: 'RS256', kid, crit: ['exp-ext'], 'exp-ext': 1 }, claims(), rs256()), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses malformed tokens', async () => {
    for (const junk of ['abc', 'a.b', 'a.b.c.d', '!!!.???.***', `${encodeUnsigned({ alg: 'RS256', kid }, claims()).replace('.', '.%')}.x`, 'eyJub3QganNvbg.eyJ9.c2ln']) {
      await expectRefused(junk, 'ERR_TOKEN_MALFORMED');
    }
  });

  it('refuses oversized tokens unparsed', async () => {
    await expectRefused(forge({ alg: 'RS256', kid }, { ...claims(), pad: 'x'.repeat(9000) }, rs256()), 'ERR_TOKEN_TOO_LARGE');
  });

  it('asks for a token when none, or a non-bearer one, is sent', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer  ']) {
      const response = await fetch(`${system.url}/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ courseId: 'demo' }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });
});
