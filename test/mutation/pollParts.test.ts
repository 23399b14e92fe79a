/**
 * The poll engine's small parts (schedule, timeline, stops, wake-ups), pinned where the mutation run
 * (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import { EventEmitter } from 'node:events';
import { createSchedule } from '../../src/poll/schedule.ts';
import { SUMMARY_CHARS, summarize, TimelineRecorder } from '../../src/poll/timeline.ts';
import { watchStops } from '../../src/poll/stops.ts';
import { subscribeWake } from '../../src/poll/wake.ts';

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next);
const noRandom = (): number => {
  throw new Error('random() read without jitter');
};

describe('schedule: the pause before each next attempt', () => {
  test('a backoff doubles by default and keeps growing without a max', () => {
    expect(take(createSchedule({ initial: 100 }, noRandom), 5)).toEqual([100, 200, 400, 800, 1600]);
  });

  test('a backoff grows by its factor and stops at its max', () => {
    expect(take(createSchedule({ initial: 100, factor: 3, max: 500 }, noRandom), 4)).toEqual([100, 300, 500, 500]);
    expect(take(createSchedule({ initial: 800, factor: 2, max: 500 }, noRandom), 2)).toEqual([500, 500]);
  });

  test('jitter spreads each pause over ±jitter of it, never below 0', () => {
    const at = (r: number, jitter: number): number => createSchedule({ initial: 100, factor: 1, jitter }, () => r)();
    expect(at(0, 0.5)).toBe(50);
    expect(at(1, 0.5)).toBe(150);
    expect(at(0.5, 0.5)).toBe(100);
    expect(at(0.75, 0.2)).toBeCloseTo(110, 10);
    expect(at(0, 2)).toBe(0);
  });

  test('a list shorter than the attempts repeats its last pause; a one-item list is constant', () => {
    expect(take(createSchedule([5, 7], noRandom), 4)).toEqual([5, 7, 7, 7]);
    expect(take(createSchedule([9], noRandom), 3)).toEqual([9, 9, 9]);
  });
});

describe('timeline summaries: one bounded line per observation', () => {
  test('a long line is cut to its limit with an ellipsis; one at the limit is kept whole', () => {
    const cut = summarize('unsettled', 'u'.repeat(SUMMARY_CHARS + 50));
    expect(cut).toBe(`${'u'.repeat(SUMMARY_CHARS - 1)}…`);
    expect(summarize('unsettled', 'k'.repeat(SUMMARY_CHARS))).toBe('k'.repeat(SUMMARY_CHARS));
    expect(SUMMARY_CHARS).toBe(200);
  });

  test('an Error is "Name: first non-empty line"', () => {
    expect(summarize('error', new TypeError('\n  \nfetch failed\ncause: ECONNREFUSED'))).toBe(
      'TypeError: fetch failed',
    );
    expect(summarize('error', new Error(''))).toBe('Error:');
  });

  test('an Error whose name or message is not a string still gets a line', () => {
    const odd = Object.assign(new Error('x'), { name: 42 as unknown as string });
    expect(summarize('error', odd)).toBe('Error: x');
    const noMessage = Object.assign(new RangeError('y'), { message: { nope: true } as unknown as string });
    expect(summarize('error', noMessage)).toBe('RangeError:');
  });

  test('an Error with a huge first line is read from a bounded head and cut to one line', () => {
    const summary = summarize('error', new Error('z'.repeat(10_000)));
    expect(summary).toBe(`Error: ${'z'.repeat(SUMMARY_CHARS - 8)}…`);
  });

  test('only a bounded head of an Error’s message is read: text past its first 800 characters is not', () => {
    expect(summarize('error', new Error(`${'\n'.repeat(1_000)}late text`))).toBe('Error:');
    expect(summarize('error', new Error(`${'\n'.repeat(700)}early text`))).toBe('Error: early text');
  });

  test('a wide thrown object stays on one line', () => {
    const thrown = { code: 'E_WIDE', detail: 'd'.repeat(60), hint: 'h'.repeat(60) };
    const summary = summarize('error', thrown);
    expect(summary).not.toContain('\n');
    expect(summary).toMatch(/^thrown \{ code: 'E_WIDE', detail: 'd+/);
  });

  test('a thrown non-Error is shown as "thrown <value>"; a value as itself', () => {
    expect(summarize('error', 'text')).toBe("thrown 'text'");
    expect(summarize('error', { code: 'E1' })).toBe("thrown { code: 'E1' }");
    expect(summarize('value', { status: 'pending', n: [1, 2] })).toBe("{ status: 'pending', n: [ 1, 2 ] }");
  });

  test('something that throws while being read is named, never thrown', () => {
    const hostile = new Error('m');
    Object.defineProperty(hostile, 'name', {
      get() {
        throw new Error('getter exploded');
      },
    });
    expect(summarize('error', hostile)).toMatch(/^\[unprintable: .*getter exploded.*\]$/);
  });
});

describe('timeline recorder: run-length compressed, bounded', () => {
  test('a repeat of the same kind, summary and verdict extends the last entry', () => {
    const t = new TimelineRecorder();
    t.record(0, 1, 'value', 'a', false);
    t.record(10, 2, 'value', 'a', false);
    t.record(20, 3, 'value', 'a', false);
    expect(t.entries).toEqual([
      { firstAt: 0, lastAt: 20, firstAttempt: 1, lastAttempt: 3, count: 3, kind: 'value', summary: "'a'", held: false },
    ]);
  });

  test('a different kind, summary or verdict starts a new entry', () => {
    const t = new TimelineRecorder();
    t.record(0, 1, 'value', 'a', false);
    t.record(1, 2, 'value', 'a', true);
    t.record(2, 3, 'value', 'b', true);
    t.record(3, 4, 'unsettled', "'b'", true);
    expect(t.entries.map((e) => [e.kind, e.summary, e.held, e.count])).toEqual([
      ['value', "'a'", false, 1],
      ['value', "'a'", true, 1],
      ['value', "'b'", true, 1],
      ['unsettled', "'b'", true, 1],
    ]);
  });

  test('past 200 entries the oldest after the first 10 go, counted as dropped', () => {
    const t = new TimelineRecorder();
    for (let i = 0; i < 205; i++) t.record(i, i + 1, 'value', i, false);
    expect(t.entries).toHaveLength(200);
    expect(t.dropped).toBe(5);
    expect(t.entries.slice(0, 10).map((e) => e.summary)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(t.entries[10]!.summary).toBe('15');
    expect(t.entries.at(-1)!.summary).toBe('204');
  });

  test('exactly 200 distinct entries drop nothing', () => {
    const t = new TimelineRecorder();
    for (let i = 0; i < 200; i++) t.record(i, i + 1, 'value', i, false);
    expect(t.entries).toHaveLength(200);
    expect(t.dropped).toBe(0);
  });
});

describe('stops: the signal and the test’s end, neither a pass', () => {
  test('with nothing to watch, nothing stops', () => {
    const stops = watchStops(undefined, undefined);
    expect(stops.signal.aborted).toBe(false);
    expect(stops.reason()).toBeUndefined();
    stops.dispose();
  });

  test('an already ended test or aborted signal stops at once, the test’s end first', () => {
    const ended = AbortSignal.abort();
    expect(watchStops(undefined, ended).reason()).toEqual({ kind: 'test-ended' });
    expect(watchStops(AbortSignal.abort('user'), undefined).reason()).toEqual({ kind: 'aborted', reason: 'user' });
    const both = watchStops(AbortSignal.abort('user'), ended);
    expect(both.reason()).toEqual({ kind: 'test-ended' });
    expect(both.signal.aborted).toBe(true);
  });

  test('the first stop to happen is the reason; a later one does not replace it', () => {
    const user = new AbortController();
    const test = new AbortController();
    const stops = watchStops(user.signal, test.signal);
    // Listening starts with the first use of the signal (a pause or an async attempt), as in a poll.
    expect(stops.signal.aborted).toBe(false);
    user.abort('enough');
    test.abort();
    expect(stops.reason()).toEqual({ kind: 'aborted', reason: 'enough' });
    expect(stops.signal.aborted).toBe(true);
    const other = watchStops(
      new AbortController().signal,
      (() => {
        const c = new AbortController();
        queueMicrotask(() => c.abort());
        return c.signal;
      })(),
    );
    expect(other.signal.aborted).toBe(false);
    return Promise.resolve().then(() => expect(other.reason()).toEqual({ kind: 'test-ended' }));
  });

  test('after dispose, neither is listened to', () => {
    const user = new AbortController();
    const test = new AbortController();
    const stops = watchStops(user.signal, test.signal);
    stops.dispose();
    user.abort('late');
    test.abort();
    expect(stops.reason()).toBeUndefined();
    expect(stops.signal.aborted).toBe(false);
  });
});

describe('wake-ups: every source wakes the poll, and all are removed at the end', () => {
  test('EventTarget, EventEmitter and an emitter with only removeListener', () => {
    let wakes = 0;
    const target = new EventTarget();
    const emitter = new EventEmitter();
    const legacy = new EventEmitter() as EventEmitter & { off?: unknown };
    Object.defineProperty(legacy, 'off', { value: undefined });
    const dispose = subscribeWake(
      [
        [target, 'changed'],
        [emitter, 'row'],
        [legacy, 'tick'],
      ] as never,
      () => wakes++,
    );
    target.dispatchEvent(new Event('changed'));
    emitter.emit('row');
    legacy.emit('tick');
    expect(wakes).toBe(3);
    dispose();
    target.dispatchEvent(new Event('changed'));
    emitter.emit('row');
    legacy.emit('tick');
    expect(wakes).toBe(3);
    expect(emitter.listenerCount('row')).toBe(0);
    expect(legacy.listenerCount('tick')).toBe(0);
  });

  test('a subscribe function is given the wake and its unsubscribe runs once at the end', () => {
    let unsubscribed = 0;
    let wake: (() => void) | undefined;
    let wakes = 0;
    const dispose = subscribeWake(
      [
        (onWake: () => void) => {
          wake = onWake;
          return () => unsubscribed++;
        },
      ] as never,
      () => wakes++,
    );
    wake!();
    expect(wakes).toBe(1);
    dispose();
    dispose();
    expect(unsubscribed).toBe(1);
  });

  test('a subscribe function that returns no unsubscribe is a usage error, and earlier sources are removed', () => {
    const emitter = new EventEmitter();
    let first = 0;
    const subscribe = (): unknown => 'not a function';
    expect(() => subscribeWake([[emitter, 'row'], () => () => first++, subscribe] as never, () => {})).toThrow(
      /wakeOn.*a subscribe function must return its unsubscribe function \(\(\) => void\), but returned [^\n]*not a function/s,
    );
    expect(first).toBe(1);
    expect(emitter.listenerCount('row')).toBe(0);
  });
});
