/** SPEC section 1b: retryAfter(), settled(), onAttempt and `timeout: Infinity` with a signal. */
import { consistently, eventually, retryAfter, settled, type AttemptInfo } from '../../src/index.ts';
import { TestClock } from '../../clock/index.ts';
import { errorOf, failureOf } from '../support/failure.ts';

describe('retryAfter(ms)', () => {
  test('the next attempt waits at least ms, and the timeline shows it (exact, in virtual time)', async () => {
    const clock = new TestClock();
    const seenAt: number[] = [];
    const value = await eventually(
      () => {
        seenAt.push(clock.monotonic());
        if (seenAt.length === 1) retryAfter(1_000, 'HTTP 429');
        return 'ok';
      },
      { clock, timeout: 5_000, interval: 10 },
    );
    expect(value).toBe('ok');
    expect(seenAt).toEqual([0, 1_000]);
  });

  test('never past the deadline: the last attempt still runs at the deadline', async () => {
    const clock = new TestClock();
    const seenAt: number[] = [];
    const message = await failureOf(
      eventually(() => (seenAt.push(clock.monotonic()), retryAfter(10_000, 'HTTP 503')), {
        clock,
        timeout: 300,
        interval: 10,
      }),
    );
    expect(seenAt).toEqual([0, 300]);
    expect(message).toMatch(/RetryAfterError: retry after 10000 ms: HTTP 503/);
  });

  test('is "not yet" even when `ignore` would refuse other errors', async () => {
    let n = 0;
    await expect(() => (++n < 3 ? retryAfter(1) : 'ready')).toEventuallyEqual('ready', {
      ignore: () => false,
      interval: 1,
    });
  });

  test('bad arguments are a usage error that fails at once', async () => {
    let calls = 0;
    const message = await failureOf(eventually(() => (calls++, retryAfter(-5)), { timeout: 2_000 }));
    expect(calls).toBe(1);
    expect(message).toMatch(/retryAfter\(\): `ms` must be a finite number of milliseconds >= 0, got -5/);
  });
});

describe('settled(reason)', () => {
  test('ends a consistently window at once, as a pass', async () => {
    const clock = new TestClock();
    let calls = 0;
    await expect(() => (++calls === 3 ? settled('the job is archived') : 'running')).toConsistentlyEqual('running', {
      clock,
      for: 60_000,
      interval: 10,
    });
    expect(calls).toBe(3);
    expect(clock.monotonic()).toBe(20);
  });

  test('ends a "never" window at once, as a pass', async () => {
    let calls = 0;
    await expect(() => (++calls === 2 ? settled('the outbox is closed') : 'sent once')).not.toEventuallyEqual(
      'sent twice',
      { timeout: 60_000, interval: 1 },
    );
    expect(calls).toBe(2);
  });

  test('from the check of consistently() too', async () => {
    await consistently(
      () => 'archived',
      (s) => (s === 'archived' ? settled('final') : true),
      { for: 60_000 },
    );
  });

  test('in an eventual assertion it is a usage error, reported at once', async () => {
    let calls = 0;
    const message = await failureOf(expect(() => (calls++, settled('done'))).toEventuallyEqual(1, { timeout: 2_000 }));
    expect(calls).toBe(1);
    expect(message).toMatch(/misused .*settled\(\): only ends a window assertion/);
  });
});

describe('onAttempt', () => {
  test('is told about every attempt: value, error, held', async () => {
    const seen: AttemptInfo[] = [];
    let n = 0;
    await eventually(
      () => {
        n++;
        if (n === 1) throw new Error('warming up');
        return n;
      },
      (v) => v >= 3,
      { interval: 1, onAttempt: (info) => seen.push(info) },
    );
    expect(
      seen.map((i) => [i.attempt, i.value, i.held, i.error instanceof Error ? i.error.message : undefined]),
    ).toEqual([
      [1, undefined, false, 'warming up'],
      [2, 2, false, undefined],
      [3, 3, true, undefined],
    ]);
  });

  test('its own error ends the wait and is reported, never taken as "not yet"', async () => {
    let calls = 0;
    const message = await failureOf(
      expect(() => (calls++, 1)).toEventuallyEqual(2, {
        timeout: 2_000,
        onAttempt: () => {
          throw new Error('progress bar broke');
        },
      }),
    );
    expect(calls).toBe(1);
    expect(message).toMatch(/the `onAttempt` callback threw \(progress bar broke\)/);
  });
});

describe('timeout: Infinity', () => {
  test('needs a signal', async () => {
    await expect(eventually(() => false, { timeout: Infinity })).rejects.toThrow(
      /`timeout: Infinity` needs a `signal`/,
    );
  });

  test('with a signal, the signal ends it (and that is a failure)', async () => {
    const controller = new AbortController();
    let calls = 0;
    const done = errorOf<Error>(
      eventually(() => (++calls === 5 && controller.abort(new Error('shutting down')), false), {
        timeout: Infinity,
        signal: controller.signal,
        interval: 1,
      }),
    );
    const error = await done;
    expect(calls).toBe(5);
    expect(error.message).toMatch(/Aborted by the signal at attempt 5 .*shutting down/);
  });
});
