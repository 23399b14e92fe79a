/** SPEC section 0, "No vacuous pass", in process: always/never windows must watch, and see a value. */
import { configure, consistently, eventually, stop } from '../../src/index.ts';
import { errorOf, failureOf } from '../support/failure.ts';

describe('a window that never observed a value fails', () => {
  test('toConsistently on a probe that never settles', async () => {
    const message = await failureOf(expect(() => new Promise(() => {})).toConsistently(() => false, { for: 100 }));
    expect(message).toMatch(/The window ended after \d+ ms \(for: 100 ms\) and the probe never returned a value/);
    expect(message).toMatch(/still running at the deadline/);
  });

  test('.not.toEventuallyEqual on a probe that always throws', async () => {
    const message = await failureOf(
      expect(() => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      }).not.toEventuallyEqual('dup', { timeout: 100, interval: 10 }),
    );
    expect(message).toMatch(
      /the probe never returned a value: every one of \d+ attempts threw or did not settle, so nothing was checked against/,
    );
    expect(message).toMatch(/ECONNREFUSED/);
  });

  test('consistently() with attempts that only threw', async () => {
    const error = await errorOf<Error & { reason: { kind: string } }>(
      consistently(
        () => {
          throw new Error('down');
        },
        () => true,
        { for: 60, interval: 10 },
      ),
    );
    // For "always", a probe that throws is a miss: it fails at once, not at the end of the window.
    expect(error.reason.kind).toBe('stopped-holding');
  });

  test('one value among errors is enough for "never"', async () => {
    let n = 0;
    await expect(() => {
      if (++n % 2) throw new Error('flaky read');
      return 'ok';
    }).not.toEventuallyEqual('dup', { timeout: 80, interval: 5 });
  });
});

describe('maxAttempts cannot shorten a window into a pass', () => {
  test('given to toConsistentlyEqual it is a TypeError naming it', async () => {
    const message = await failureOf(expect(() => 'good').toConsistentlyEqual('good', { for: 3000, maxAttempts: 2 }));
    expect(message).toMatch(/\.toConsistentlyEqual\(\): `maxAttempts` cannot bound a consistently assertion/);
  });

  test('given to .not.toEventuallyEqual it is a TypeError naming it', async () => {
    const message = await failureOf(expect(() => 'x').not.toEventuallyEqual('dup', { timeout: 3000, maxAttempts: 2 }));
    expect(message).toMatch(
      /\.not\.toEventuallyEqual\(\): `maxAttempts` cannot bound a \.not\.toEventually… \("never"\) assertion/,
    );
  });

  test('a configured maxAttempts does not apply to windows, only to eventual assertions', async () => {
    const restore = configure({ maxAttempts: 2 });
    try {
      let calls = 0;
      const turnsBad = (): string => (++calls > 3 ? 'bad' : 'good');
      const message = await failureOf(expect(turnsBad).toConsistentlyEqual('good', { for: 2000, interval: 5 }));
      expect(message).toMatch(/stopped holding at attempt 4/);
      const eventual = await failureOf(eventually(() => false, { timeout: 2000, interval: 5 }));
      expect(eventual).toMatch(/Gave up after 2 attempts \(maxAttempts: 2\)/);
    } finally {
      restore();
    }
  });
});

describe("misusing unflake's own API inside a probe fails at once", () => {
  test('stop(42)', async () => {
    let calls = 0;
    const message = await failureOf(eventually(() => (calls++, stop(42 as never)), { timeout: 2000, interval: 5 }));
    expect(calls).toBe(1);
    expect(message).toMatch(
      /unflake's API was misused inside the probe or check \(stop\(\): `reason` must be a non-empty string/,
    );
  });

  test('failWhen returning a number', async () => {
    let calls = 0;
    const message = await failureOf(
      expect(() => (calls++, 1)).toEventuallyEqual(2, { timeout: 2000, interval: 5, failWhen: () => 7 as never }),
    );
    expect(calls).toBe(1);
    expect(message).toMatch(/failWhen: must return a string \(the reason to fail now\) or false, but returned 7/);
  });

  test('a wakeOn function that returns no unsubscribe', async () => {
    const message = await failureOf(eventually(() => 1, { timeout: 2_000, wakeOn: (() => undefined) as never }));
    expect(message).toMatch(
      /wakeOn: a subscribe function must return its unsubscribe function \(\(\) => void\), but returned undefined/,
    );
  });
});
