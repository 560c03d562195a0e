/**
 * `pulumi preview --policy-pack infra/policy` (from infra/): enforces lectern's policies on every
 * resource of the stack before anything changes. The policies live in policies.ts, where the
 * unit tests and `lectern audit` call them directly.
 */
import { PolicyPack } from '@pulumi/policy';
import { allPolicies } from './policies.ts';

new PolicyPack('lectern', {
  description: 'lectern: signed /courses/*, private buckets through OAC, HTTPS and TLS 1.2+, Lambda@Edge in us-east-1, no * CORS with credentials, cookie-free cache keys.',
  policies: allPolicies,
});
