/** Inline IAM policies grant named actions only, never wildcards. */
import { asList, policy, policyStatements, RESOURCE_TYPES as T } from './policy-kit.ts';

export const iamNoWildcardActions = policy(
  'iam-no-wildcard-actions',
  'Inline IAM policies grant named actions: no "*" or "service:*" allows.',
  'mandatory',
  [T.rolePolicy, T.policy],
  (props, _args, report) => {
    const statements = policyStatements(props['policy']);
    if (!statements) return;
    for (const s of statements) {
      if (s['Effect'] !== 'Allow') continue;
      for (const action of asList(s['Action'])) {
        if (typeof action === 'string' && (action === '*' || action.endsWith(':*'))) report(`allows ${action}${s['Sid'] ? ` (${s['Sid']})` : ''}`);
      }
    }
  },
);
