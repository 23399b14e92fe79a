import { faultProxy } from '../../src/faults/index.ts';
import { monotonicNow } from '../../src/time/realTime.ts';
import { runner } from '../support/runner.ts';
import { connectClient, startEcho, startRecorder, writeParts, type TestServer } from './sockets.ts';

let echo: TestServer;
beforeEach(async () => {
  echo = await startEcho();
});
afterEach(() => echo.close());

/** Real milliseconds for one `ping` to come back through the proxy. */
async function roundTrip(port: number, payload = 'ping'): Promise<number> {
  const client = await connectClient(port);
  try {
    const started = monotonicNow();
    client.socket.write(payload);
    await client.receive(payload.length);
    return monotonicNow() - started;
  } finally {
    client.socket.destroy();
    await client.closed;
  }
}

// Node's timers can fire up to a millisecond early against a sub-millisecond clock.
const EARLY = 1.5;
// A generous ceiling: the machine may be loaded, but a round trip of a few ms must not take seconds.
const SLACK = 400;

describe('faultProxy: latency', () => {
  test('without faults, bytes pass through unchanged both ways', async () => {
    const proxy = await faultProxy({ target: echo.port, name: 'echo' });
    try {
      const client = await connectClient(proxy.port);
      await writeParts(client.socket, ['hello ', 'through ', 'the proxy']);
      expect(await client.receive(23)).toBe('hello through the proxy');
      expect(proxy.stats()).toMatchObject({ connections: 1, open: 1, bytesUp: 23, bytesDown: 23, held: 0 });
      client.socket.end();
      await client.closed;
    } finally {
      await proxy.close();
    }
  });

  test('latency(40, { jitter: 10 }) delays each direction by 30 to 50 ms', async () => {
    const proxy = await faultProxy({ target: echo.port, name: 'echo' });
    try {
      proxy.latency(40, { jitter: 10 });
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push(await roundTrip(proxy.port));
      // Two crossings per round trip: at least 2 × 30 ms, and not unboundedly more than 2 × 50 ms.
      for (const ms of times) {
        expect(ms).toBeGreaterThanOrEqual(60 - EARLY);
        expect(ms).toBeLessThan(100 + SLACK);
      }
      proxy.heal();
      expect(await roundTrip(proxy.port)).toBeLessThan(60 - EARLY);
    } finally {
      await proxy.close();
    }
  });

  test("direction: 'upstream' delays only the way to the target", async () => {
    const proxy = await faultProxy({ target: echo.port, name: 'echo' });
    try {
      proxy.latency(50, { direction: 'upstream' });
      const ms = await roundTrip(proxy.port);
      expect(ms).toBeGreaterThanOrEqual(50 - EARLY);
      expect(ms).toBeLessThan(100 - EARLY + SLACK); // would be >= 100 if both ways were delayed…
      proxy.latency(50, { direction: 'downstream' });
      expect(await roundTrip(proxy.port)).toBeGreaterThanOrEqual(50 - EARLY);
    } finally {
      await proxy.close();
    }
  });

  test('a distribution function gives each chunk its own delay, and bytes keep their order under jitter', async () => {
    const recorder = await startRecorder();
    const delays = [30, 0, 20, 0, 10];
    let draw = 0;
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      // Called once by latency() to check it, then once per chunk.
      proxy.latency(() => delays[draw++ % delays.length]!, { jitter: 5 });
      const client = await connectClient(proxy.port);
      const connected = recorder.nextConnection();
      const parts = Array.from({ length: 40 }, (_, i) => `<${i}>`);
      await writeParts(client.socket, parts);
      await connected;
      const expected = parts.join('');
      await expect(() => recorder.received[0]).toEventuallyBe(expected, { timeout: 5_000 });
      expect(draw).toBeGreaterThan(parts.length / 2); // chunks were delayed one by one, not as one block
      client.socket.destroy();
      await client.closed;
    } finally {
      await proxy.close();
      await recorder.close();
    }
  });

  test('the delays are real time, whatever fake timers the test installed', async () => {
    const proxy = await faultProxy({ target: echo.port, name: 'echo' });
    runner.useFakeTimers();
    try {
      proxy.latency(20);
      const client = await connectClient(proxy.port);
      const started = monotonicNow();
      client.socket.write('tick');
      // No fake time is advanced: the proxy's own timers are real ones.
      expect(await client.receive(4)).toBe('tick');
      expect(monotonicNow() - started).toBeGreaterThanOrEqual(40 - EARLY);
      client.socket.destroy();
      await client.closed;
    } finally {
      runner.useRealTimers();
      await proxy.close();
    }
  });

  test('heal() delivers bytes still waiting out their latency at once, in order', async () => {
    const recorder = await startRecorder();
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      const client = await connectClient(proxy.port);
      const connected = recorder.nextConnection();
      proxy.latency(60_000);
      await writeParts(client.socket, ['one|', 'two|', 'three|']);
      await connected;
      await expect(() => proxy.stats().held).toEventuallyBe(14);
      const healed = monotonicNow();
      proxy.heal();
      await expect(() => recorder.received[0]).toEventuallyBe('one|two|three|', { timeout: 2_000 });
      expect(monotonicNow() - healed).toBeLessThan(2_000); // not the 60 s they were delayed by
      client.socket.destroy();
      await client.closed;
    } finally {
      await proxy.close();
      await recorder.close();
    }
  });

  test('latency() replaces the previous latency; chunks already delayed keep their place in line', async () => {
    const recorder = await startRecorder();
    const proxy = await faultProxy({ target: recorder.port, name: 'recorder' });
    try {
      const client = await connectClient(proxy.port);
      const connected = recorder.nextConnection();
      proxy.latency(200);
      await writeParts(client.socket, ['slow|']);
      proxy.latency(0);
      await writeParts(client.socket, ['fast|']);
      await connected;
      await expect(() => recorder.received[0]).toEventuallyBe('slow|fast|', { timeout: 5_000 });
      client.socket.destroy();
      await client.closed;
    } finally {
      await proxy.close();
      await recorder.close();
    }
  });
});
