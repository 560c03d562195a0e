import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The Host values a loopback listener on `port` is reached by. A browser page on any site can
 * have its own name resolve to 127.0.0.1 (DNS rebinding) and so reach a local server as
 * same-origin; only the Host header, which carries the page's name, tells such a request apart.
 */
export function loopbackHosts(port: number): string[] {
  return [`localhost:${port}`, `127.0.0.1:${port}`];
}

/** Host names compare without regard to case (RFC 9110, 4.2.3); the port must match too. */
export function isOneOfHosts(host: string | undefined, hosts: readonly string[]): boolean {
  return host !== undefined && hosts.some((name) => name.toLowerCase() === host.toLowerCase());
}

/** `handler`, answering 403 instead to a request whose Host is not the listener's own loopback name. */
export function onlyLoopbackHost(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (isOneOfHosts(req.headers.host, loopbackHosts(req.socket.localPort ?? 0))) return handler(req, res);
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('This server answers only to its loopback names (localhost, 127.0.0.1) and its own port.\n');
  };
}
