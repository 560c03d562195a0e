import type { PlainResponse } from './lambda-edge-adapter.ts';

/**
 * CloudFront finds the distribution by the request's Host header. A Host that is neither the
 * distribution's domain name nor one of its alternate domain names (CNAMEs) reaches no
 * distribution, and CloudFront answers 403 ("The request could not be satisfied. Bad request.")
 * without any of the distribution's error pages or response headers policies
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-403-permission-denied.html#alternate-cname-incorrectly-configured).
 * Locally this is what turns away a DNS-rebinding page: its requests reach 127.0.0.1 but
 * carry its own name (`Host: evil.example:8787`). The local distribution's domain names are
 * its listener's loopback names (emulator/loopback-host.ts) unless told otherwise.
 */
const BODY = Buffer.from(
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>ERROR: The request could not be satisfied</title></head>' +
    '<body><h1>403 ERROR</h1><h2>The request could not be satisfied.</h2><p>Bad request. This host name belongs to no distribution here.</p></body></html>',
);

export function foreignHostResponse(): PlainResponse {
  return { status: 403, headers: [['Content-Type', 'text/html'], ['Cache-Control', 'no-store']], body: BODY };
}
