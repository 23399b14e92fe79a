/**
 * SPEC 0b (issue 18 item 10): a virtual clock (TestClock, a follower of a shared clock) fires a 0 ms timer on
 * `advance(0)`, as @sinonjs/fake-timers, Jest and Vitest do, while negative, NaN, fractional and oversized
 * delays keep Node's rule (1 ms). The rest of the Clock contract, shared with systemClock, is contract.test.ts.
 */
import { onFollower, onTestClock, recorder, within, type Subject } from './clockSubjects.ts';

const VIRTUAL: [string, () => Subject | Promise<Subject>][] = [
  ['TestClock', onTestClock],
  ['follower (connectClock)', onFollower],
];

// SPEC 0b: a virtual clock fires a 0 ms timer on advance(0), as @sinonjs/fake-timers, Jest and Vitest do.
describe.each(VIRTUAL)('a 0 ms timer on a virtual clock: %s', (_, create) => {
  let s: Subject;
  beforeEach(async () => {
    s = await create();
  });
  afterEach(async () => {
    await s.done();
  });

  test('setTimeout(fn, 0), sleep(0) and timeoutSignal(0) fire on an advance of 0, and time does not move', async () => {
    const r = recorder();
    const start = s.clock.monotonic();
    s.clock.setTimeout(r.mark('setTimeout'), 0);
    s.clock.setTimeout(r.mark('null'), null as never);
    const slept = s.clock.sleep(0).then(r.mark('sleep'));
    s.clock.timeoutSignal(0).addEventListener('abort', r.mark('timeoutSignal'), { once: true });
    s.clock.setTimeout(r.mark('1 ms'), 1);
    await s.pass(0);
    await within(slept, 'sleep(0)');
    // sleep's mark runs in a promise continuation: its place among the others is not the point here.
    expect(r.seen.filter((label) => label !== 'sleep')).toEqual(['setTimeout', 'null', 'timeoutSignal']);
    expect(s.clock.monotonic()).toBe(start);
    expect(s.pending()).toBe(1);
  });

  test('nested zero-delay timers keep their order: one set while a timer fires is due 1 ms later, after those already due', async () => {
    const r = recorder();
    s.clock.setTimeout(() => {
      r.mark('a')();
      s.clock.setTimeout(r.mark('a, nested'), 0);
    }, 0);
    s.clock.setTimeout(r.mark('b'), 0);
    s.clock.setTimeout(r.mark('1 ms'), 1);
    await s.pass(0);
    expect(r.seen).toEqual(['a', 'b']);
    const end = r.last('2 ms');
    s.clock.setTimeout(end.fire, 2);
    await s.pass(2);
    await within(end.fired, 'the 2 ms timer');
    expect(r.seen).toEqual(['a', 'b', '1 ms', 'a, nested', '2 ms']);
  });

  test('negative, NaN, fractional and oversized delays keep the Node rule (1 ms), and setInterval(fn, 0) repeats every 1 ms', async () => {
    const r = recorder();
    for (const [label, delay] of [
      ['-5', -5],
      ['NaN', Number.NaN],
      ['0.5', 0.5],
      ['2^31', 2 ** 31],
    ] as const)
      s.clock.setTimeout(r.mark(label), delay);
    const interval = s.clock.setInterval(r.mark('interval'), 0);
    try {
      await s.pass(0);
      expect(r.seen).toEqual([]);
      await s.pass(1);
      expect(r.seen).toEqual(['-5', 'NaN', '0.5', '2^31', 'interval']);
      await s.pass(1);
      expect(r.seen.slice(5)).toEqual(['interval']);
    } finally {
      s.clock.clearInterval(interval);
    }
  });
});
