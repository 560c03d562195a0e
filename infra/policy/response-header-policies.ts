/**
 * The response headers policies: credentialed CORS names exact origins, and every response
 * carries HSTS and nosniff.
 */
import { known, policy, RESOURCE_TYPES as T, type Props } from './policy-kit.ts';

/** One year: the least HSTS max-age we accept. */
export const MIN_HSTS_SECONDS = 31_536_000;
const EXACT_ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i;

export const corsNoWildcardWithCredentials = policy(
  'cors-no-wildcard-with-credentials',
  'CORS with credentials names exact origins (scheme://host[:port]) and never "*".',
  'mandatory',
  [T.responseHeadersPolicy],
  (props, _args, report) => {
    const cors = props['corsConfig'] as Props | undefined;
    if (!cors) return;
    const origins = (cors['accessControlAllowOrigins']?.['items'] ?? []) as string[];
    if (cors['accessControlAllowCredentials'] === true) {
      for (const origin of origins) {
        if (typeof origin !== 'string') continue;
        if (origin.includes('*')) report(`CORS allows credentials from "${origin}": wildcards let any site read a student's media`);
        else if (!EXACT_ORIGIN.test(origin)) report(`CORS origin "${origin}" is not an exact scheme://host[:port]`);
      }
    }
    const headers = (cors['accessControlAllowHeaders']?.['items'] ?? []) as string[];
    if (cors['accessControlAllowCredentials'] === true && headers.includes('*')) report('CORS allows every request header ("*") with credentials');
  },
);

export const securityHeadersRequired = policy(
  'security-headers-required',
  'Every response headers policy sends HSTS (at least one year) and X-Content-Type-Options: nosniff.',
  'mandatory',
  [T.responseHeadersPolicy],
  (props, _args, report) => {
    const security = props['securityHeadersConfig'] as Props | undefined;
    const hsts = security?.['strictTransportSecurity'] as Props | undefined;
    if (!hsts) report('no Strict-Transport-Security header');
    else if (known(hsts['accessControlMaxAgeSec']) && hsts['accessControlMaxAgeSec'] < MIN_HSTS_SECONDS) report(`HSTS max-age ${hsts['accessControlMaxAgeSec']} is under one year`);
    if (!security?.['contentTypeOptions']) report('no X-Content-Type-Options: nosniff');
  },
);
