import { EventEmitter } from 'node:events';
import { eventually, stop, type ProbeContext } from '../../src/index.ts';
import { pendingRealTimers } from '../../src/time/realTime.ts';
import { TestClock } from '../../clock/index.ts';
import { errorOf, failureOf, flipsAfter } from '../support/failure.ts';

describe('timeout and the final attempt', () => {
  test('runs a last attempt at the deadline, not one interval before it (exact, in virtual time)', async () => {
    const clock = new TestClock();
    const seenAt: number[] = [];
    await failureOf(
      eventually(
        () => {
          seenAt.push(clock.monotonic());
          return false;
        },
        { clock, timeout: 120, interval: 50 },
      ),
    );
    expect(seenAt).toEqual([0, 50, 100, 120]);
  });

  test('in real time too, the last attempt runs at the deadline (timers may fire late under load)', async () => {
    const seenAt: number[] = [];
    const started = performance.now();
    await failureOf(
      eventually(
        () => {
          seenAt.push(performance.now() - started);
          return false;
        },
        { timeout: 120, interval: 50 },
      ),
    );
    // Not skipped and not one interval early: the last attempt starts at ~120 ms, whatever the lateness before.
    expect(seenAt.length).toBeGreaterThanOrEqual(2);
    expect(seenAt[seenAt.length - 1]).toBeGreaterThanOrEqual(110);
  });

  test('a poll with timeout 0 makes exactly one attempt', async () => {
    let calls = 0;
    await failureOf(eventually(() => (calls++, false), { timeout: 0 }));
    expect(calls).toBe(1);
  });
});

describe('attemptTimeout', () => {
  test('abandons an attempt that never settles, aborts its signal, and counts it as "not yet"', async () => {
    const signals: AbortSignal[] = [];
    let calls = 0;
    const value = await eventually(
      ({ signal }: ProbeContext) => {
        signals.push(signal);
        return ++calls < 3 ? new Promise<string>(() => {}) : 'ok';
      },
      { attemptTimeout: 20, interval: 1 },
    );
    expect(value).toBe('ok');
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(Error);
    expect(String(signals[0]!.reason.message)).toMatch(/did not settle within 20 ms/);
    expect(signals[2]!.aborted).toBe(false);
  });

  test('a probe that never settles cannot hang: the deadline abandons it and says so', async () => {
    const error = await errorOf<{ message: string; timeline: { summary: string }[] }>(
      eventually(() => new Promise(() => {}), { timeout: 50 }),
    );
    expect(error.message).toMatch(/Timed out after \d+ ms \(timeout: 50 ms\)/);
    expect(error.message).toMatch(/attempt 1 was still running at the deadline/);
  });
});

describe('maxAttempts', () => {
  test('stops after that many attempts even with time left', async () => {
    let calls = 0;
    const message = await failureOf(
      eventually(() => (calls++, false), { maxAttempts: 3, timeout: 10_000, interval: 1 }),
    );
    expect(calls).toBe(3);
    expect(message).toMatch(/Gave up after 3 attempts \(maxAttempts: 3\)/);
  });
});

describe('signal', () => {
  test('ends the wait when aborted, saying so, and removes its listener', async () => {
    const controller = new AbortController();
    const pending = failureOf(eventually(() => false, { signal: controller.signal, timeout: 10_000, interval: 5 }));
    controller.abort(new Error('shutting down'));
    expect(await pending).toMatch(/Aborted by the signal at attempt \d+ after \d+ ms: shutting down/);
  });

  test('an already-aborted signal fails before the second attempt', async () => {
    let calls = 0;
    await failureOf(eventually(() => (calls++, false), { signal: AbortSignal.abort(), interval: 1 }));
    expect(calls).toBeLessThanOrEqual(1);
  });
});

describe('stableFor and passes', () => {
  test('passes only once the condition held continuously for stableFor', async () => {
    let calls = 0;
    const started = performance.now();
    await eventually(
      () => ++calls,
      (n) => n >= 2,
      { stableFor: 40, interval: 5 },
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  test('a relapse restarts the stableFor clock', async () => {
    const clock = new TestClock();
    const at: number[] = [];
    const pattern = [true, true, false];
    await eventually(
      () => (at.push(clock.monotonic()), pattern[at.length - 1] ?? true),
      (v) => v,
      { clock, stableFor: 20, interval: 5 },
    );
    // attempts 1-2 held (0, 5), 3 relapsed (10), so success needs 20 ms counted from attempt 4 (15)
    expect(at).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
  });

  test('when the window ends mid-streak, the failure says how long it held', async () => {
    const clock = new TestClock();
    const message = await failureOf(
      eventually(
        () => clock.monotonic() > 50,
        (v) => v,
        { clock, stableFor: 100, timeout: 120, interval: 5 },
      ),
    );
    expect(message).toMatch(
      /It held for only \d+ ms \(\d+ attempts? in a row\) when the window ended after \d+ ms; it had to hold for 100 ms \(stableFor\)/,
    );
  });

  test('passes needs that many consecutive holding attempts', async () => {
    let calls = 0;
    await eventually(
      () => ++calls,
      (n) => n >= 2,
      { passes: 3, interval: 1 },
    );
    expect(calls).toBe(4);
  });
});

describe('notBefore', () => {
  test('fails when the condition already holds before notBefore', async () => {
    const message = await failureOf(eventually(() => 'ready', { notBefore: 1_000, timeout: 2_000 }));
    expect(message).toMatch(/It held too early: at \d+\.\d ms, before `notBefore` \(1000 ms\)/);
  });

  test('passes when the condition first holds after notBefore', async () => {
    // Virtual time: notBefore counts from the poll's own start, which real time cannot pin down.
    const clock = new TestClock();
    await eventually(() => clock.monotonic() >= 30, { clock, notBefore: 20, interval: 5 });
    // Attempts at 0, 5, 10, 15, then 19 (just before the boundary), 24, 29, 34.
    expect(clock.monotonic()).toBe(34);
  });
});

describe('failWhen and stop()', () => {
  test('failWhen fails at once on a terminal state, with its reason', async () => {
    let calls = 0;
    const message = await failureOf(
      eventually(
        () => (calls++, { status: calls > 1 ? 'failed' : 'pending' }),
        (o) => o.status === 'paid',
        { failWhen: (o) => o.status === 'failed' && 'payment failed', timeout: 10_000, interval: 1 },
      ),
    );
    expect(calls).toBe(2);
    expect(message).toMatch(/Failed fast at attempt 2 after \d+ ms: failWhen said "payment failed"/);
  });

  test('stop() thrown in the probe fails at once with its reason', async () => {
    let calls = 0;
    const message = await failureOf(
      eventually(
        () => {
          if (++calls === 2) stop('the order was cancelled');
          return false;
        },
        { timeout: 10_000, interval: 1 },
      ),
    );
    expect(calls).toBe(2);
    expect(message).toMatch(/Stopped by stop\(\) at attempt 2 after \d+ ms: the order was cancelled/);
  });

  test('stop() in the check fails at once too', async () => {
    const message = await failureOf(
      eventually(
        () => 1,
        () => stop('no point waiting'),
        { timeout: 10_000 },
      ),
    );
    expect(message).toMatch(/Stopped by stop\(\) at attempt 1/);
  });
});

describe('ignore', () => {
  test('retries errors it accepts and fails at once on others', async () => {
    class NotFound extends Error {}
    let calls = 0;
    const message = await failureOf(
      eventually(
        () => {
          if (++calls < 3) throw new NotFound('404');
          throw new TypeError('cannot read properties of undefined');
        },
        { ignore: (e) => e instanceof NotFound, timeout: 10_000, interval: 1 },
      ),
    );
    expect(calls).toBe(3);
    expect(message).toMatch(/Failed at attempt 3 after \d+ ms: the probe threw an error that `ignore` does not accept/);
    expect(message).toMatch(/TypeError: cannot read properties of undefined/);
  });
});

describe('wakeOn', () => {
  test('re-checks at once when the emitter fires, instead of waiting out the interval', async () => {
    const bus = new EventEmitter();
    let ready = false;
    const pending = eventually(() => ready, { wakeOn: [bus, 'change'], interval: 60_000, timeout: 10_000 });
    await new Promise((resolve) => setImmediate(resolve));
    const flippedAt = performance.now();
    ready = true;
    bus.emit('change');
    await pending;
    expect(performance.now() - flippedAt).toBeLessThan(1_000);
    expect(bus.listenerCount('change')).toBe(0);
  });

  test('accepts an EventTarget and a subscribe function, and unsubscribes both', async () => {
    const target = new EventTarget();
    let unsubscribed = 0;
    let recheck: (() => void) | undefined;
    let ready = false;
    const pending = eventually(() => ready, {
      interval: 60_000,
      wakeOn: [
        [target, 'changed'],
        (fn) => {
          recheck = fn;
          return () => unsubscribed++;
        },
      ],
    });
    await new Promise((resolve) => setImmediate(resolve));
    ready = true;
    recheck!();
    await pending;
    expect(unsubscribed).toBe(1);
  });
});

describe('context and message', () => {
  test('context is gathered once, at failure, and printed', async () => {
    let gathered = 0;
    const error = await errorOf<{ message: string; context: unknown }>(
      eventually(() => false, {
        timeout: 30,
        interval: 5,
        context: () => (gathered++, { queueLag: 1200 }),
        message: 'projection never caught up',
      }),
    );
    expect(gathered).toBe(1);
    expect(error.context).toEqual({ queueLag: 1200 });
    expect(error.message).toMatch(/^eventually\(probe, check\)\n\nprojection never caught up\n\nTimed out/);
    expect(error.message).toMatch(/Context:\n\s+\{ queueLag: 1200 \}/);
  });

  test('a context that hangs is bounded and reported', async () => {
    const message = await failureOf(eventually(() => false, { timeout: 20, context: () => new Promise(() => {}) }));
    expect(message).toMatch(/`context\(\)` did not settle within 500 ms/);
  });

  test('context is not called when the poll passes', async () => {
    let gathered = 0;
    await eventually(() => true, { context: () => gathered++ });
    expect(gathered).toBe(0);
  });
});

describe('leaks', () => {
  test('no timer is left behind after passing, failing, abandoning or aborting', async () => {
    await eventually(flipsAfter(2, false, true), { interval: 5 });
    await failureOf(eventually(() => false, { timeout: 30, interval: 5 }));
    await failureOf(eventually(() => new Promise(() => {}), { timeout: 30, attemptTimeout: 10 }));
    const controller = new AbortController();
    const aborted = failureOf(eventually(() => false, { signal: controller.signal, interval: 1_000 }));
    controller.abort();
    await aborted;
    await failureOf(eventually(() => false, { timeout: 20, context: () => new Promise(() => {}) }));
    // Exact: every timer of the library goes through src/time/realTime.ts, which counts them.
    // (The process's timer count is no measure: the runner's own timers come and go meanwhile.)
    expect(pendingRealTimers()).toBe(0);
  });
});
