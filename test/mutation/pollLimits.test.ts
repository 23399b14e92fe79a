/**
 * src/poll/deadline.ts: every limit a poll runs against, as tables (no timers), pinned where the mutation
 * run (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import {
  attemptBudget,
  CONTEXT_BUDGET,
  planLimits,
  planPause,
  reachedRealLimit,
  timeoutReason,
  virtualStride,
  type Limits,
} from '../../src/poll/deadline.ts';
import { NO_STREAK } from '../../src/poll/decide.ts';
import type { PollSettings } from '../../src/options/normalizeOptions.ts';
import type { TestWindow } from '../../src/runner/testWindow.ts';
import { monotonicNow } from '../../src/time/realTime.ts';

interface SettingsPart {
  window?: number;
  virtual?: boolean;
  margin?: number;
  context?: unknown;
  attemptTimeout?: number;
}
const settingsOf = ({
  window = 1_000,
  virtual = false,
  margin = 100,
  context,
  attemptTimeout,
}: SettingsPart = {}): PollSettings =>
  ({
    window,
    windowName: 'timeout',
    testTimeoutMargin: margin,
    context,
    attemptTimeout,
    time: { virtual },
  }) as unknown as PollSettings;
const testWindow = (deadline: number, timeout = 5_000): TestWindow => ({ runner: 'vitest', timeout, deadline });

describe('planLimits', () => {
  test('without a test window the deadline is start + window and nothing else applies', () => {
    const limits = planLimits(settingsOf({ window: 1_000 }), undefined, 50);
    expect(limits).toEqual({
      start: 50,
      deadline: 1_050,
      realLimit: undefined,
      cutByTest: false,
      window: { kind: 'timeout', limit: 'window', window: 1_000, windowName: 'timeout' },
      test: undefined,
    });
    expect(timeoutReason(limits)).toBe(limits.window);
  });

  test('a test deadline (minus its margin) before the window’s end cuts the window', () => {
    const limits = planLimits(settingsOf({ window: 1_000, margin: 100 }), testWindow(600), 0);
    expect(limits.deadline).toBe(500);
    expect(limits.cutByTest).toBe(true);
    expect(limits.test).toEqual({
      kind: 'timeout',
      limit: 'test',
      window: 1_000,
      windowName: 'timeout',
      testTimeout: 5_000,
      margin: 100,
    });
    expect(timeoutReason(limits)).toBe(limits.test);
  });

  test('gathering context keeps its own budget back as well', () => {
    const limits = planLimits(settingsOf({ window: 10_000, margin: 100, context: () => ({}) }), testWindow(2_000), 0);
    expect(limits.deadline).toBe(2_000 - 100 - CONTEXT_BUDGET);
    expect(CONTEXT_BUDGET).toBe(500);
  });

  test('a test deadline after the window’s end, or exactly at it, does not cut it', () => {
    const later = planLimits(settingsOf({ window: 1_000, margin: 100 }), testWindow(5_000), 0);
    expect(later).toMatchObject({ deadline: 1_000, cutByTest: false });
    expect(timeoutReason(later)).toBe(later.window);
    const equal = planLimits(settingsOf({ window: 1_000, margin: 100 }), testWindow(1_100), 0);
    expect(equal).toMatchObject({ deadline: 1_000, cutByTest: false });
  });

  test('a test deadline already past starts at the start, never before it', () => {
    const limits = planLimits(settingsOf({ window: 1_000, margin: 100 }), testWindow(50), 200);
    expect(limits).toMatchObject({ deadline: 200, cutByTest: true });
  });

  test('in virtual time the test deadline is a real limit, and the window is not cut', () => {
    const limits = planLimits(settingsOf({ window: 60_000, margin: 100, virtual: true }), testWindow(3_000), 0);
    expect(limits).toMatchObject({ deadline: 60_000, realLimit: 2_900, cutByTest: false });
  });
});

describe('reachedRealLimit', () => {
  const limits = (realLimit: number | undefined): Limits => ({
    ...planLimits(settingsOf(), testWindow(1e12), 0),
    realLimit,
  });

  test('no real limit is never reached', () => {
    const l = limits(undefined);
    expect(reachedRealLimit(l)).toBe(false);
    expect(l.cutByTest).toBe(false);
  });

  test('a real limit ahead is not reached; one behind is, and marks the window cut by the test', () => {
    const ahead = limits(monotonicNow() + 60_000);
    expect(reachedRealLimit(ahead)).toBe(false);
    expect(ahead.cutByTest).toBe(false);
    const behind = limits(monotonicNow() - 1);
    expect(reachedRealLimit(behind)).toBe(true);
    expect(behind.cutByTest).toBe(true);
    expect(timeoutReason(behind)).toBe(behind.test);
  });
});

describe('attemptBudget: how long one attempt may run, in real ms', () => {
  test('real time: until the deadline, at least 1 ms, named by its attempt', () => {
    const limits = planLimits(settingsOf({ window: 1_000 }), undefined, 0);
    expect(attemptBudget(limits, settingsOf(), 400, 3)).toEqual({
      ms: 600,
      byAttemptTimeout: false,
      message: 'attempt 3 was still running at the deadline',
    });
    expect(attemptBudget(limits, settingsOf(), 1_000, 4).ms).toBe(1);
    expect(attemptBudget(limits, settingsOf(), 5_000, 4).ms).toBe(1);
  });

  test('real time: a deadline beyond what a timer can wait is capped at 2^31-1 ms', () => {
    const limits = planLimits(settingsOf({ window: 2 ** 40 }), undefined, 0);
    expect(attemptBudget(limits, settingsOf(), 0, 1).ms).toBe(2 ** 31 - 1);
  });

  test('an attemptTimeout shorter than the time left wins and says so; a longer or equal one does not', () => {
    const limits = planLimits(settingsOf({ window: 1_000 }), undefined, 0);
    expect(attemptBudget(limits, settingsOf({ attemptTimeout: 250 }), 0, 1)).toEqual({
      ms: 250,
      byAttemptTimeout: true,
      message: 'attempt did not settle within 250 ms (attemptTimeout)',
    });
    expect(attemptBudget(limits, settingsOf({ attemptTimeout: 1_000 }), 0, 1)).toMatchObject({
      ms: 1_000,
      byAttemptTimeout: false,
    });
    expect(attemptBudget(limits, settingsOf({ attemptTimeout: 2_000 }), 0, 1)).toMatchObject({
      ms: 1_000,
      byAttemptTimeout: false,
    });
  });

  test('virtual time: 5 s of real time, or less when the test’s real limit is nearer, at least 1 ms', () => {
    const virtual = settingsOf({ virtual: true });
    const free = planLimits(virtual, undefined, 0);
    expect(attemptBudget(free, virtual, 0, 2)).toEqual({
      ms: 5_000,
      byAttemptTimeout: false,
      message:
        'attempt 2 did not settle within 5000 ms of real time (virtual time does not move while an attempt runs)',
    });
    const near = { ...free, realLimit: monotonicNow() + 1_000 };
    const budget = attemptBudget(near, virtual, 0, 2);
    expect(budget.ms).toBeGreaterThan(900);
    expect(budget.ms).toBeLessThanOrEqual(1_000);
    expect(budget.message).toMatch(/^attempt 2 did not settle within (9\d\d|1000) ms of real time/);
    const far = { ...free, realLimit: monotonicNow() + 60_000 };
    expect(attemptBudget(far, virtual, 0, 2).ms).toBe(5_000);
    const past = { ...free, realLimit: monotonicNow() - 10 };
    expect(attemptBudget(past, virtual, 0, 2).ms).toBe(1);
  });
});

describe('virtualStride: long virtual waits stay cheap', () => {
  test('a tenth of the time waited, in whole ms, never past the next timer', () => {
    expect(virtualStride(1_000, undefined)).toBe(100);
    expect(virtualStride(1_005, undefined)).toBe(100);
    expect(virtualStride(1_000, 30)).toBe(30);
    expect(virtualStride(1_000, 250)).toBe(100);
    expect(virtualStride(0, undefined)).toBe(0);
  });
});

describe('planPause: the boundaries', () => {
  const base = { streak: NO_STREAK, stableFor: 0, lastDuration: 0 };

  test('a stride longer than the schedule is taken; a shorter one is not', () => {
    expect(planPause({ ...base, scheduled: 20, stride: 100, now: 0, deadline: 10_000 })).toEqual({
      ms: 100,
      final: false,
    });
    expect(planPause({ ...base, scheduled: 200, stride: 100, now: 0, deadline: 10_000 })).toEqual({
      ms: 200,
      final: false,
    });
  });

  test('a streak that still has to hold ends its pause when it has held long enough, never below 0', () => {
    expect(
      planPause({
        ...base,
        scheduled: 500,
        now: 100,
        deadline: 10_000,
        streak: { start: 0, count: 2 },
        stableFor: 300,
      }),
    ).toEqual({ ms: 200, final: false });
    expect(
      planPause({
        ...base,
        scheduled: 500,
        now: 400,
        deadline: 10_000,
        streak: { start: 0, count: 2 },
        stableFor: 300,
      }),
    ).toEqual({ ms: 0, final: false });
    expect(
      planPause({ ...base, scheduled: 50, now: 100, deadline: 10_000, streak: { start: 0, count: 2 }, stableFor: 300 }),
    ).toEqual({ ms: 50, final: false });
    expect(
      planPause({ ...base, scheduled: 500, now: 100, deadline: 10_000, streak: { start: 0, count: 2 }, stableFor: 0 }),
    ).toEqual({ ms: 500, final: false });
  });

  test('the pause that lands exactly on the latest start is the final one', () => {
    expect(planPause({ ...base, scheduled: 100, now: 850, deadline: 1_000, lastDuration: 50 })).toEqual({
      ms: 100,
      final: true,
    });
    expect(planPause({ ...base, scheduled: 99, now: 850, deadline: 1_000, lastDuration: 50 })).toEqual({
      ms: 99,
      final: false,
    });
  });

  test('notBefore: a pause that would jump the sample is shortened to it; one that ends on it or before is not', () => {
    // sample = 1000 - 0 - 3 = 997
    expect(planPause({ ...base, scheduled: 200, now: 900, deadline: 5_000, notBefore: 1_000 })).toEqual({
      ms: 97,
      final: false,
    });
    expect(planPause({ ...base, scheduled: 97, now: 900, deadline: 5_000, notBefore: 1_000 })).toEqual({
      ms: 97,
      final: false,
    });
    expect(planPause({ ...base, scheduled: 50, now: 900, deadline: 5_000, notBefore: 1_000 })).toEqual({
      ms: 50,
      final: false,
    });
    expect(planPause({ ...base, scheduled: 200, now: 997, deadline: 5_000, notBefore: 1_000 })).toEqual({
      ms: 200,
      final: false,
    });
  });
});
