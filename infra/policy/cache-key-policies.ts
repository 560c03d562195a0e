/**
 * What may enter a cache key: never cookies or signed-URL parameters, and nothing of the token
 * exchanges, which are never cached at all.
 */
import { MANAGED_CACHING_DISABLED } from '../cloudfront-mapping.ts';
import { SIGNED_URL_PARAMS as SIGNED_URL_PARAMETERS } from '../../edge/signed-url.ts';
import { behaviorsOf, known, policy, RESOURCE_TYPES as T, type Props } from './policy-kit.ts';

export const cacheKeyExcludesCookies = policy(
  'cache-key-excludes-cookies',
  'No cookie is ever part of a cache key (signed cookies would split the cache per student), nor forwarded by legacy settings.',
  'mandatory',
  [T.cachePolicy, T.distribution],
  (props, args, report) => {
    if (args.type === T.cachePolicy) {
      const behavior = props['parametersInCacheKeyAndForwardedToOrigin']?.['cookiesConfig']?.['cookieBehavior'];
      if (known(behavior) && behavior !== 'none') report(`cache policy puts cookies in the cache key (cookieBehavior ${behavior})`);
      return;
    }
    for (const b of behaviorsOf(props)) {
      const forward = b.forwardedValues?.cookies?.forward;
      if (known(forward) && forward !== 'none') report(`behavior ${b.pathPattern} forwards cookies (legacy forwardedValues)`);
    }
  },
);

export const cacheKeyExcludesSignedUrlParams = policy(
  'cache-key-excludes-signed-url-params',
  'Signed-URL parameters (Expires, Policy, Signature, Key-Pair-Id, Hash-Algorithm), Authorization and Cookie never enter a cache key.',
  'mandatory',
  [T.cachePolicy],
  (props, _args, report) => {
    const parameters = props['parametersInCacheKeyAndForwardedToOrigin'] as Props | undefined;
    if (!parameters) return;
    const qs = parameters['queryStringsConfig'] as Props | undefined;
    const qsBehavior = qs?.['queryStringBehavior'];
    const listed = (qs?.['queryStrings']?.['items'] ?? []) as string[];
    if (qsBehavior === 'all') report('every query string is in the cache key, signed-URL parameters included');
    if (qsBehavior === 'whitelist') {
      for (const name of listed) if ((SIGNED_URL_PARAMETERS as readonly string[]).includes(name)) report(`query string ${name} (signed URL) is in the cache key`);
    }
    if (qsBehavior === 'allExcept') {
      for (const name of SIGNED_URL_PARAMETERS) if (!listed.includes(name)) report(`query string ${name} (signed URL) is in the cache key (not excluded)`);
    }
    const headers = (parameters['headersConfig']?.['headers']?.['items'] ?? []) as string[];
    for (const header of headers) if (/^(authorization|cookie)$/i.test(header)) report(`header ${header} is in the cache key`);
  },
);

export const tokenExchangeNeverCached = policy(
  'token-exchange-never-cached',
  'Behaviors whose Lambda@Edge reads the request body (the token exchange on /auth/*, the progress API on /api/*) use the managed CachingDisabled policy.',
  'mandatory',
  [T.distribution],
  (props, _args, report) => {
    for (const b of behaviorsOf(props)) {
      const takesBody = (b.lambdaFunctionAssociations ?? []).some((a) => a.includeBody);
      if (takesBody && known(b.cachePolicyId) && b.cachePolicyId !== MANAGED_CACHING_DISABLED) report(`behavior ${b.pathPattern} exchanges tokens but is cacheable (cache policy ${b.cachePolicyId})`);
      if (takesBody && !known(b.cachePolicyId) && !b.forwardedValues) report(`behavior ${b.pathPattern} exchanges tokens without CachingDisabled`);
    }
  },
);
