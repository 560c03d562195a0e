/**
 * `npx lectern audit`: a clean run of the sample stack exits 0 with a readable report; a
 * deliberately broken spec produces violations and a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defineDistribution, type Behavior, type DistributionSpec } from '../edge/distribution-spec.ts';
import { REPO_ROOT } from './artifacts.ts';
import { runAudit } from './audit/index.ts';
import type { AuditReport } from './audit/report-types.ts';

function lectern(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin', 'lectern.mjs'), ...args], { cwd: REPO_ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const temp = mkdtempSync(path.join(tmpdir(), 'lectern-audit-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('npx lectern audit', () => {
  it('audits the sample stack: every path, who reaches it, edge code, cache key, CORS, cookies, key group; exit 0', async () => {
    const { code, stdout, stderr } = await lectern(['audit']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('# lectern edge audit: stack `sample`');
    expect(stdout).toContain('**No mandatory policy violations.**');
    for (const pattern of ['/auth/*', '/courses/*', '/watch/*', '/player/*', '/errors/*', '/api/*']) expect(stdout).toContain(`| \`${pattern}\` |`);
    expect(stdout).toMatch(/\| `\/courses\/\*` \| \*\*signed cookie or signed URL\*\*/);
    expect(stdout).toMatch(/\| `\/auth\/\*` \| \*\*bearer token\*\*/);
    expect(stdout).toMatch(/\| `\/watch\/\*` \| \*\*public\*\*/);
    expect(stdout).toContain('Lambda@Edge lectern-sample-cookie-issuer v1 (nodejs22.x, us-east-1, viewer-request, request body)');
    expect(stdout).toMatch(/\| `\/api\/\*` \| \*\*bearer token\*\*: anyone may call; the progress API verifies a Cognito JWT, the enrollment and the published lesson itself/);
    expect(stdout).toContain('Lambda@Edge lectern-sample-progress-api v1 (nodejs22.x, us-east-1, viewer-request, request body)');
    expect(stdout).toContain('answered by the progress API: credentials for https://school.example');
    expect(stdout).toContain('path, no cookies, no query strings, no headers');
    expect(stdout).toContain('Path=/courses/<course>/; Secure; HttpOnly; SameSite=None');
    expect(stdout).toContain('valid 50 s and never past the token\'s exp');
    expect(stdout).toContain('stops media at the edge within **50 s**');
    expect(stdout).toContain('120 issuer calls per student-hour');
    expect(stdout).not.toContain('**Warning**: sessions of');
    expect(stdout).toMatch(/## Trusted key group `lectern-sample-signers`\n\n- `key-[0-9a-f]{12}` \*\*\(signs new sessions\)\*\*/);
    expect(stdout).toContain('credentialed CORS for `https://school.example` only');
    expect(stdout).toContain('## Policy violations\n\nNone:');
  }, 60_000);

  it('--json gives the same report as data', async () => {
    const { code, stdout } = await lectern(['audit', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.paths.map((p) => [p.pathPattern, p.reach])).toEqual([
      ['/auth/*', 'bearer token'],
      ['/courses/*', 'signed cookie or signed URL'],
      ['/watch/*', 'public'],
      ['/player/*', 'public'],
      ['/errors/*', 'public'],
      ['/api/*', 'bearer token'],
      ['*', 'public'],
    ]);
    expect(report.edgeCode.map((e) => [e.name, e.kind, e.artifact])).toEqual(expect.arrayContaining([
      ['lectern-sample-cookie-issuer', 'Lambda@Edge', expect.stringMatching(/cookie-issuer\/index\.mjs \+ generated config\.json$/)],
      ['lectern-sample-progress-api', 'Lambda@Edge', expect.stringMatching(/progress-api\/index\.mjs \+ generated config\.json$/)],
    ]));
    expect(report.cookies.policyLifetimeSeconds).toBe(50);
    expect(report.cookies.access).toMatchObject({ revocationBoundSeconds: 50, renewalsPerStudentHour: 120 });
    expect(report.keyGroup.members).toHaveLength(1);
    expect(report.violations).toEqual([]);
    expect(report.distribution.minimumTls).toBe('TLSv1.2_2021');
  }, 60_000);

  it('a broken spec (media left public) is a violation and exits 1', async () => {
    // .mts: a module outside the repository has no package.json saying "type": "module".
    const module = path.join(temp, 'public-media-spec.mts');
    writeFileSync(module, [
      `import { defineDistribution as original } from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'edge', 'distribution-spec.ts')).href)};`,
      'export function defineDistribution(input) {',
      '  const spec = original(input);',
      "  return { ...spec, behaviors: spec.behaviors.map((b) => b.pathPattern === '/courses/*' ? { ...b, protection: 'public' } : b) };",
      '}',
      '',
    ].join('\n'));
    const { code, stdout } = await lectern(['audit', '--spec', module]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\| `\/courses\/\*` \| \*\*public\*\*/);
    expect(stdout).toContain('**mandatory** `protected-paths-require-trusted-key-group`');
    expect(stdout).toContain('behavior /courses/* serves protected media without a trusted key group');
  }, 60_000);

  it('a spec that smuggles in * CORS with credentials never builds: the issuer\'s own config check refuses it', async () => {
    // The response headers policy would be caught by cors-no-wildcard-with-credentials (see
    // policy.test.ts); the program stops earlier, before declaring any resource.
    await expect(runAudit({
      defineSpec: (input): DistributionSpec => {
        const spec = defineDistribution(input);
        return { ...spec, cors: { ...spec.cors, allowedOrigins: ['*'] } };
      },
    })).rejects.toThrow(/corsAllowedOrigins: CORS origin must be exact/);
  }, 60_000);

  it('the default certificate is reported, but only as advisory', async () => {
    const file = path.join(temp, 'Pulumi.nodomain.yaml');
    const sample = (await import('node:fs')).readFileSync(path.join(REPO_ROOT, 'infra', 'Pulumi.sample.yaml'), 'utf8');
    writeFileSync(file, sample.replace(/^\s*lectern:(domainName|certificateArn):.*\n/gm, ''));
    const result = await runAudit({ stackFile: file });
    expect(result.failed).toBe(false);
    expect(result.report.violations).toEqual([expect.objectContaining({ policy: 'default-certificate-allows-tls-1-0', level: 'advisory' })]);
    expect(result.markdown).toContain('viewer TLS minimum TLSv1 (fixed by CloudFront for the default certificate)');
  }, 60_000);

  it('spec and program disagreeing is itself a violation', async () => {
    // A spec whose declared order the program cannot have produced is caught by the report.
    const result = await runAudit({
      defineSpec: (input): DistributionSpec => {
        const spec = defineDistribution(input);
        const behaviors = spec.behaviors.map((b): Behavior => (b.pathPattern === '/watch/*' ? { ...b, protection: 'bearer-token' } : b));
        return { ...spec, behaviors };
      },
    });
    expect(result.report.violations).toContainEqual(expect.objectContaining({ policy: 'spec-and-program-agree', message: '/watch/*: the spec says bearer-token, the program deploys public' }));
    expect(result.failed).toBe(true);
  }, 60_000);
});
