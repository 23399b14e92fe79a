import { connect } from 'node:net';
import { once } from 'node:events';
import { faultProxy } from '../../src/faults/index.ts';
import { pendingRealTimers } from '../../src/time/realTime.ts';
import { closeOf, connectClient, startEcho, startRecorder, writeParts, type TestServer } from './sockets.ts';

let recorder: TestServer;
beforeEach(async () => {
  recorder = await startRecorder();
});
afterEach(() => recorder.close());

describe('faultProxy: partition and heal', () => {
  test('a partition holds bytes both ways; heal() delivers them, in order', async () => {
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      const client = await connectClient(proxy.port);
      const server = await recorder.nextConnection();
      await writeParts(client.socket, ['before|']);
      await expect(() => recorder.received[0]).toEventuallyBe('before|');

      proxy.partition();
      const parts = Array.from({ length: 50 }, (_, i) => `held-${i}|`);
      await writeParts(client.socket, parts);
      server.write('reply-while-partitioned');
      const heldBytes = parts.join('').length + 'reply-while-partitioned'.length;
      // The proxy has read every byte and delivered none of them.
      await expect(() => proxy.stats().held).toEventuallyBe(heldBytes);
      expect(recorder.received[0]).toBe('before|');
      expect(client.text()).toBe('');

      proxy.heal();
      expect(await client.receive(23)).toBe('reply-while-partitioned');
      await expect(() => recorder.received[0]).toEventuallyBe(`before|${parts.join('')}`);
      expect(proxy.stats().held).toBe(0);
      client.socket.destroy();
      await client.closed;
    } finally {
      await proxy.close();
    }
  });

  test('a connection opened during a partition reaches the target only on heal()', async () => {
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      proxy.partition();
      const client = await connectClient(proxy.port); // the proxy accepts it…
      await writeParts(client.socket, ['hello']);
      await expect(() => proxy.stats().held).toEventuallyBe(5);
      expect(recorder.sockets).toHaveLength(0); // …but does not pass it on
      const connected = recorder.nextConnection();
      proxy.heal();
      await connected;
      await expect(() => recorder.received[0]).toEventuallyBe('hello');
      client.socket.destroy();
      await client.closed;
    } finally {
      await proxy.close();
    }
  });

  test('a client that ends during a partition has its bytes, then its end, delivered after heal()', async () => {
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      const client = await connectClient(proxy.port);
      const server = await recorder.nextConnection();
      proxy.partition();
      client.socket.end('last words');
      await expect(() => proxy.stats().held).toEventuallyBe(10);
      const ended = once(server, 'end');
      proxy.heal();
      await ended;
      expect(recorder.received[0]).toBe('last words');
      await client.closed;
    } finally {
      await proxy.close();
    }
  });
});

describe('faultProxy: refuse and resetConnections', () => {
  test('resetConnections(): the client sees ECONNRESET, the target sees its connection go', async () => {
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      const client = await connectClient(proxy.port);
      const server = await recorder.nextConnection();
      const serverClosed = closeOf(server);
      proxy.resetConnections();
      expect((await client.closed)?.code).toBe('ECONNRESET');
      await serverClosed;
      await expect(() => proxy.stats().open).toEventuallyBe(0);
      // The proxy itself keeps working.
      const next = await connectClient(proxy.port);
      await writeParts(next.socket, ['again']);
      await expect(() => recorder.received[1]).toEventuallyBe('again');
      next.socket.destroy();
      await next.closed;
    } finally {
      await proxy.close();
    }
  });

  test('refuse(): new connections are closed at once, open ones carry on; heal() accepts again', async () => {
    const echo = await startEcho();
    const proxy = await faultProxy({ target: echo.port, name: 'echo' });
    try {
      const open = await connectClient(proxy.port);
      proxy.refuse();
      const refused = await connectClient(proxy.port);
      expect((await refused.closed)?.code).toBe('ECONNRESET');
      expect(proxy.stats()).toMatchObject({ connections: 2, refused: 1, open: 1 });
      open.socket.write('still here');
      expect(await open.receive(10)).toBe('still here');

      proxy.heal();
      const after = await connectClient(proxy.port);
      after.socket.write('back');
      expect(await after.receive(4)).toBe('back');
      for (const client of [open, after]) client.socket.destroy();
      await Promise.all([open.closed, after.closed]);
    } finally {
      await proxy.close();
      await echo.close();
    }
  });

  test('a target that is down: the client is reset, not left hanging', async () => {
    const down = await startRecorder();
    const port = down.port;
    await down.close();
    const proxy = await faultProxy({ target: `127.0.0.1:${port}`, name: 'nothing there' });
    try {
      const client = await connectClient(proxy.port);
      expect((await client.closed)?.code).toBe('ECONNRESET');
      await expect(() => proxy.stats().open).toEventuallyBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('faultProxy: close', () => {
  test('close() stops listening, closes both sides of every connection and clears its timers', async () => {
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    const client = await connectClient(proxy.port);
    const server = await recorder.nextConnection();
    proxy.latency(10_000); // bytes waiting on a long timer when the proxy closes
    await writeParts(client.socket, ['never delivered']);
    await expect(() => proxy.stats().held).toEventuallyBe(15);
    expect(pendingRealTimers()).toBeGreaterThan(0);

    const serverClosed = closeOf(server);
    await proxy.close();
    expect(await client.closed).toBeUndefined(); // closed by the proxy, cleanly
    await serverClosed;
    expect(pendingRealTimers()).toBe(0);
    expect(proxy.stats()).toMatchObject({ open: 0, held: 0 });
    expect(recorder.received[0]).toBe('');

    const late = connect({ host: '127.0.0.1', port: proxy.port });
    const [error] = (await once(late, 'error').catch((e: unknown) => [e])) as NodeJS.ErrnoException[];
    expect(error?.code).toBe('ECONNREFUSED');
    await proxy.close(); // idempotent
  });

  test('`await using` closes the proxy at the end of the block', async () => {
    let port: number;
    {
      await using proxy = await faultProxy({ target: recorder.port, name: 'scoped' });
      port = proxy.port;
      const client = await connectClient(port);
      client.socket.destroy();
      await client.closed;
    }
    const late = connect({ host: '127.0.0.1', port });
    const [error] = (await once(late, 'error').catch((e: unknown) => [e])) as NodeJS.ErrnoException[];
    expect(error?.code).toBe('ECONNREFUSED');
  });
});
