/**
 * src/poll/progress.ts and the attempt signal: what a poll keeps of each attempt and the result it builds,
 * pinned where the mutation run (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import { AttemptTimeoutError } from '../../src/errors.ts';
import { AttemptSignal, type Observation } from '../../src/poll/attempt.ts';
import { Progress } from '../../src/poll/progress.ts';
import type { TimeSource } from '../../src/time/TimeSource.ts';
import { monotonicNow } from '../../src/time/realTime.ts';

/** A time source that moves only when told. */
function manualTime(virtual = false): TimeSource & { set(ms: number): void } {
  let now = 0;
  return {
    virtual,
    now: () => now,
    set: (ms: number) => void (now = ms),
    pause: () => ({ done: Promise.resolve(), wake: () => {} }),
  };
}
const progressAt = (start = 100, virtual = false) => {
  const time = manualTime(virtual);
  time.set(start);
  return { time, progress: new Progress<string>(time, start, { ms: 1_000, name: 'for' }) };
};
const value = (v: string, held: boolean, checkError?: unknown): Observation<string> => ({
  kind: 'value',
  value: v,
  held,
  ...(checkError === undefined ? {} : { checkError }),
});
const timeout = (
  cause: 'attempt-timeout' | 'deadline' | 'interrupted',
  message = 'attempt 2 was still running at the deadline',
): Observation<string> => ({
  kind: 'unsettled',
  cause,
  error: new AttemptTimeoutError(message),
  held: false,
});
const assertion = Object.assign(new Error('expected 1 to be 2'), { name: 'AssertionError' });

describe('Progress: what each attempt leaves behind', () => {
  test('a passing value is kept as the last value but not put in the timeline', () => {
    const { progress } = progressAt();
    progress.attempts = 1;
    progress.observe(value('ready', true), 0, true, true, new AttemptSignal());
    const result = progress.finish(true, { kind: 'held' } as never);
    expect(result).toMatchObject({ hasValue: true, lastValue: 'ready', value: 'ready', timeline: [] });
    expect(progress.sawValue).toBe(true);
    expect(progress.lastMiss).toBeUndefined();
  });

  test('a judged miss is timed for notBefore and put in the timeline', () => {
    const { time, progress } = progressAt(100);
    progress.attempts = 1;
    time.set(350);
    progress.observe(value('pending', false, assertion), 250, false, false, new AttemptSignal());
    expect(progress.lastMiss).toBe(250);
    expect(progress.sawValue).toBe(true);
    const result = progress.finish(false, { kind: 'timeout' } as never);
    expect(result.lastValueError).toBe(assertion);
    expect(result.lastError).toBe(assertion);
    expect(result.timeline).toEqual([
      {
        firstAt: 250,
        lastAt: 250,
        firstAttempt: 1,
        lastAttempt: 1,
        count: 1,
        kind: 'value',
        summary: "'pending'",
        held: false,
      },
    ]);
  });

  test('a value the check could not judge (it threw a TypeError) was returned but not seen, and is no miss', () => {
    const { progress } = progressAt();
    const typo = new TypeError('x.y is not a function');
    progress.observe(value('v', false, typo), 0, false, false, new AttemptSignal());
    expect(progress.returnedValue).toBe(true);
    expect(progress.sawValue).toBe(false);
    expect(progress.lastMiss).toBeUndefined();
    expect(progress.finish(false, { kind: 'timeout' } as never)).toMatchObject({
      lastError: typo,
      lastValueError: typo,
      hasValue: true,
    });
  });

  test('a probe error is the last error and a timeline entry, and no value', () => {
    const { progress } = progressAt();
    const error = new Error('ECONNREFUSED');
    progress.observe({ kind: 'error', error, held: false }, 5, false, false, new AttemptSignal());
    expect(progress.returnedValue).toBe(false);
    const result = progress.finish(false, { kind: 'timeout' } as never);
    expect(result).toMatchObject({
      hasValue: false,
      lastError: error,
      inFlightAtEnd: false,
      abandonedAtEnd: undefined,
    });
    expect(result.timeline.map((e) => [e.kind, e.summary, e.held])).toEqual([['error', 'Error: ECONNREFUSED', false]]);
  });

  test('an attempt abandoned at the deadline is a footnote: the headline error stays the last completed one', () => {
    const { progress } = progressAt();
    const earlier = new Error('503');
    progress.attempts = 1;
    progress.observe({ kind: 'error', error: earlier, held: false }, 0, false, false, new AttemptSignal());
    progress.attempts = 2;
    const unsettled = timeout('deadline');
    progress.observe(unsettled, 10, false, false, new AttemptSignal());
    const result = progress.finish(false, { kind: 'timeout' } as never);
    expect(result.lastError).toBe(earlier);
    expect(result.inFlightAtEnd).toBe(true);
    expect(result.abandonedAtEnd).toEqual({
      attempt: 2,
      error: unsettled.kind === 'unsettled' ? unsettled.error : undefined,
    });
    expect(result.timeline.at(-1)).toMatchObject({
      kind: 'unsettled',
      summary: 'attempt 2 was still running at the deadline',
      held: false,
    });
  });

  test('an attempt timeout is the last error; an interrupted attempt is not put in the timeline', () => {
    const { progress } = progressAt();
    const timedOut = timeout('attempt-timeout', 'attempt did not settle within 50 ms (attemptTimeout)');
    progress.observe(timedOut, 0, false, false, new AttemptSignal());
    const interrupted = timeout('interrupted', 'stopped');
    progress.observe(interrupted, 5, false, false, new AttemptSignal());
    const result = progress.finish(false, { kind: 'timeout' } as never);
    expect(result.lastError).toBe(interrupted.kind === 'unsettled' ? interrupted.error : undefined);
    expect(result.inFlightAtEnd).toBe(false);
    expect(result.timeline.map((e) => e.summary)).toEqual(['attempt did not settle within 50 ms (attemptTimeout)']);
  });

  test('abandon() aborts every unsettled attempt’s signal once, with the reason', () => {
    const { progress } = progressAt();
    const first = new AttemptSignal();
    const second = new AttemptSignal();
    const seen = first.signal;
    progress.observe(timeout('attempt-timeout'), 0, false, false, first);
    progress.observe(timeout('deadline'), 1, false, false, second);
    progress.abandon('poll ended');
    expect(seen.aborted).toBe(true);
    expect(seen.reason).toBe('poll ended');
    expect(second.signal.aborted).toBe(true);
    expect(second.signal.reason).toBe('poll ended');
    const late = new AttemptSignal();
    progress.abandon('again');
    expect(late.signal.aborted).toBe(false);
  });

  test('finish carries the window, attempts, elapsed time and the clock’s kind; real time only when watched', () => {
    const { time, progress } = progressAt(100, true);
    progress.attempts = 7;
    time.set(1_350);
    const plain = progress.finish(false, { kind: 'timeout' } as never);
    expect(plain).toMatchObject({
      passed: false,
      window: 1_000,
      windowName: 'for',
      attempts: 7,
      elapsed: 1_250,
      virtual: true,
      droppedEntries: 0,
    });
    expect('realElapsed' in plain).toBe(false);
    expect('realFloor' in plain).toBe(false);
    progress.realStart = monotonicNow() - 40;
    progress.realFloor = 100;
    const watched = progress.finish(false, { kind: 'timeout' } as never);
    expect(watched.realFloor).toBe(100);
    expect(watched.realElapsed).toBeGreaterThanOrEqual(30);
    expect(watched.realElapsed).toBeLessThan(10_000);
  });
});

describe('AttemptSignal: made only when read, aborted once', () => {
  test('a signal read after the abort is already aborted with the first reason', () => {
    const s = new AttemptSignal();
    s.abort('first');
    s.abort('second');
    expect(s.signal.aborted).toBe(true);
    expect(s.signal.reason).toBe('first');
  });

  test('a signal read before the abort is aborted by it, once', () => {
    const s = new AttemptSignal();
    const signal = s.signal;
    let events = 0;
    signal.addEventListener('abort', () => events++);
    expect(signal.aborted).toBe(false);
    s.abort('stop');
    s.abort('stop again');
    expect(signal.reason).toBe('stop');
    expect(events).toBe(1);
    expect(s.signal).toBe(signal);
  });
});
