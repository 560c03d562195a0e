/**
 * The audit report as Markdown, for `lectern audit`: rendering only, apart from building the
 * report (report.ts), so the wording can change without touching what is read from the program.
 */
import type { AuditReport } from './report-types.ts';

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(report: AuditReport): string {
  const lines: string[] = [];
  const d = report.distribution;
  const mandatory = report.violations.filter((v) => v.level === 'mandatory');
  lines.push(`# lectern edge audit: stack ${code(report.stack)}`);
  lines.push('');
  lines.push(`Source: ${report.source}. ${mandatory.length === 0 ? '**No mandatory policy violations.**' : `**${mandatory.length} mandatory policy violation(s): see the end.**`}`);
  lines.push('');
  lines.push(`Distribution: ${d.aliases.length ? d.aliases.map(code).join(', ') : 'its *.cloudfront.net domain'}; ${d.certificate}; viewer TLS minimum ${d.minimumTls}; ${d.httpVersion}; ${d.priceClass}; ${code('/')} serves ${code(d.defaultRootObject)}.`);
  for (const e of d.customErrorResponses) {
    lines.push(`Errors: ${e.errorCode} from any path is answered with ${code(e.responsePagePath)} (status ${e.responseCode}, cached ${e.errorCachingMinTtl} s).`);
  }
  lines.push('');
  lines.push('## Who can reach what (first match wins, top to bottom)');
  lines.push('');
  lines.push('| # | path | who can reach it | edge code (viewer request) | origin | cache key | CORS |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const p of report.paths) {
    lines.push(`| ${p.order} | ${code(p.pathPattern)} | **${p.reach}**: ${cell(p.reachDetail)} | ${cell(p.edgeCode.join('; '))} | ${cell(p.origin)} | ${cell(p.cacheKey)} | ${cell(p.cors)} |`);
  }
  lines.push('');
  for (const p of report.paths) lines.push(`- ${code(p.pathPattern)} (${p.allowedMethods.join(', ')}; ${p.viewerProtocol}): ${p.why}`);
  lines.push('');
  const c = report.cookies;
  lines.push('## Session cookies (set by POST /auth/session)');
  lines.push('');
  lines.push(`- Cookies: ${c.names.map(code).join(', ')}; attributes ${code(c.attributes)}; expiry: ${c.expires}.`);
  lines.push(`- Example: ${code(c.example)}`);
  lines.push(`- Signed policy: Resource ${code(c.policyResource)}, valid ${c.policyLifetimeSeconds} s and never past the token's exp, ${c.hashAlgorithm}; ${c.signedUrlMode}.`);
  const a = c.access;
  lines.push(
    `- Access ends: a revoked enrollment or a sign-out stops media at the edge within **${a.revocationBoundSeconds} s** (the last policy's life; no Lambda@Edge call per media request). ` +
      `The player renews silently: ${a.renewalsPerStudentHour} issuer calls per student-hour, about $${a.renewalCostPerStudentHour.toFixed(5)} per student-hour.`,
  );
  if (a.revocationBoundSeconds > 60) lines.push(`- **Warning**: sessions of ${a.revocationBoundSeconds} s keep revoked students watching for over a minute; lower \`lectern:cookieTtlSeconds\`.`);
  const t = report.tokens;
  lines.push(`- Tokens accepted: ${t.tokenUse.join(' and ')} tokens from ${code(t.issuer)} for app clients ${t.clientIds.map(code).join(', ')}; JWKS ${t.jwks}; enrollment checked in ${code(t.enrollmentsTable)}.`);
  lines.push('');
  lines.push(`## Trusted key group ${code(report.keyGroup.name)}`);
  lines.push('');
  for (const m of report.keyGroup.members) lines.push(`- ${code(m.name)}${m.active ? ' **(signs new sessions)**' : ''}: ${m.fingerprint}; CloudFront id ${m.cloudFrontId}.`);
  lines.push(`- Private key of the active signer: ${report.keyGroup.signingKeySecret}.`);
  lines.push('');
  lines.push('## CORS and headers');
  lines.push('');
  const cors = report.cors;
  lines.push(cors.allowedOrigins.length
    ? `- Media: ${cors.credentials ? 'credentialed' : 'uncredentialed'} CORS for ${cors.allowedOrigins.map(code).join(', ')} only (methods ${cors.methods.join(', ')}; request headers ${cors.headers.join(', ')}; exposed ${cors.exposeHeaders.join(', ')}; preflight cached ${cors.maxAgeSeconds} s). Never ${code('*')}.`
    : '- Media: no cross-origin access (no CORS headers).');
  lines.push(`- Security headers on every response: ${Object.entries(report.securityHeaders).map(([k, v]) => code(`${k}: ${v}`)).join(', ')}.`);
  lines.push('');
  lines.push('## Edge code and storage');
  lines.push('');
  for (const e of report.edgeCode) lines.push(`- ${e.kind} ${code(e.name)}: ${e.runtime}, ${e.region}, ${e.published ? 'published' : '**not published**'}; ${e.artifact} (${e.bytes} bytes, sha256 ${e.sha256.slice(0, 16)}…).`);
  for (const b of report.buckets) lines.push(`- Bucket ${code(b.name)}: ${b.publicAccessBlocked ? 'all public access blocked' : '**public access not blocked**'}; readers: ${b.readers}.`);
  lines.push('');
  lines.push('## Policy violations');
  lines.push('');
  if (report.violations.length === 0) lines.push(`None: ${report.policiesChecked} policies checked on ${report.resourcesChecked} resources.`);
  else {
    lines.push(`${report.policiesChecked} policies checked on ${report.resourcesChecked} resources.`);
    lines.push('');
    for (const v of report.violations) lines.push(`- **${v.level}** ${code(v.policy)} on ${code(v.resource)}: ${v.message}`);
  }
  if (report.notes.length) {
    lines.push('');
    lines.push('## Notes');
    lines.push('');
    for (const n of report.notes) lines.push(`- ${n}`);
  }
  return lines.join('\n') + '\n';
}
