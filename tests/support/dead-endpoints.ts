import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Two kinds of broken dependency on loopback, for fault tests. */
export interface DeadEndpoints {
  /** Accepts connections and never answers: the worst kind of dependency. */
  readonly hangingUrl: string;
  /** A port nothing listens on: connection refused at once. */
  readonly closedUrl: string;
  close(): void;
}

export async function deadEndpoints(): Promise<DeadEndpoints> {
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const hanging = createServer(() => {});
  const hangingUrl = await listen(hanging);
  const probe = createServer();
  const closedUrl = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  return { hangingUrl, closedUrl, close: () => hanging.close() };
}
