import { describe, expect, it } from 'vitest';
import { servedHost } from './host-check.ts';

const LOCAL = ['localhost:8787', '127.0.0.1:8787'];

describe('the Host rule both Lambda@Edge functions share', () => {
  it('serves the listed hosts, whatever their case, and answers with the lower-cased name', () => {
    expect(servedHost('localhost:8787', LOCAL)).toBe('localhost:8787');
    expect(servedHost('LocalHost:8787', LOCAL)).toBe('localhost:8787');
    expect(servedHost('video.example.com', ['Video.Example.com'])).toBe('video.example.com');
  });

  it('refuses a rebinding page\'s own name, another port and the bare host', () => {
    for (const host of ['evil.example:8787', 'localhost:8788', 'localhost', '127.0.0.1', '127.0.0.1.nip.io:8787', 'localhost.:8787']) {
      expect(servedHost(host, LOCAL), host).toBeUndefined();
    }
  });

  it('refuses a missing or malformed Host even when no list pins it', () => {
    for (const host of [undefined, '', 'user@localhost:8787', 'localhost:8787/x', 'local host', 'localhost:123456', '[::1]:8787']) {
      expect(servedHost(host, []), String(host)).toBeUndefined();
    }
  });

  it('with no list serves any well-formed Host: CloudFront in front routes only its own names here', () => {
    expect(servedHost('d111111abcdef8.cloudfront.net', [])).toBe('d111111abcdef8.cloudfront.net');
  });
});
