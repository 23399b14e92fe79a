/**
 * Real loopback servers and clients for the fault proxy's tests: an echo server, and a recorder that
 * keeps what each connection sent. Everything is closed by `close()`; waits are on socket events.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface TestServer {
  port: number;
  /** Server-side sockets, in the order they connected. */
  sockets: Socket[];
  /** What each connection sent, as text. */
  received: string[];
  /** Resolves with the next server-side socket. */
  nextConnection(): Promise<Socket>;
  close(): Promise<void>;
}

async function startServer(onSocket: (socket: Socket, index: number, server: TestServer) => void): Promise<TestServer> {
  const waiting: ((socket: Socket) => void)[] = [];
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    const index = result.sockets.push(socket) - 1;
    result.received[index] = '';
    socket.on('error', () => {}); // resets are what several tests cause on purpose
    socket.on('data', (chunk: Buffer) => (result.received[index] += chunk.toString()));
    onSocket(socket, index, result);
    waiting.shift()?.(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const result: TestServer = {
    port: (server.address() as { port: number }).port,
    sockets: [],
    received: [],
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      for (const socket of result.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return result;
}

/** Resolves when `socket` closes, whether or not with an error (events.once would reject on one). */
export const closeOf = (socket: Socket): Promise<void> =>
  new Promise((resolve) => socket.once('close', () => resolve()));

export const startEcho = (): Promise<TestServer> =>
  startServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(chunk)));
export const startRecorder = (): Promise<TestServer> => startServer(() => {});

export interface Client {
  socket: Socket;
  /** Everything received so far, as text. */
  text(): string;
  /** Resolves once `text()` has at least `length` characters. */
  receive(length: number): Promise<string>;
  /** The error the socket ended with, or undefined if it closed cleanly; resolves on 'close'. */
  closed: Promise<NodeJS.ErrnoException | undefined>;
}

export async function connectClient(port: number): Promise<Client> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  let data = '';
  let error: NodeJS.ErrnoException | undefined;
  const readers: { length: number; resolve: (text: string) => void }[] = [];
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString();
    for (const reader of [...readers]) {
      if (data.length < reader.length) continue;
      readers.splice(readers.indexOf(reader), 1);
      reader.resolve(data);
    }
  });
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e));
  const closed = new Promise<NodeJS.ErrnoException | undefined>((resolve) =>
    socket.once('close', () => resolve(error)),
  );
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), closed]);
  return {
    socket,
    text: () => data,
    receive: (length) =>
      data.length >= length ? Promise.resolve(data) : new Promise((resolve) => readers.push({ length, resolve })),
    closed,
  };
}

/** Writes each part as its own chunk (a turn of the event loop between writes), so the proxy sees many. */
export async function writeParts(socket: Socket, parts: string[]): Promise<void> {
  for (const part of parts) {
    await new Promise<void>((resolve, reject) => socket.write(part, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
