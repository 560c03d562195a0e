/**
 * A response headers policy as CloudFront applies it: the headers its security-headers and
 * custom-headers configs add, and its CORS config (ResponseHeadersPolicyConfig in the CloudFront
 * API reference:
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyConfig.html).
 */
export interface CorsPolicy {
  readonly allowedOrigins: readonly string[];
  readonly allowCredentials: boolean;
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number | undefined;
  readonly originOverride: boolean;
}

export interface ResponseHeadersPolicy {
  /** Header name (lower case) -> value, added to every response of the behavior. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cors: CorsPolicy | undefined;
}

export const NO_POLICY: ResponseHeadersPolicy = { headers: {}, cors: undefined };

export function responseHeadersFromPolicy(inputs: Record<string, any> | undefined): ResponseHeadersPolicy {
  if (!inputs) return NO_POLICY;
  const headers: Record<string, string> = {};
  const s = inputs['securityHeadersConfig'] ?? {};
  if (s.strictTransportSecurity) {
    const h = s.strictTransportSecurity;
    headers['strict-transport-security'] = [`max-age=${h.accessControlMaxAgeSec}`, h.includeSubdomains ? 'includeSubDomains' : '', h.preload ? 'preload' : ''].filter(Boolean).join('; ');
  }
  if (s.contentTypeOptions) headers['x-content-type-options'] = 'nosniff';
  if (s.frameOptions) headers['x-frame-options'] = s.frameOptions.frameOption;
  if (s.referrerPolicy) headers['referrer-policy'] = s.referrerPolicy.referrerPolicy;
  if (s.contentSecurityPolicy) headers['content-security-policy'] = s.contentSecurityPolicy.contentSecurityPolicy;
  if (s.xssProtection) {
    const x = s.xssProtection;
    headers['x-xss-protection'] = x.protection ? ['1', x.modeBlock ? 'mode=block' : '', x.reportUri ? `report=${x.reportUri}` : ''].filter(Boolean).join('; ') : '0';
  }
  for (const item of inputs['customHeadersConfig']?.items ?? []) headers[String(item.header).toLowerCase()] = String(item.value);
  const c = inputs['corsConfig'];
  const cors: CorsPolicy | undefined = c
    ? {
        allowedOrigins: c.accessControlAllowOrigins?.items ?? [],
        allowCredentials: c.accessControlAllowCredentials === true,
        allowedMethods: c.accessControlAllowMethods?.items ?? [],
        allowedHeaders: c.accessControlAllowHeaders?.items ?? [],
        exposeHeaders: c.accessControlExposeHeaders?.items ?? [],
        maxAgeSeconds: c.accessControlMaxAgeSec,
        originOverride: c.originOverride === true,
      }
    : undefined;
  return { headers, cors };
}
