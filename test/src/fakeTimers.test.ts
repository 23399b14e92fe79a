import { withGlobal } from '@sinonjs/fake-timers';
import { eventually } from '../../src/index.ts';
import { failureOf, flipsAfter } from '../support/failure.ts';
import { runner } from '../support/runner.ts';

/**
 * The engine runs on real time whatever fake timers the test installed: it must not hang, and it
 * must not advance, reset or replace the fake clock.
 */
const installs: [string, () => () => void][] = [
  [`${runner.name} modern fake timers`, () => (runner.useFakeTimers(), () => runner.useRealTimers())],
  [
    'raw @sinonjs/fake-timers install()',
    () => {
      // Like the runners, leave nextTick/queueMicrotask real: faking them would also trap the
      // runner's own worker messages queued during the test, and hang the run (not the poll).
      const clock = withGlobal(globalThis).install({
        now: 0,
        toFake: [
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'clearImmediate',
          'Date',
          'hrtime',
          'performance',
        ],
      });
      return () => clock.uninstall();
    },
  ],
];
if (runner.name === 'jest')
  installs.push([
    'jest legacy fake timers',
    () => (runner.useFakeTimers({ legacy: true }), () => runner.useRealTimers()),
  ]);

describe.each(installs)('under %s', (_, install) => {
  let uninstall: () => void = () => {};
  beforeEach(() => {
    uninstall = install();
  });
  afterEach(() => uninstall());

  test('passes on real time when the value flips', async () => {
    await expect(flipsAfter(3, 'pending', 'done')).toEventuallyEqual('done', { interval: 5 });
  });

  test('times out on real time instead of hanging, without firing the app’s fake timers', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 10);
    const fakeNowBefore = Date.now();
    const started = process.uptime();
    const message = await failureOf(eventually(() => fired, { timeout: 60, interval: 10 }));
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 60 ms\)/);
    expect(process.uptime() - started).toBeGreaterThanOrEqual(0.05);
    expect(fired).toBe(false);
    // A faked Date did not move (legacy Jest timers do not fake Date, so it may only move forward).
    if (runner.name !== 'jest' || !_.includes('legacy')) expect(Date.now()).toBe(fakeNowBefore);
  });

  test('a never-settling probe is still abandoned at the real deadline', async () => {
    const message = await failureOf(eventually(() => new Promise(() => {}), { timeout: 40 }));
    expect(message).toMatch(/still running at the deadline/);
  });
});
