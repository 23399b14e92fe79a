/**
 * Newer src/runner helpers (user frames on an error, Vitest task ids, running outside a test, the kept
 * test window), pinned where the mutation run (npm run mutation, docs/testing.md) found them unchecked.
 */
import { withUserFrames } from '../../src/runner/callSite.ts';
import { vitestTaskId } from '../../src/runner/testId.ts';
import { beginTest, currentTestState, runInTest, runOutsideTest } from '../../src/runner/testState.ts';
import { windowKeeper } from '../../src/runner/testWindow.ts';
import type { TestTiming } from '../../src/runner/testWindow.ts';
import { wallNow } from '../../src/time/realTime.ts';

describe('withUserFrames', () => {
  test('the error keeps its headline and takes only the user’s frames, one per line', () => {
    const error = new TypeError('never became 2');
    const callSite = new Error('where');
    callSite.stack = [
      'Error: where',
      '    at first (/home/someone/app/test/a.test.ts:1:1)',
      '    at node:internal/process/task_queues:1:1',
      '    at second (/home/someone/app/test/b.test.ts:2:2)',
    ].join('\n');
    expect(withUserFrames(error, callSite)).toBe(error);
    expect(error.stack).toBe(
      'TypeError: never became 2\n    at first (/home/someone/app/test/a.test.ts:1:1)\n    at second (/home/someone/app/test/b.test.ts:2:2)',
    );
  });
});

describe('vitestTaskId', () => {
  test('file > suites > test, the suites read up to the file task', () => {
    const file = { name: 'a.test.ts', filepath: `${process.cwd()}/test/a.test.ts` };
    const outer = { name: 'orders', suite: file };
    const inner = { name: 'sync', suite: outer };
    const task = { name: 'retries', suite: inner, file: { filepath: file.filepath } };
    expect(vitestTaskId(task)).toBe('test/a.test.ts > orders > sync > retries');
  });

  test('a suite without a name is an empty title; a task without a name has no id', () => {
    const file = { filepath: `${process.cwd()}/t.test.ts` };
    expect(vitestTaskId({ name: 't', suite: { suite: file }, file })).toBe('t.test.ts >  > t');
    expect(vitestTaskId({ suite: file })).toBeUndefined();
    expect(vitestTaskId({ name: 'lone' })).toBe('lone');
    expect(vitestTaskId(undefined)).toBeUndefined();
  });
});

describe('runOutsideTest', () => {
  test('runs outside every test and returns its result; the test is current again afterwards', () => {
    const state = beginTest({ runner: 'vitest', name: 'inside' });
    runInTest(state, () => {
      expect(runOutsideTest(() => currentTestState())).toBeUndefined();
      expect(runOutsideTest(() => 42)).toBe(42);
      expect(currentTestState()).toBe(state);
    });
  });
});

describe('windowKeeper: one window per timing', () => {
  test('the same timing keeps the same window; a new start, timeout or runner makes a new one', () => {
    let timing: TestTiming | undefined = { runner: 'vitest', timeout: 5_000, startedAt: wallNow() };
    const keeper = windowKeeper(() => timing);
    const first = keeper()!;
    expect(first.timeout).toBe(5_000);
    expect(Object.isFrozen(first)).toBe(true);
    timing = { ...timing };
    expect(keeper()).toBe(first);
    const changes: Partial<TestTiming>[] = [
      { startedAt: timing.startedAt + 1_000 },
      { timeout: 6_000 },
      { runner: 'jest' },
    ];
    let previous = first;
    for (const change of changes) {
      timing = { ...timing, ...change };
      const next = keeper()!;
      expect(next).not.toBe(previous);
      previous = next;
    }
    expect(previous.runner).toBe('jest');
    timing = undefined;
    expect(keeper()).toBeUndefined();
  });
});
