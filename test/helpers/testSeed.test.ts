import nodeCrypto from 'node:crypto';
import { currentTestName } from '../../src/helpers/currentTest.ts';
import { seededRandom } from '../../src/helpers/seededRandom.ts';
import { hash32, runSeed, testSeed } from '../../src/helpers/testSeed.ts';
import { runner } from '../support/runner.ts';
import { runFixture } from './fixtures/isolationRun.ts';

let outsideSeed: number | undefined;
beforeAll(() => {
  outsideSeed = testSeed();
});

describe('testSeed', () => {
  test('an integer from the run seed and the full test name; the run seed itself outside a test', () => {
    const seed = testSeed();
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff).toBe(true);
    expect(testSeed()).toBe(seed);
    expect(seed).toBe(hash32(`${runSeed()}\u0000${currentTestName()}`));
    expect(outsideSeed).toBe(runSeed());
    expect(process.env.UNFLAKE_SEED).toBe(String(runSeed()));
  });

  test('UNFLAKE_SEED from the environment is the run seed; a bad one is a TypeError saying what it must be', () => {
    const saved = process.env.UNFLAKE_SEED;
    try {
      process.env.UNFLAKE_SEED = '12345';
      expect(runSeed()).toBe(12345);
      expect(testSeed()).toBe(hash32(`12345\u0000${currentTestName()}`));
      process.env.UNFLAKE_SEED = 'abc';
      expect(() => runSeed()).toThrow(
        new TypeError(
          'UNFLAKE_SEED must be a whole number from 0 to 4294967295 (as a failure\'s "Run:" line prints it), got "abc".',
        ),
      );
      process.env.UNFLAKE_SEED = '4294967296';
      expect(() => runSeed()).toThrow(TypeError);
    } finally {
      process.env.UNFLAKE_SEED = saved;
    }
  });
});

describe('seededRandom', () => {
  test('the same seed gives the same sequence (pinned: a change would break every recorded seed)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draw = (r: typeof a): unknown[] => [r.next(), r.int(1, 6), r.pick(['x', 'y', 'z']), r.uuid()];
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(first).toEqual(PINNED_42);
    expect(draw(seededRandom(43))).not.toEqual(first);
    expect(seededRandom(42).seed).toBe(42);
    expect(seededRandom().seed).toBe(testSeed());
  });

  test('next() in [0, 1), int() inclusive at both ends, pick() every element, uuid() a version 4 UUID', () => {
    const r = seededRandom(7);
    const ints = new Set<number>();
    const picks = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      ints.add(r.int(-2, 2));
      picks.add(r.pick(['a', 'b', 'c']));
    }
    expect([...ints].sort()).toEqual([-1, -2, 0, 1, 2]);
    expect([...picks].sort()).toEqual(['a', 'b', 'c']);
    expect(r.int(5, 5)).toBe(5);
    expect(r.int(0, 2 ** 40)).toBeLessThanOrEqual(2 ** 40);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Seeds beyond 32 bits are folded, not truncated into one another.
    expect(seededRandom(2 ** 32).next()).not.toBe(seededRandom(0).next());
  });

  test('bad input: a TypeError naming the function and the argument', () => {
    expect(() => seededRandom('42' as never)).toThrow(
      new TypeError("seededRandom(): `seed` must be an integer (e.g. testSeed(), or one a failure printed), got '42'."),
    );
    expect(() => seededRandom(1.5)).toThrow(TypeError);
    const r = seededRandom(1);
    expect(() => r.int(5, 1)).toThrow(
      new TypeError('seededRandom().int(): `min` (5) must not be greater than `max` (1).'),
    );
    expect(() => r.int(0, 1.5)).toThrow(new TypeError('seededRandom().int(): `max` must be a safe integer, got 1.5.'));
    expect(() => r.pick([])).toThrow(new TypeError('seededRandom().pick(): `list` must be a non-empty array, got [].'));
  });

  test('install(): Math.random and crypto.randomUUID (global and node:crypto) follow it; the returned function restores them', () => {
    const realRandom = Math.random;
    const realUuid = nodeCrypto.randomUUID;
    const expected = seededRandom(99);
    const restore = seededRandom(99).install();
    try {
      expect([Math.random(), Math.random(), crypto.randomUUID(), nodeCrypto.randomUUID()]).toEqual([
        expected.next(),
        expected.next(),
        expected.uuid(),
        expected.uuid(),
      ]);
    } finally {
      restore();
    }
    expect(Math.random).toBe(realRandom);
    expect(nodeCrypto.randomUUID).toBe(realUuid);
    expect(Object.hasOwn(crypto, 'randomUUID')).toBe(false);
    restore(); // a second call does nothing
    expect(Math.random).toBe(realRandom);
  });
});

describe('seeds in a real runner', () => {
  test('rerunning with the printed UNFLAKE_SEED draws the same values in the test, a worker thread and a child; installs end with their test and stay per test', async () => {
    const first = await runFixture('seed.fixture.ts', { UNFLAKE_SEED: undefined, UNFLAKE_RUN_ID: undefined });
    const failure = first.tests.get('draws data')!.failureMessages.join('\n');
    const printed = /^Run: .* · UNFLAKE_SEED (\d+)(?: · |$)/m.exec(failure)?.[1];
    expect({ printed, failure: printed ? '' : failure }).toEqual({
      printed: expect.stringMatching(/^\d+$/),
      failure: '',
    });
    const again = await runFixture('seed.fixture.ts', { UNFLAKE_SEED: printed, UNFLAKE_RUN_ID: undefined });
    const data = (run: typeof first): Record<string, unknown> => run.records.find((r) => r.name === 'data')!;
    const [one, two] = [data(first), data(again)];
    // A new run has new traces; everything drawn from the seed is the same.
    const drawnIn = (r: Record<string, unknown>): unknown => ({
      seed: r.seed,
      values: r.values,
      installed: r.installed,
      worker: r.worker,
      child: { ...(r.child as object), traceId: undefined, parentSpanId: undefined },
    });
    expect(drawnIn(two)).toEqual(drawnIn(one));
    // What the values are: the test's from its seed; the worker's and the child's from the inherited run seed.
    const fromTest = seededRandom(one.seed as number);
    expect((one.values as unknown[])[0]).toBe(fromTest.next());
    const fromRun = seededRandom(Number(printed));
    const expectedFromRun = [fromRun.next(), fromRun.uuid()];
    expect((one.worker as { runSeed: number; fromRun: unknown[] }).fromRun).toEqual(expectedFromRun);
    expect((one.child as { runSeed: number; fromRun: unknown[] }).fromRun).toEqual(expectedFromRun);
    expect((one.child as { runSeed: number }).runSeed).toBe(Number(printed));
    expect((one.child as { traceId: string }).traceId).toBe(one.traceId);
    const installed = seededRandom((one.seed as number) + 1);
    expect(one.installed).toEqual([installed.next(), installed.uuid()]);
    const third = installed.uuid();
    // `import { randomUUID } from 'node:crypto'`: Vitest reads the live binding; Jest's ESM linker copied it at import (README says so).
    if (runner.name === 'vitest') expect(one.namedImport).toBe(third);
    else expect(one.namedImport).not.toBe(third);
    // The install ended with its test; concurrent installs did not disturb each other.
    expect(first.records.find((r) => r.name === 'next test')?.real).toBe(true);
    const drawn = (name: string): unknown => first.records.find((r) => r.name === name)?.drawn;
    const [a, b] = [seededRandom(1), seededRandom(2)];
    expect({ a: drawn('concurrent a'), b: drawn('concurrent b') }).toEqual({
      a: [a.next(), a.next(), a.next()],
      b: [b.next(), b.next(), b.next()],
    });
  }, 120_000);
});

const PINNED_42: unknown[] = [0.5371749284173774, 5, 'x', '01f0f997-df7d-42a8-b45a-9e8434b3e391'];
