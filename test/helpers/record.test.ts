import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { eventually } from '../../src/eventually.ts';
import { record, type Recording } from '../../src/helpers/record.ts';

// Shared between tests on purpose: a recording made in one test must have let go of it by the next.
const leaky = new EventEmitter();
const leakyTarget = new EventTarget();
let fromEarlierTest: Recording | undefined;
let outsideTest: Recording | undefined;
const outsideEmitter = new EventEmitter();

beforeAll(() => {
  outsideTest = record(outsideEmitter, 'x');
});
afterAll(() => outsideTest?.stop());

/** Emits from the event loop, not inline, so the poll has to wait for it. */
const later = (fn: () => void): void => void setImmediate(fn);

describe('record', () => {
  test('lists each emission with its event name, time, arguments and value; several names; in order', () => {
    const emitter = new EventEmitter();
    const seen = record(emitter, ['a', 'b']);
    emitter.emit('a', 1, 'x');
    emitter.emit('c', 'ignored');
    emitter.emit('b', { id: 2 });
    expect(seen.length).toBe(2);
    expect(seen.map((e) => [e.event, e.args, e.value])).toEqual([
      ['a', [1, 'x'], 1],
      ['b', [{ id: 2 }], { id: 2 }],
    ]);
    expect(seen[0]!.at).toBeGreaterThanOrEqual(0);
    expect(seen[1]!.at).toBeGreaterThanOrEqual(seen[0]!.at);
    expect([...seen].map((e) => e.event)).toEqual(['a', 'b']);
  });

  test('an EventTarget: the entry holds the Event', () => {
    const target = new EventTarget();
    const seen = record(target, 'ping');
    target.dispatchEvent(new Event('ping'));
    expect(seen.length).toBe(1);
    expect((seen[0]!.value as Event).type).toBe('ping');
  });

  test('map turns the arguments into the value; a map that throws keeps the error and does not disturb the emitter', () => {
    const emitter = new EventEmitter();
    const seen = record(emitter, 'completed', { map: (job: { id: string }, result: number) => `${job.id}=${result}` });
    emitter.emit('completed', { id: 'j1' }, 7);
    expect(() => emitter.emit('completed', null, 8)).not.toThrow();
    expect(seen[0]!.value).toBe('j1=7');
    expect(seen[1]!.value).toBeUndefined();
    expect(seen[1]!.error).toBeInstanceOf(TypeError);
  });

  test('read-only: writes, mutating methods and deletes are TypeErrors; calling it returns a copy', () => {
    const emitter = new EventEmitter();
    const seen = record(emitter, 'e');
    emitter.emit('e', 1);
    const readOnly = /record\(\): a recording is read-only/;
    expect(() => ((seen as unknown as unknown[])[0] = 2)).toThrow(readOnly);
    expect(() => (seen as unknown as unknown[]).push(2)).toThrow(readOnly);
    expect(() => (seen as unknown as unknown[]).splice(0)).toThrow(readOnly);
    expect(() => delete (seen as unknown as unknown[])[0]).toThrow(readOnly);
    expect(() => ((seen[0] as { value: unknown }).value = 3)).toThrow(TypeError);
    const copy = seen();
    copy.push(copy[0]!);
    expect(seen.length).toBe(1);
  });

  test('bounded: beyond `limit` the oldest are dropped and counted, and the description says so', () => {
    const emitter = new EventEmitter();
    const seen = record(emitter, 'e', { limit: 3 });
    for (let i = 1; i <= 5; i++) emitter.emit('e', i);
    expect(seen.map((e) => e.value)).toEqual([3, 4, 5]);
    expect({ total: seen.total, dropped: seen.dropped }).toEqual({ total: 5, dropped: 2 });
    expect(inspect(seen)).toBe('Recording(e) [3 entries, 2 earlier dropped (limit 3)]');
    expect(JSON.parse(JSON.stringify(seen)).map((e: { value: number }) => e.value)).toEqual([3, 4, 5]);
    // The default limit: 10 000 entries.
    const many = record(emitter, 'many');
    for (let i = 0; i <= 10_000; i++) emitter.emit('many', i);
    expect({ length: many.length, dropped: many.dropped, first: many[0]!.value }).toEqual({
      length: 10_000,
      dropped: 1,
      first: 1,
    });
  });

  test('a wakeOn source: an emission re-checks at once, well before the next scheduled attempt', async () => {
    const emitter = new EventEmitter();
    const done = record(emitter, 'done');
    later(() => emitter.emit('done', 1));
    const started = performance.now();
    // A 1 s interval: without the wake-up, the second attempt would come after 1 s.
    await expect(() => done.length).toEventuallyBe(1, { wakeOn: done, interval: 1000, timeout: 3000 });
    expect(performance.now() - started).toBeLessThan(900);
  });

  test('a probe by itself: calling it returns the entries', async () => {
    const emitter = new EventEmitter();
    const done = record(emitter, 'done', { map: (n: number) => n });
    later(() => emitter.emit('done', 1));
    later(() => later(() => emitter.emit('done', 2)));
    await expect(done).toEventually((list: { value: unknown }[]) => list.length === 2, { wakeOn: done });
    const entries = await eventually(done, (list) => list.length === 2, { wakeOn: done });
    expect(entries.map((e) => e.value)).toEqual([1, 2]);
  });

  test('stop() and `using` remove the listeners at once; the entries stay readable', () => {
    const emitter = new EventEmitter();
    const seen = record(emitter, ['a', 'b']);
    emitter.emit('a');
    seen.stop();
    seen.stop();
    emitter.emit('a');
    expect({
      listeners: emitter.listenerCount('a') + emitter.listenerCount('b'),
      length: seen.length,
      stopped: seen.stopped,
    }).toEqual({ listeners: 0, length: 1, stopped: true });
    const target = new EventTarget();
    {
      using scoped = record(target, 'x');
      target.dispatchEvent(new Event('x'));
      expect(scoped.length).toBe(1);
    }
    let after = 0;
    target.addEventListener('x', () => after++);
    target.dispatchEvent(new Event('x'));
    expect(after).toBe(1);
  });

  test('leaves listeners on shared emitters (the next test checks they are gone)', () => {
    fromEarlierTest = record(leaky, ['a', 'b']);
    record(leakyTarget, 'x');
    expect(leaky.listenerCount('a')).toBe(1);
  });

  test('no listener outlives its test: the previous test’s recording stopped when it ended', () => {
    expect(leaky.listenerCount('a') + leaky.listenerCount('b')).toBe(0);
    expect(fromEarlierTest!.stopped).toBe(true);
    const seen = record(leakyTarget, 'x');
    leakyTarget.dispatchEvent(new Event('x'));
    // Only this test's recording is listening: the earlier one saw nothing.
    expect(seen.length).toBe(1);
    expect(fromEarlierTest!.length).toBe(0);
  });

  test('outside a test it records until stop(): nothing ends it for you', () => {
    outsideEmitter.emit('x', 1);
    expect(outsideTest!.length).toBe(1);
    expect(outsideTest!.stopped).toBe(false);
  });

  test('bad input: a TypeError naming the argument and what was expected', () => {
    expect(() => record({} as never, 'e')).toThrow(
      new TypeError(
        'record(): `emitter` must be an EventEmitter (on/off) or an EventTarget (addEventListener/removeEventListener), got an object of type Object.',
      ),
    );
    const emitter = new EventEmitter();
    expect(() => record(emitter, [] as never)).toThrow(
      /record\(\): `events` must be an event name .* got an array of length 0\./,
    );
    expect(() => record(emitter, '' as never)).toThrow(/`events` must be/);
    expect(() => record(emitter, 'e', { map: 1 } as never)).toThrow(
      'record(): `map` must be a function (...args) => value, got 1.',
    );
    expect(() => record(emitter, 'e', { limit: 0 })).toThrow('record(): `limit` must be a whole number >= 1, got 0.');
    expect(() => record(emitter, 'e', { mpa: String } as never)).toThrow(/unknown option `mpa`. Did you mean `map`\?/);
    expect(emitter.listenerCount('e')).toBe(0);
  });
});
