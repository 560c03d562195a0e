/**
 * Who may reach what through the distribution's behaviors: protected media needs a trusted key
 * group, viewers speak HTTPS, and the viewer certificate's TLS floor.
 */
import { matchesPathPattern } from '../../edge/distribution-spec.ts';
import { behaviorForPath, behaviorsOf, hasKeyGroup, known, policy, RESOURCE_TYPES as T, type Props } from './policy-kit.ts';

/** Paths that hold paid-for media: only a signature from the trusted key group opens them. */
export const PROTECTED_PREFIXES = ['/courses/'] as const;

export const protectedPathsRequireTrustedKeyGroup = policy(
  'protected-paths-require-trusted-key-group',
  'Every behavior serving /courses/ requires a signed cookie or signed URL from a trusted key group; legacy trusted signers (root-account key pairs) are not used.',
  'mandatory',
  [T.distribution],
  (props, _args, report) => {
    const behaviors = behaviorsOf(props);
    if (behaviors.length === 0) return;
    for (const b of behaviors) {
      if (Array.isArray(b.trustedSigners) && b.trustedSigners.length > 0) report(`behavior ${b.pathPattern} trusts legacy key pairs (trustedSigners); use a trusted key group`);
      // A behavior serves protected paths if its pattern lives under a protected prefix or
      // would match a request there (e.g. `/c*`); the default behavior is judged by the probe below.
      const servesProtected = !b.isDefault && PROTECTED_PREFIXES.some((prefix) => b.pathPattern.startsWith(prefix) || matchesPathPattern(b.pathPattern, `${prefix}any-course/any-lesson/master.m3u8`));
      if (servesProtected && !hasKeyGroup(b)) report(`behavior ${b.pathPattern} serves protected media without a trusted key group`);
    }
    for (const prefix of PROTECTED_PREFIXES) {
      const probe = `${prefix}any-course/any-lesson/master.m3u8`;
      const chosen = behaviorForPath(props, probe);
      if (chosen && !hasKeyGroup(chosen)) report(`${probe} is served by behavior ${chosen.pathPattern}, which does not require a trusted key group`);
    }
  },
);

export const viewerProtocolHttps = policy(
  'viewer-protocol-https',
  'Viewers only ever talk HTTPS: every behavior redirects HTTP to HTTPS or refuses it, and behaviors that receive a bearer token (Lambda@Edge with the body) refuse plain HTTP outright.',
  'mandatory',
  [T.distribution],
  (props, _args, report) => {
    for (const b of behaviorsOf(props)) {
      if (!known(b.viewerProtocolPolicy)) continue;
      if (b.viewerProtocolPolicy !== 'https-only' && b.viewerProtocolPolicy !== 'redirect-to-https') {
        report(`behavior ${b.pathPattern} allows plain HTTP (viewerProtocolPolicy ${b.viewerProtocolPolicy})`);
      }
      const takesBody = (b.lambdaFunctionAssociations ?? []).some((a) => a.includeBody);
      if (takesBody && b.viewerProtocolPolicy !== 'https-only') report(`behavior ${b.pathPattern} receives request bodies (bearer tokens) and must be https-only`);
    }
  },
);

export const tls12Minimum = policy(
  'tls-1-2-minimum',
  'With a custom domain, viewers need TLS 1.2 or later (security policy TLSv1.2_* or TLSv1.3_*), served with SNI.',
  'mandatory',
  [T.distribution],
  (props, _args, report) => {
    const cert = props['viewerCertificate'] as Props | undefined;
    if (!cert || cert['cloudfrontDefaultCertificate'] === true) return;
    if (!known(cert['acmCertificateArn']) && !known(cert['iamCertificateId'])) return;
    const version = cert['minimumProtocolVersion'];
    if (!known(version)) report('custom certificate without a minimumProtocolVersion (CloudFront would default to an old policy)');
    else if (!/^TLSv1\.[23]_\d{4}$/.test(version)) report(`minimumProtocolVersion ${version} allows protocols older than TLS 1.2`);
    if (known(cert['sslSupportMethod']) && cert['sslSupportMethod'] !== 'sni-only') report(`sslSupportMethod ${cert['sslSupportMethod']}: use sni-only`);
  },
);

export const defaultCertificateAllowsTls10 = policy(
  'default-certificate-allows-tls-1-0',
  'The *.cloudfront.net certificate comes with CloudFront\'s fixed TLSv1 security policy; a custom domain and certificate are needed for TLS 1.2+.',
  'advisory',
  [T.distribution],
  (props, _args, report) => {
    const cert = props['viewerCertificate'] as Props | undefined;
    if (cert?.['cloudfrontDefaultCertificate'] === true) report('the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1; set lectern:domainName and lectern:certificateArn for TLS 1.2+');
  },
);
