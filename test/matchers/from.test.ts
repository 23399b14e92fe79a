/** `from` ("it must change first") and `warnInstantPass` through the matchers and eventually(), under Vitest and Jest. */
import { EventEmitter } from 'node:events';
import { eventually } from '../../src/eventually.ts';
import { configure } from '../../src/options/configure.ts';
import { record } from '../../src/helpers/record.ts';
import { failureOf } from '../support/failure.ts';

/** A counter the "system" moves from `start` to `end` one event-loop turn after `go()`. */
function counter(start: number, end: number): { read: () => number; go: () => void } {
  let value = start;
  return { read: () => value, go: () => void setImmediate(() => (value = end)) };
}

describe('from', () => {
  test('passes once the value moved from the starting state to the expected one', async () => {
    const c = counter(0, 5);
    c.go();
    await expect(c.read).toEventuallyBe(5, { from: 0, interval: 1 });
  });

  test('the ported-sleep trap: a state that already held passes without `from`, and fails with it, saying why', async () => {
    const c = counter(5, 5); // the system never did anything: the value was 5 from the start
    await expect(c.read).toEventuallyBe(5);
    const message = await failureOf(expect(c.read).toEventuallyBe(5, { from: 0, timeout: 60, interval: 5 }));
    expect(message).toMatch(
      /no hold counted: the condition held at attempt 1, but never after an attempt saw the starting state \(`from`: 0\), so the change was not seen; the state may have held before the system did anything\./,
    );
  });

  test('a check as the starting state, and eventually() resolving to the value that passed', async () => {
    const status = { value: 'pending' };
    setImmediate(() => (status.value = 'done'));
    await expect(() => status.value).toEventuallyEqual('done', { from: (s: string) => s === 'pending', interval: 1 });
    const queue = new EventEmitter();
    const done = record(queue, 'completed');
    setImmediate(() => queue.emit('completed', 'job-1'));
    const count = await eventually(
      () => done.length,
      (n) => n === 1,
      { from: 0, wakeOn: done },
    );
    expect(count).toBe(1);
  });

  test('bad input: `from` on a never assertion, and a misspelt `from`, are TypeErrors', async () => {
    await expect(expect(() => 1).not.toEventuallyBe(2, { from: 0 } as never)).rejects.toThrow(
      /`from` applies to a wait for a change/,
    );
    await expect(expect(() => 1).toEventuallyBe(1, { form: 0 } as never)).rejects.toThrow(/Did you mean `from`\?/);
  });
});

describe('warnInstantPass', () => {
  test('reports a pass at the first attempt, and only that: not a later pass, not a wait with `from`', async () => {
    const lines: string[] = [];
    configure({ warnInstantPass: (line) => lines.push(line) });
    await expect(() => 1).toEventuallyBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^unflake: \.toEventuallyBe\(\) passed at its first attempt \([\d.]+ ms\)( in ".*")?: the condition already held when the wait began\. .*add `from`/,
    );
    const c = counter(0, 5);
    c.go();
    await expect(c.read).toEventuallyBe(5, { interval: 1 });
    const d = counter(0, 5);
    d.go();
    await expect(d.read).toEventuallyBe(5, { from: 0, interval: 1 });
    await eventually(
      () => 2,
      (n) => n === 2,
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^unflake: eventually\(\) passed at its first attempt/);
  });

  test('off by default', async () => {
    const warn = console.warn;
    const seen: unknown[] = [];
    console.warn = (...args: unknown[]) => void seen.push(args);
    try {
      await expect(() => 1).toEventuallyBe(1);
    } finally {
      console.warn = warn;
    }
    expect(seen).toEqual([]);
  });
});
