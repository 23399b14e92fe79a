/**
 * The measurements of `npm run bench`, run inside Vitest (expect.poll and vi.waitFor only exist there).
 * It asserts nothing about speed: it collects raw samples into a JSON file that bench/report.ts prints.
 * Run on its own: `vitest run --config bench/vitest.config.ts` (writes $UNFLAKE_BENCH_OUT or <tmpdir>/unflake-bench.json).
 */
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import waitForExpectModule from 'wait-for-expect';

import { matchers } from '../matchers/index.ts';
import type { Backoff } from '../src/options/types.ts';

expect.extend(matchers);

// wait-for-expect is CommonJS with `exports.default`: under NodeNext the default import is the module
// object for TypeScript, and the function (which also carries `.default`) at run time.
const waitForExpect = waitForExpectModule.default;

const FAST_FLIP_MS = 3;
const SLOW_FLIP_MS = 600;
/** The slow flip is drawn from 600 ± 50 ms (same draw for every tool in a round, same seed every run), so no
 *  schedule is favoured by where its fixed phase happens to fall at exactly 600 ms. */
const SLOW_FLIP_SPREAD_MS = 50;
const FAST_REPS = Number(process.env.UNFLAKE_BENCH_FAST_REPS ?? 30);
const SLOW_REPS = Number(process.env.UNFLAKE_BENCH_SLOW_REPS ?? 10);
const TRUE_ITERS = Number(process.env.UNFLAKE_BENCH_TRUE_ITERS ?? 2000);
const TRUE_WARMUP = 200;
const SWEEP = process.env.UNFLAKE_BENCH_SWEEP !== '0';
const OUT = process.env.UNFLAKE_BENCH_OUT ?? join(tmpdir(), 'unflake-bench.json');

type Probe = () => number;
/** Resolves once the probe returns 1, the way each tool is normally written, with its defaults. */
type Waiter = (probe: Probe) => Promise<unknown>;

const emitter = new EventEmitter();
emitter.setMaxListeners(0);

const tools: Record<string, Waiter> = {
  'unflake toEventuallyEqual': (probe) => expect(probe).toEventuallyEqual(1),
  'vitest expect.poll': (probe) => expect.poll(probe).toBe(1),
  'vitest vi.waitFor': (probe) =>
    vi.waitFor(() => {
      expect(probe()).toBe(1);
    }),
  'wait-for-expect': (probe) =>
    waitForExpect(() => {
      expect(probe()).toBe(1);
    }),
  'unflake + wakeOn': (probe) => expect(probe).toEventuallyEqual(1, { wakeOn: [emitter, 'change'] }),
};

interface Path {
  latencyMs: number[];
  calls: number[];
}
interface ToolResult {
  fast: Path;
  slow: Path;
  alreadyTrueUs: number[];
}
interface SweepResult {
  interval: Required<Backoff>;
  fast: Path;
  slow: Path;
}

const results: Record<string, ToolResult> = Object.fromEntries(
  Object.keys(tools).map((name) => [
    name,
    { fast: { latencyMs: [], calls: [] }, slow: { latencyMs: [], calls: [] }, alreadyTrueUs: [] },
  ]),
);
const sweep: SweepResult[] = [];
const DIAGNOSTIC = 'unflake toEventuallyEqual, Error.stackTraceLimit = 0';
const diagnostics: Record<string, number[]> = { [DIAGNOSTIC]: [] };

/** One trial: the value flips 0 → 1 in a real setTimeout (which also emits 'change'); latency is flip → resolved. */
async function trial(wait: Waiter, flipAfterMs: number): Promise<{ latencyMs: number; calls: number }> {
  let value = 0;
  let calls = 0;
  let flippedAt = Number.NaN;
  const probe: Probe = () => {
    calls++;
    return value;
  };
  const timer = setTimeout(() => {
    value = 1;
    flippedAt = performance.now();
    emitter.emit('change');
  }, flipAfterMs);
  try {
    await wait(probe);
  } finally {
    clearTimeout(timer);
  }
  const resolvedAt = performance.now();
  if (Number.isNaN(flippedAt)) throw new Error('resolved before the flip');
  return { latencyMs: resolvedAt - flippedAt, calls };
}

/** mulberry32: a tiny seeded PRNG, so every run draws the same slow flip times. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const slowFlips = (() => {
  const random = seeded(0x5eed);
  return Array.from(
    { length: SLOW_REPS },
    () => SLOW_FLIP_MS - SLOW_FLIP_SPREAD_MS + 2 * SLOW_FLIP_SPREAD_MS * random(),
  );
})();

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Round-robin over the entries, rotating who goes first, so drift in machine load is shared. */
async function roundRobin<T>(
  entries: readonly T[],
  reps: number,
  run: (entry: T, rep: number) => Promise<void>,
): Promise<void> {
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < entries.length; k++) {
      await run(entries[(rep + k) % entries.length]!, rep);
      await settle();
    }
  }
}

const flipEmitters = () => emitter.listenerCount('change');

describe('unflake bench', () => {
  it(`fast path: value flips after ~${FAST_FLIP_MS} ms (${FAST_REPS} reps per tool)`, async () => {
    await roundRobin(Object.keys(tools), FAST_REPS, async (name) => {
      const { latencyMs, calls } = await trial(tools[name]!, FAST_FLIP_MS);
      results[name]!.fast.latencyMs.push(latencyMs);
      results[name]!.fast.calls.push(calls);
    });
  });

  it(`slow path: value flips after ${SLOW_FLIP_MS} ± ${SLOW_FLIP_SPREAD_MS} ms (${SLOW_REPS} reps per tool)`, async () => {
    await roundRobin(Object.keys(tools), SLOW_REPS, async (name, rep) => {
      const { latencyMs, calls } = await trial(tools[name]!, slowFlips[rep]!);
      results[name]!.slow.latencyMs.push(latencyMs);
      results[name]!.slow.calls.push(calls);
    });
  });

  it(`already-true assertion cost (${TRUE_ITERS} iterations per tool)`, async () => {
    const probe: Probe = () => 1;
    // Diagnostic only: unflake with V8 stack frames off, i.e. what the assertion costs without formatting
    // the call-site stack (Vitest source-maps every formatted stack).
    const diagnostic: Waiter = async (p) => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return await tools['unflake toEventuallyEqual']!(p);
      } finally {
        Error.stackTraceLimit = limit;
      }
    };
    const entries: [string, Waiter, number[]][] = [
      ...Object.entries(tools).map(([name, wait]): [string, Waiter, number[]] => [
        name,
        wait,
        results[name]!.alreadyTrueUs,
      ]),
      [DIAGNOSTIC, diagnostic, diagnostics[DIAGNOSTIC]!],
    ];
    for (const [, wait] of entries) for (let i = 0; i < TRUE_WARMUP; i++) await wait(probe);
    // Blocks of 100, round-robin, so JIT warm-up and machine drift are shared by every tool.
    const block = 100;
    await roundRobin(entries, Math.ceil(TRUE_ITERS / block), async ([, wait, samples]) => {
      for (let i = 0; i < block && samples.length < TRUE_ITERS; i++) {
        const start = performance.now();
        await wait(probe);
        samples.push((performance.now() - start) * 1000);
      }
    });
  });

  it.runIf(SWEEP)('sweep of candidate default backoffs (fast path sequential, slow path concurrent)', async () => {
    for (const initial of [1, 2, 5])
      for (const factor of [1.5, 2])
        for (const max of [100, 200, 250])
          sweep.push({
            interval: { initial, factor, max, jitter: 0.1 },
            fast: { latencyMs: [], calls: [] },
            slow: { latencyMs: [], calls: [] },
          });
    const waiterOf =
      (s: SweepResult): Waiter =>
      (probe) =>
        expect(probe).toEventuallyEqual(1, { interval: s.interval });

    await roundRobin(sweep, FAST_REPS, async (s) => {
      const { latencyMs, calls } = await trial(waiterOf(s), FAST_FLIP_MS);
      s.fast.latencyMs.push(latencyMs);
      s.fast.calls.push(calls);
    });
    // Slow-path probe calls depend only on the schedule, and ±1 ms of event-loop contention is noise
    // next to pauses of 100-250 ms, so every candidate runs at once to keep the bench short.
    for (let rep = 0; rep < SLOW_REPS; rep++) {
      const outcomes = await Promise.all(sweep.map((s) => trial(waiterOf(s), slowFlips[rep]!)));
      outcomes.forEach(({ latencyMs, calls }, i) => {
        sweep[i]!.slow.latencyMs.push(latencyMs);
        sweep[i]!.slow.calls.push(calls);
      });
      await settle();
    }
  });

  afterAll(() => {
    if (flipEmitters() !== 0) throw new Error(`wakeOn listeners left behind: ${flipEmitters()}`);
    const cpuModel = /^model name\s*:\s*(.*)$/m.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
    const vitestVersion =
      (JSON.parse(safeRead(join(process.cwd(), 'node_modules/vitest/package.json')) || '{}') as { version?: string })
        .version ?? 'unknown';
    const data = {
      generatedAt: new Date().toISOString(),
      machine: {
        nproc: availableParallelism(),
        cpuModel,
        node: process.version,
        vitest: vitestVersion,
        platform: `${process.platform} ${process.arch}`,
      },
      config: {
        fastFlipMs: FAST_FLIP_MS,
        slowFlipMs: SLOW_FLIP_MS,
        slowFlipSpreadMs: SLOW_FLIP_SPREAD_MS,
        slowFlipsMs: slowFlips,
        fastReps: FAST_REPS,
        slowReps: SLOW_REPS,
        alreadyTrueIterations: TRUE_ITERS,
        alreadyTrueWarmup: TRUE_WARMUP,
      },
      tools: results,
      alreadyTrueDiagnostics: diagnostics,
      sweep,
    };
    writeFileSync(OUT, JSON.stringify(data, null, 2));
  });
});

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
