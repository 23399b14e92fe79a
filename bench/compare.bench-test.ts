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
import waitForExpect from 'wait-for-expect';

import { matchers } from '../matchers/index.ts';
import type { Backoff } from '../src/options/types.ts';

expect.extend(matchers);

const FAST_FLIP_MS = 3;
const SLOW_FLIP_MS = 600;
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
  Object.keys(tools).map((name) => [name, { fast: { latencyMs: [], calls: [] }, slow: { latencyMs: [], calls: [] }, alreadyTrueUs: [] }]),
);
const sweep: SweepResult[] = [];

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

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Round-robin over the entries, rotating who goes first, so drift in machine load is shared. */
async function roundRobin<T>(entries: readonly T[], reps: number, run: (entry: T) => Promise<void>): Promise<void> {
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < entries.length; k++) {
      await run(entries[(rep + k) % entries.length]!);
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

  it(`slow path: value flips after ~${SLOW_FLIP_MS} ms (${SLOW_REPS} reps per tool)`, async () => {
    await roundRobin(Object.keys(tools), SLOW_REPS, async (name) => {
      const { latencyMs, calls } = await trial(tools[name]!, SLOW_FLIP_MS);
      results[name]!.slow.latencyMs.push(latencyMs);
      results[name]!.slow.calls.push(calls);
    });
  });

  it(`already-true assertion cost (${TRUE_ITERS} iterations per tool)`, async () => {
    const probe: Probe = () => 1;
    for (const [name, wait] of Object.entries(tools)) {
      for (let i = 0; i < TRUE_WARMUP; i++) await wait(probe);
      const samples = results[name]!.alreadyTrueUs;
      for (let i = 0; i < TRUE_ITERS; i++) {
        const start = performance.now();
        await wait(probe);
        samples.push((performance.now() - start) * 1000);
      }
      await settle();
    }
  });

  it.runIf(SWEEP)('sweep of candidate default backoffs (fast path sequential, slow path concurrent)', async () => {
    for (const initial of [1, 2, 5])
      for (const factor of [1.5, 2])
        for (const max of [100, 200, 250]) sweep.push({ interval: { initial, factor, max, jitter: 0.1 }, fast: { latencyMs: [], calls: [] }, slow: { latencyMs: [], calls: [] } });
    const waiterOf = (s: SweepResult): Waiter => (probe) => expect(probe).toEventuallyEqual(1, { interval: s.interval });

    await roundRobin(sweep, FAST_REPS, async (s) => {
      const { latencyMs, calls } = await trial(waiterOf(s), FAST_FLIP_MS);
      s.fast.latencyMs.push(latencyMs);
      s.fast.calls.push(calls);
    });
    // Slow-path probe calls depend only on the schedule, and ±1 ms of event-loop contention is noise
    // next to pauses of 100-250 ms, so every candidate runs at once to keep the bench short.
    for (let rep = 0; rep < SLOW_REPS; rep++) {
      const outcomes = await Promise.all(sweep.map((s) => trial(waiterOf(s), SLOW_FLIP_MS)));
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
    const vitestVersion = (JSON.parse(safeRead(join(process.cwd(), 'node_modules/vitest/package.json')) || '{}') as { version?: string }).version ?? 'unknown';
    const data = {
      generatedAt: new Date().toISOString(),
      machine: { nproc: availableParallelism(), cpuModel, node: process.version, vitest: vitestVersion, platform: `${process.platform} ${process.arch}` },
      config: { fastFlipMs: FAST_FLIP_MS, slowFlipMs: SLOW_FLIP_MS, fastReps: FAST_REPS, slowReps: SLOW_REPS, alreadyTrueIterations: TRUE_ITERS, alreadyTrueWarmup: TRUE_WARMUP },
      tools: results,
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
