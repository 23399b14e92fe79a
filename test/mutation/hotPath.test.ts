/**
 * What the already-true path keeps instead of recomputing (issue 20), pinned so that keeping it changes
 * no verdict: work settled and awaited leaves its test's list at once (and only that work); a test's
 * window is made once per timing the runner tells; a global slot is read from the global once; the real
 * `process.hrtime` is unwrapped again whenever the global changes.
 */
import fc from 'fast-check';
import { beginTest, endTest, startWork, type TestState } from '../../src/runner/testState.ts';
import { trackAwait } from '../../src/runner/trackAwait.ts';
import { firstWindow, toWindow, windowKeeper, type TestTiming } from '../../src/runner/testWindow.ts';
import { globalSlot } from '../../src/runtime/globalSlot.ts';
import { monotonicNow } from '../../src/time/realTime.ts';

/** Lets every pending promise job and one macrotask run (no timers: they may be faked). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<number>; resolve: (v: number) => void; reject: (e: unknown) => void } {
  let resolve!: (v: number) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<number>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

type Plan = { awaited: 'before' | 'after' | 'never'; end: 'pass' | 'judged-fail' | 'reject' | 'running' };
const plan: fc.Arbitrary<Plan> = fc.record({
  awaited: fc.constantFrom<Plan['awaited']>('before', 'after', 'never'),
  end: fc.constantFrom<Plan['end']>('pass', 'judged-fail', 'reject', 'running'),
});

describe('work settled and awaited is released from its test', () => {
  test('the test keeps exactly the work not both settled and awaited, and endTest names exactly that (generated plans vs a model)', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 1, maxLength: 8 }), async (plans) => {
        runs++;
        const state: TestState = beginTest({ runner: 'vitest', name: 'plans' });
        const items = plans.map((p, i) => {
          const source = deferred();
          const work = startWork(state, () => `w${i}`);
          const tracked = trackAwait(work, source.promise, (v) =>
            v === 1 ? { passed: true } : { passed: false, failure: 'judged' },
          );
          // The runner's own wrapping, within the call: never an await.
          const wrapped = tracked.then((v) => v);
          return { p, work, source, wrapped };
        });
        await settle();
        const waits: Array<Promise<unknown>> = [];
        for (const { p, wrapped } of items) if (p.awaited === 'before') waits.push(wrapped.then(undefined, () => {}));
        for (const { p, source } of items) {
          if (p.end === 'pass') source.resolve(1);
          if (p.end === 'judged-fail') source.resolve(2);
          if (p.end === 'reject') source.reject(new Error('rejected'));
        }
        await settle();
        for (const { p, wrapped } of items) if (p.awaited === 'after') waits.push(wrapped.then(undefined, () => {}));
        await settle();
        const kept = items.filter(({ p }) => p.end === 'running' || p.awaited === 'never').map(({ work }) => work);
        expect([...state.work]).toEqual(kept);
        const error = endTest(state);
        const named = kept.map((work) => work.label());
        expect(named.filter((label) => error?.message.includes(`  ${label}: `))).toEqual(named);
        if (named.length === 0) expect(error).toBeUndefined();
        await settle();
      }),
      { numRuns: 200 },
    );
    expect(runs).toBe(200);
  });

  test('an assertion awaited while it runs stays until it settles, then leaves', async () => {
    const state = beginTest({ runner: 'jest', name: 'running' });
    const source = deferred();
    const work = startWork(state, () => 'w');
    const awaiting = trackAwait(work, source.promise, () => ({ passed: true }));
    const done = (async () => await awaiting)();
    await settle();
    expect(work.awaited).toBe(true);
    expect(state.work.has(work)).toBe(true);
    source.resolve(1);
    await done;
    expect(state.work.size).toBe(0);
    expect(endTest(state)).toBeUndefined();
  });
});

describe('a test’s window, kept per timing', () => {
  test('the same timing gives the same window; a new start or timeout a new one, as toWindow makes it (generated timings)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            startedAt: fc.integer({ min: 0, max: 3 }),
            timeout: fc.constantFrom(1_000, 5_000),
            none: fc.boolean(),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (steps) => {
          let now: TestTiming | undefined;
          const keeper = windowKeeper(() => now);
          let previous: { timing: TestTiming; window: unknown } | undefined;
          for (const step of steps) {
            now = step.none
              ? undefined
              : { runner: 'jest', timeout: step.timeout, startedAt: 1_700_000_000_000 + step.startedAt };
            const window = keeper();
            if (!now) {
              expect(window).toBeUndefined();
              continue;
            }
            expect(window).toMatchObject({ runner: 'jest', timeout: now.timeout });
            // The deadline is the timing's end moved onto the monotonic clock (the clocks' offset, as toWindow
            // finds it: read twice, it moves by their resolution and any preemption between the reads, so the bound is loose).
            const offset = toWindow(now)!.deadline - (now.startedAt + now.timeout);
            expect(Math.abs(window!.deadline - (now.startedAt + now.timeout) - offset)).toBeLessThan(1_000);
            if (previous)
              expect(window === previous.window).toBe(
                previous.timing.startedAt === now.startedAt && previous.timing.timeout === now.timeout,
              );
            previous = { timing: now, window };
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('jest-circus’ window: read until the running test is found, then kept for the state', () => {
    let now: TestTiming | undefined;
    let reads = 0;
    const window = firstWindow(() => (reads++, now));
    expect(window()).toBeUndefined();
    now = { runner: 'jest', timeout: 5_000, startedAt: Date.now() };
    const found = window();
    expect(found).toMatchObject({ runner: 'jest', timeout: 5_000 });
    now = { runner: 'jest', timeout: 9_000, startedAt: Date.now() + 1 };
    expect(window()).toBe(found);
    expect(reads).toBe(2);
  });

  test('a Vitest task’s retry (a new attempt) moves the kept window', () => {
    const task = {
      type: 'test',
      timeout: 5_000,
      result: { startTime: Date.now(), attempts: [] as Array<{ startTime: number; duration: number }> },
    };
    const state = beginTest({ runner: 'vitest', name: 't', task });
    const first = state.window();
    expect(state.window()).toBe(first);
    task.result.attempts.push({ startTime: task.result.startTime, duration: 3_000 });
    const second = state.window();
    expect(second).not.toBe(first);
    expect(second!.deadline - first!.deadline).toBeCloseTo(3_000, -1);
    expect(state.task).toBe(task);
    endTest(state);
  });
});

describe('global slots and the real hrtime, kept', () => {
  test('a slot is read from the global once, and a slot another copy made first is the one used', () => {
    const key = Symbol.for('unflake.test.hotPath.slot');
    const theirs = { made: 'by another copy' };
    let reads = 0;
    Object.defineProperty(globalThis, key, {
      configurable: true,
      get: () => (reads++, theirs),
    });
    try {
      const create = (): object => ({ made: 'here' });
      expect(globalSlot('test.hotPath.slot', create)).toBe(theirs);
      expect(globalSlot('test.hotPath.slot', create)).toBe(theirs);
      expect(reads).toBe(1);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[key];
    }
  });

  test('monotonicNow unwraps a fake process.hrtime, and again when the global is replaced', () => {
    const real = process.hrtime;
    const stub = (ns: bigint): typeof process.hrtime =>
      Object.assign(() => [0, 0] as [number, number], { bigint: () => ns });
    const fake = (inner: typeof process.hrtime): typeof process.hrtime =>
      Object.assign(() => [9, 9] as [number, number], {
        bigint: () => 9n,
        clock: { _hrtime: inner },
      }) as unknown as typeof process.hrtime;
    try {
      process.hrtime = fake(stub(5_000_000n));
      expect(monotonicNow()).toBe(5);
      expect(monotonicNow()).toBe(5);
      process.hrtime = fake(stub(7_000_000n));
      expect(monotonicNow()).toBe(7);
      process.hrtime = real;
      expect(monotonicNow()).toBeGreaterThan(7);
    } finally {
      process.hrtime = real;
    }
  });
});
