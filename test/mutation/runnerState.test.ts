/**
 * src/runner's per-test state, await tracking and assertion tally, pinned where the mutation run
 * (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { globalCountState } from '../../src/adapters/runnerExpect.ts';
import { openTally } from '../../src/runner/assertionCount.ts';
import {
  beginCleanupState,
  beginTest,
  currentTestState,
  currentTestWindow,
  endTest,
  runInTest,
  runOutsideTest,
  setSequentialTest,
  startWork,
  type TestState,
  type TrackedWork,
} from '../../src/runner/testState.ts';
import { globalSlot } from '../../src/runtime/globalSlot.ts';
import { wallNow } from '../../src/time/realTime.ts';
import { trackAwait } from '../../src/runner/trackAwait.ts';
import { monotonicNow } from '../../src/time/realTime.ts';

/** Lets every pending promise job and one macrotask run (no timers: they may be faked). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const newWork = (): TrackedWork => ({ label: () => 'poll', outcome: 'running', awaited: false });

describe('trackAwait: did the caller await the promise it was given?', () => {
  test('an awaited pass is marked awaited and passed', async () => {
    const work = newWork();
    await expect(trackAwait(work, Promise.resolve(7), () => ({ passed: true }))).resolves.toBe(7);
    expect(work).toMatchObject({ awaited: true, outcome: 'passed' });
  });

  test('a promise left alone is not awaited, though it passed', async () => {
    const work = newWork();
    void trackAwait(work, Promise.resolve(7), () => ({ passed: true }));
    await settle();
    expect(work).toMatchObject({ awaited: false, outcome: 'passed' });
  });

  test('a `then` within the call itself (a runner wrapping it) is not an await; a later one is', async () => {
    const work = newWork();
    const tracked = trackAwait(work, Promise.resolve(7), () => ({ passed: true }));
    const wrapped = tracked.then((v) => v);
    await settle();
    expect(work.awaited).toBe(false);
    await wrapped;
    expect(work.awaited).toBe(true);
  });

  test('a value judged a failure records its failure line', async () => {
    const work = newWork();
    await trackAwait(work, Promise.resolve(1), () => ({ passed: false, failure: 'never became 2' }));
    expect(work).toMatchObject({ outcome: 'failed', failure: 'never became 2' });
  });

  test('a rejection still rejects for the awaiting code and records its first non-empty line', async () => {
    const work = newWork();
    const error = new Error('\n  \nTimed out after 1000 ms\nthe rest of the report');
    await expect(trackAwait(work, Promise.reject(error), () => ({ passed: true }))).rejects.toBe(error);
    expect(work).toMatchObject({ outcome: 'failed', failure: 'Timed out after 1000 ms' });
  });

  test('a long failure line is cut at 200 characters; a non-Error is printed; an unprintable one is named', async () => {
    const long = newWork();
    await trackAwait(long, Promise.reject(new Error('x'.repeat(300))), () => ({ passed: true })).catch(() => {});
    expect(long.failure).toBe(`${'x'.repeat(200)}…`);
    const exact = newWork();
    await trackAwait(exact, Promise.reject(new Error('y'.repeat(200))), () => ({ passed: true })).catch(() => {});
    expect(exact.failure).toBe('y'.repeat(200));
    const plain = newWork();
    await trackAwait(plain, Promise.reject('just text'), () => ({ passed: true })).catch(() => {});
    expect(plain.failure).toBe('just text');
    const unprintable = newWork();
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    await trackAwait(unprintable, Promise.reject(hostile), () => ({ passed: true })).catch(() => {});
    expect(unprintable.failure).toBe('an error that could not be printed');
  });

  test('an empty failure message is recorded as an empty line', async () => {
    const work = newWork();
    await trackAwait(work, Promise.reject(new Error('\n \n')), () => ({ passed: true })).catch(() => {});
    expect(work).toMatchObject({ outcome: 'failed', failure: '' });
  });

  test('a rejection nobody ever touches raises no unhandled rejection', async () => {
    const seen: unknown[] = [];
    const listener = (reason: unknown): void => void seen.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const work = newWork();
      trackAwait(work, Promise.reject(new Error('left alone')), () => ({ passed: true }));
      await settle();
      await settle();
      expect(work.outcome).toBe('failed');
      expect(seen).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  test('an un-awaited rejection, and the runner’s wrapping of it, raise no unhandled rejection', async () => {
    const seen: unknown[] = [];
    const listener = (reason: unknown): void => void seen.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const work = newWork();
      const tracked = trackAwait(work, Promise.reject(new Error('lost')), () => ({ passed: true }));
      void tracked.then(() => {});
      await settle();
      await settle();
      expect(work.outcome).toBe('failed');
      expect(seen).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});

describe('per-test state', () => {
  test('each test gets a new id, its runner and name, and an end that is not yet signalled', () => {
    const a = beginTest({ runner: 'vitest', name: 'a' });
    const b = beginTest({ runner: 'jest', name: 'b' });
    expect(b.id).toBeGreaterThan(a.id);
    expect(b).toMatchObject({ runner: 'jest', name: 'b' });
    expect(a.ended.aborted).toBe(false);
    expect(endTest(a)).toBeUndefined();
    expect(a.ended.aborted).toBe(true);
  });

  test('a fixed positive finite timeout gives a fixed window from now; otherwise none (outside Jest’s own)', () => {
    const before = monotonicNow();
    const fixed = beginTest({ runner: 'vitest', timeout: 2_000 });
    const window = fixed.window()!;
    expect(window).toMatchObject({ runner: 'vitest', timeout: 2_000 });
    expect(window.deadline).toBeGreaterThanOrEqual(before + 2_000);
    expect(window.deadline).toBeLessThanOrEqual(monotonicNow() + 2_000);
    expect(fixed.window()).toBe(window);
    for (const timeout of [0, -5, Number.POSITIVE_INFINITY, Number.NaN, undefined])
      expect(beginTest({ runner: 'vitest', timeout }).window()).toBeUndefined();
    expect(beginTest({ runner: 'playwright', timeout: 2_000 }).window()).toBeUndefined();
  });

  test('a window function given by the runner is asked each time', () => {
    let timeout = 1_000;
    const state = beginTest({
      runner: 'playwright',
      timeout: 5,
      window: () => ({ runner: 'playwright', timeout, deadline: 42 }),
    });
    expect(state.window()?.timeout).toBe(1_000);
    timeout = 3_000;
    expect(state.window()?.timeout).toBe(3_000);
  });

  test('code run in a test sees that test’s state and its window', () => {
    const state = beginTest({ runner: 'vitest', name: 'inner', timeout: 4_000 });
    const seen = runInTest(state, () => ({ state: currentTestState(), window: currentTestWindow() }));
    expect(seen.state).toBe(state);
    expect(seen.window?.timeout).toBe(4_000);
  });

  test('a Vitest task gives the window: its timeout from its start', () => {
    const task = { type: 'test', timeout: 3_000, result: { startTime: wallNow() } };
    const state = beginTest({ runner: 'vitest', task, timeout: 50 });
    expect(state.window()?.timeout).toBe(3_000);
  });

  test('ids keep growing after a cleanup state: no two states share one', () => {
    const test = beginTest({ runner: 'vitest' });
    const cleanup = beginCleanupState(test);
    const next = beginTest({ runner: 'vitest' });
    expect(new Set([test.id, cleanup.id, next.id]).size).toBe(3);
    expect(next.id).toBeGreaterThan(cleanup.id);
  });

  test('the cleanup state shares the test’s values and cleanups, with a fresh end, no deadline and no work', () => {
    const test = beginTest({ runner: 'vitest', name: 't', timeout: 1_000 });
    test.values.set('k', 1);
    startWork(test, () => 'w');
    endTest(test);
    const cleanup = beginCleanupState(test);
    expect(cleanup.id).toBeGreaterThan(test.id);
    expect(cleanup.values).toBe(test.values);
    expect(cleanup.cleanups).toBe(test.cleanups);
    expect(cleanup.name).toBe('t');
    expect(cleanup.ended.aborted).toBe(false);
    expect(cleanup.window()).toBeUndefined();
    expect(cleanup.work.size).toBe(0);
    expect(cleanup.work).not.toBe(test.work);
  });
});

describe('outside any async test context: the sequential test', () => {
  // The registry's own storage, to step outside the runner's async context for a moment.
  const registry = (): { storage: AsyncLocalStorage<TestState>; sequential: TestState | undefined } =>
    globalSlot('tests.v1', () => {
      throw new Error('the per-test registry is not set up');
    });

  test('a sequential test is the current one, until it ends (and only its own end clears it)', () => {
    const reg = registry();
    const saved = reg.sequential;
    try {
      const mine = beginTest({ runner: 'vitest', name: 'sequential' });
      setSequentialTest(mine);
      expect(reg.storage.exit(() => currentTestState())).toBe(mine);
      endTest(beginTest({ runner: 'vitest' }));
      expect(reg.sequential).toBe(mine);
      endTest(mine);
      expect(reg.sequential).toBeUndefined();
      expect(reg.storage.exit(() => currentTestState())).toBeUndefined();
    } finally {
      reg.sequential = saved;
    }
  });

  test('runOutsideTest steps out of the sequential test too, and puts it back after', () => {
    const reg = registry();
    const saved = reg.sequential;
    try {
      const mine = beginTest({ runner: 'vitest', name: 'sequential' });
      setSequentialTest(mine);
      expect(reg.storage.exit(() => runOutsideTest(() => currentTestState()))).toBeUndefined();
      expect(reg.sequential).toBe(mine);
      expect(() =>
        runOutsideTest(() => {
          throw new Error('inside');
        }),
      ).toThrow('inside');
      expect(reg.sequential).toBe(mine);
    } finally {
      reg.sequential = saved;
    }
  });

  test('with no test at all, the window comes from the matcher’s task, or there is none', () => {
    const reg = registry();
    const saved = reg.sequential;
    try {
      reg.sequential = undefined;
      const task = { type: 'test', timeout: 7_000, result: { startTime: wallNow() } };
      expect(reg.storage.exit(() => currentTestWindow({ task }))?.timeout).toBe(7_000);
      expect(() => reg.storage.exit(() => currentTestWindow())).not.toThrow();
    } finally {
      reg.sequential = saved;
    }
  });
});

describe('endTest: every assertion the test did not await is named', () => {
  const ended = (
    setup: (state: ReturnType<typeof beginTest>) => void,
  ): { error: Error | undefined; state: ReturnType<typeof beginTest> } => {
    const state = beginTest({ runner: 'vitest' });
    setup(state);
    return { error: endTest(state), state };
  };

  test('awaited work that ended is fine, and the list is cleared', () => {
    const { error, state } = ended((s) => {
      const w = startWork(s, () => 'done');
      w.outcome = 'passed';
      w.awaited = true;
    });
    expect(error).toBeUndefined();
    expect(state.work.size).toBe(0);
  });

  test('still running (awaited or not): stopped and unchecked', () => {
    const { error, state } = ended((s) => {
      startWork(s, () => 'eventually(probe)').awaited = true;
    });
    expect(error?.message).toBe(
      'unflake: an assertion was never awaited:\n  eventually(probe): still running when the test ended; it was stopped and its result was not checked\n\n' +
        'Add `await` in front of each (e.g. `await expect(probe).toEventuallyEqual(x)`): an assertion that is not awaited is not checked.',
    );
    expect(error?.stack).toBe(`Error: ${error?.message}`);
    expect(state.work.size).toBe(0);
  });

  test('passed and failed but never awaited: each named, counted, with the failure line or a pointer', () => {
    const { error } = ended((s) => {
      startWork(s, () => 'A').outcome = 'passed';
      const b = startWork(s, () => 'B');
      b.outcome = 'failed';
      b.failure = 'never became 2';
      startWork(s, () => 'C').outcome = 'failed';
    });
    expect(error?.message).toMatch(/^unflake: 3 assertions were never awaited:\n/);
    expect(error?.message).toContain(
      '  A: it had passed, but the test never awaited it (had it failed, nothing would have noticed)\n',
    );
    expect(error?.message).toContain('  B: it had failed, but the test never awaited it: never became 2\n');
    expect(error?.message).toContain('  C: it had failed, but the test never awaited it: see above\n');
  });
});

describe('assertion tally: a check’s own expect() calls are taken back out', () => {
  test('close() says how many were made and restores the counts it found', () => {
    const local = { assertionCalls: 5, numPassingAsserts: 5 };
    const tally = openTally(local)!;
    local.assertionCalls += 2;
    local.numPassingAsserts += 2;
    expect(tally.close()).toBe(2);
    expect(local).toEqual({ assertionCalls: 5, numPassingAsserts: 5 });
  });

  test('a count that went down is left alone, and a state without a passing count keeps none', () => {
    const local: { assertionCalls: number; numPassingAsserts?: number } = { assertionCalls: 5 };
    const tally = openTally(local)!;
    local.assertionCalls -= 1;
    expect(tally.close()).toBe(0);
    expect(local).toEqual({ assertionCalls: 4 });
  });

  test('without a test-local state it tallies the runner’s own count, once, and restores it', () => {
    const global = globalCountState()!;
    const before = global.assertionCalls;
    const tally = openTally()!;
    expect(1).toBe(1);
    expect(2).toBe(2);
    const made = tally.close();
    const after = global.assertionCalls;
    expect(made).toBe(2);
    expect(after).toBe(before);
  });

  test('a local state that is the runner’s own is counted once, not twice', () => {
    const global = globalCountState()!;
    const before = global.assertionCalls;
    const tally = openTally(global)!;
    expect(3).toBe(3);
    const made = tally.close();
    const after = global.assertionCalls;
    expect(made).toBe(1);
    expect(after).toBe(before);
  });

  /** Runs `fn` with the runner's count hidden: Vitest's slot can be replaced, Jest's only emptied. */
  function withoutRunnerCount<R>(fn: () => R): R {
    const key = Symbol.for('$$jest-matchers-object');
    const g = globalThis as Record<symbol, object | undefined>;
    const slot = Object.getOwnPropertyDescriptor(g, key);
    if (!slot || slot.configurable) {
      Object.defineProperty(g, key, { value: {}, configurable: true, writable: true });
      try {
        return fn();
      } finally {
        if (slot) Object.defineProperty(g, key, slot);
        else delete g[key];
      }
    }
    const holder = g[key]!;
    const state = Object.getOwnPropertyDescriptor(holder, 'state')!;
    Object.defineProperty(holder, 'state', { value: undefined, configurable: true, writable: true });
    try {
      return fn();
    } finally {
      Object.defineProperty(holder, 'state', state);
    }
  }

  test('with no runner count readable at all there is no tally', () => {
    const tally = withoutRunnerCount(() => openTally());
    expect(tally).toBeUndefined();
  });

  test('a passing count that did not rise is left as it is', () => {
    const local = { assertionCalls: 1, numPassingAsserts: 3 };
    const tally = openTally(local)!;
    local.numPassingAsserts = 2;
    tally.close();
    expect(local.numPassingAsserts).toBe(2);
  });
});
