/** A real local HTTP health server whose answers are scripted per request; closed by the caller. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = 'reset' | { status: number; body?: unknown; headers?: Record<string, string> };

export interface HealthServer {
  server: Server;
  port: number;
  url: (path?: string) => string;
  requests: IncomingMessage[];
  /** When each request arrived (performance.now()), in the order of `requests`. */
  times: number[];
  close(): Promise<void>;
}

/** Answers request n with `script[n]` (the last entry repeats). */
export async function startHealthServer(
  script: readonly Answer[] | ((n: number, req: IncomingMessage) => Answer),
  host = '127.0.0.1',
): Promise<HealthServer> {
  const requests: IncomingMessage[] = [];
  const times: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req);
    times.push(performance.now());
    const n = requests.length - 1;
    const answer = typeof script === 'function' ? script(n, req) : script[Math.min(n, script.length - 1)]!;
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    const text =
      answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      connection: 'close',
      ...answer.headers,
    });
    res.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    requests,
    times,
    url: (path = '/health') => `http://${shownHost}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = await startHealthServer([{ status: 200 }]);
  await s.close();
  return s.port;
}

export async function ipv6Available(): Promise<boolean> {
  try {
    const s = await startHealthServer([{ status: 200 }], '::1');
    await s.close();
    return true;
  } catch {
    return false;
  }
}
