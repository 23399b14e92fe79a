/**
 * The already-true measurement of the in-runner bench (issue 20), shared by the Vitest and the Jest file:
 * each entry is one way to assert that a value already holds; every entry runs `warmup` times, then blocks
 * of 100 round-robin (rotating who goes first) until each has `iterations` samples, so JIT warm-up and
 * machine drift are shared. Samples are µs per awaited assertion, inside one real test.
 */
import { writeFileSync } from 'node:fs';

/** One way to assert; the loop awaits what it returns (`undefined` for the synchronous ones). */
export type Assertion = () => unknown;

export interface InRunnerData {
  runner: string;
  version: string;
  iterations: number;
  warmup: number;
  /** µs per assertion, by entry name. */
  samples: Record<string, number[]>;
}

export const ITERATIONS = Number(process.env.UNFLAKE_BENCH_INRUNNER_ITERS ?? 3000);
export const WARMUP = 300;
const BLOCK = 100;

/** `UNFLAKE_BENCH_INRUNNER_ONLY=unflake` keeps only the entries whose name contains it (for a CPU profile of one path). */
export async function measure(entries: Record<string, Assertion>): Promise<Record<string, number[]>> {
  const only = process.env.UNFLAKE_BENCH_INRUNNER_ONLY;
  const names = Object.keys(entries).filter((name) => !only || name.includes(only));
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) for (let i = 0; i < WARMUP; i++) await entries[name]!();
  for (let round = 0; round < Math.ceil(ITERATIONS / BLOCK); round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const assertion = entries[name]!;
      const into = samples[name]!;
      for (let i = 0; i < BLOCK && into.length < ITERATIONS; i++) {
        const start = performance.now();
        await assertion();
        into.push((performance.now() - start) * 1000);
      }
      // One macrotask between blocks: timers and I/O of the runner get their turn, as between tests.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return samples;
}

/** The matchers the breakdown registers with `expect.extend`: they do nothing, so what they cost is the runner's. */
export const trivialMatchers = {
  toBeTriviallyTrue(received: unknown) {
    return { pass: received !== Symbol.iterator, message: () => 'never shown' };
  },
  toBeTriviallyTrueAsync(received: unknown) {
    return Promise.resolve({ pass: received !== Symbol.iterator, message: () => 'never shown' });
  },
};

/** The part of a runner's `expect` the breakdown uses, with `trivialMatchers` registered. */
export interface BreakdownExpect {
  (value: unknown): {
    toEqual(expected: unknown): void;
    toBeTriviallyTrue(): void;
    toBeTriviallyTrueAsync(): Promise<void>;
    resolves: { toEqual(expected: unknown): Promise<void> };
  };
}

/**
 * The runner's own costs, cheapest first, to read an eventual assertion's cost against (same `probe`, same
 * `want` as every entry): the loop's `await` alone, `expect(v)` alone, a synchronous `toEqual`, a custom
 * matcher that does nothing (synchronous, then returning a resolved promise: the machinery any async custom
 * matcher pays), and the floor. `expect` must have `trivialMatchers` registered.
 */
export function breakdownEntries(
  expect: BreakdownExpect,
  probe: () => unknown,
  want: unknown,
): Record<string, Assertion> {
  return {
    [LOOP]: () => undefined,
    'expect(v) alone': () => {
      expect(probe());
    },
    'sync expect(v).toEqual(x)': () => {
      expect(probe()).toEqual(want);
    },
    'custom sync matcher (expect.extend, does nothing)': () => {
      expect(probe()).toBeTriviallyTrue();
    },
    'custom async matcher (expect.extend, resolved promise)': () => expect(probe()).toBeTriviallyTrueAsync(),
    [FLOOR]: () => expect(Promise.resolve(probe())).resolves.toEqual(want),
  };
}

export const LOOP = 'loop: `await` of the entry, nothing else';
export const FLOOR = 'floor: await expect(Promise.resolve(v)).resolves.toEqual(x)';

export function write(data: InRunnerData): void {
  const out = process.env.UNFLAKE_BENCH_INRUNNER_OUT;
  if (!out) throw new Error('bench/inRunner: set UNFLAKE_BENCH_INRUNNER_OUT (bench/inRunner.ts does)');
  writeFileSync(out, JSON.stringify(data, null, 2));
}
