/**
 * The controllable-time measurements of `npm run bench` (second file of bench/vitest.config.ts):
 *  1. timer throughput: TestClock.advance vs raw @sinonjs/fake-timers vs vi.useFakeTimers, same workloads;
 *  2. virtual-time wait cost: a poll on a TestClock over one virtual hour vs vi.waitFor under fake timers
 *     (measured for a few real seconds and extrapolated, never run for an hour).
 * It asserts nothing about speed: raw samples go to $UNFLAKE_BENCH_CLOCK_OUT (see bench/report.ts).
 * The import cost of `unflake/clock` is measured outside Vitest, by bench/importCost.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as FakeTimers from '@sinonjs/fake-timers';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { TestClock } from '../clock/index.ts';
import { matchers } from '../matchers/index.ts';
import { clockOut } from './report.ts';

expect.extend(matchers);

// vi.useFakeTimers() fakes performance.now and process.hrtime too: keep the real one.
const realNow: () => number = performance.now.bind(performance);

const SAMPLES = Number(process.env.UNFLAKE_BENCH_CLOCK_SAMPLES ?? 30);
const WARMUP = Number(process.env.UNFLAKE_BENCH_CLOCK_WARMUP ?? 5);
const VIRTUAL_REPS = Number(process.env.UNFLAKE_BENCH_VIRTUAL_REPS ?? 5);
const WAITFOR_REPS = Number(process.env.UNFLAKE_BENCH_WAITFOR_REPS ?? 3);
const WAITFOR_REAL_TIMEOUT = 2_000;
const HOUR = 3_600_000;

const TIMERS = 10_000;
const SPREAD_MS = 10_000;
const ROUNDS = 1_000;
const PER_ROUND = 10;
const ROUND_MS = 10;

/** 10 000 distinct delays over 0..10 000 ms, in a scrambled order (7919 is coprime with 10 001), same for every tool. */
const spreadDelays = Array.from({ length: TIMERS }, (_, i) => (i * 7919) % (SPREAD_MS + 1));
/** 10 delays over 1..10 ms, scrambled, so every timer of a round fires within its 10 ms advance. */
const roundDelays = Array.from({ length: PER_ROUND }, (_, k) => ((k * 7) % ROUND_MS) + 1);

/** One tool: a fresh clock per sample (not timed), its setTimeout and its synchronous advance. */
interface TimerTool {
  setup(): { setTimeout: (callback: () => void, ms: number) => unknown; advance: (ms: number) => void };
  teardown(): void;
}

const timerTools: Record<string, TimerTool> = {
  'TestClock.advance': {
    setup() {
      const clock = new TestClock();
      return { setTimeout: (cb, ms) => clock.setTimeout(cb, ms), advance: (ms) => clock.advance(ms) };
    },
    teardown() {},
  },
  'raw fake-timers tick': {
    setup() {
      const clock = FakeTimers.withGlobal(globalThis).createClock();
      return { setTimeout: (cb, ms) => clock.setTimeout(cb, ms), advance: (ms) => void clock.tick(ms) };
    },
    teardown() {},
  },
  'vi.useFakeTimers + advanceTimersByTime': {
    setup() {
      vi.useFakeTimers();
      return {
        setTimeout: (cb, ms) => globalThis.setTimeout(cb, ms),
        advance: (ms) => void vi.advanceTimersByTime(ms),
      };
    },
    teardown() {
      vi.useRealTimers();
    },
  },
};

interface Sample {
  /** Timers fired per second of real time, scheduling included. */
  timersPerS: number;
  scheduleMs: number;
  advanceMs: number;
}

type Workload = (tool: ReturnType<TimerTool['setup']>, fire: () => void) => { scheduleMs: number; advanceMs: number };

const workloads: Record<string, Workload> = {
  [`${TIMERS} timers over 0..${SPREAD_MS} ms, one advance(${SPREAD_MS})`]: (t, fire) => {
    const start = realNow();
    for (const delay of spreadDelays) t.setTimeout(fire, delay);
    const scheduled = realNow();
    t.advance(SPREAD_MS);
    return { scheduleMs: scheduled - start, advanceMs: realNow() - scheduled };
  },
  [`${ROUNDS} rounds of (${PER_ROUND} timers, advance(${ROUND_MS}))`]: (t, fire) => {
    let scheduleMs = 0;
    let advanceMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const start = realNow();
      for (const delay of roundDelays) t.setTimeout(fire, delay);
      const scheduled = realNow();
      t.advance(ROUND_MS);
      const done = realNow();
      scheduleMs += scheduled - start;
      advanceMs += done - scheduled;
    }
    return { scheduleMs, advanceMs };
  },
};

const throughput: Record<string, Record<string, Sample[]>> = {};

interface VirtualRun {
  realMs: number;
  probeCalls: number;
  virtualMs: number;
}
interface WaitForRun {
  realMs: number;
  fakeAdvancedMs: number;
  checks: number;
}
const virtual: { flip: VirtualRun[]; timeout: VirtualRun[]; day: VirtualRun[]; waitFor: WaitForRun[] } = {
  flip: [],
  timeout: [],
  day: [],
  waitFor: [],
};

describe('controllable time bench', () => {
  for (const [workloadName, workload] of Object.entries(workloads)) {
    it(`timer throughput: ${workloadName} (${WARMUP} warm-up + ${SAMPLES} samples per tool)`, () => {
      const names = Object.keys(timerTools);
      const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
      for (let rep = 0; rep < WARMUP + SAMPLES; rep++) {
        // Round-robin, rotating who goes first, so drift in machine load (and the garbage the previous
        // sample left) is shared; the report pairs each TestClock sample with the raw one of its round.
        for (let k = 0; k < names.length; k++) {
          const name = names[(rep + k) % names.length]!;
          const tool = timerTools[name]!;
          let fired = 0;
          const fire = () => {
            fired++;
          };
          const t = tool.setup();
          let timing: { scheduleMs: number; advanceMs: number };
          try {
            timing = workload(t, fire);
          } finally {
            tool.teardown();
          }
          if (fired !== TIMERS) throw new Error(`${name}: ${fired} of ${TIMERS} timers fired`);
          if (rep >= WARMUP)
            samples[name]!.push({ timersPerS: fired / ((timing.scheduleMs + timing.advanceMs) / 1000), ...timing });
        }
      }
      throughput[workloadName] = samples;
    });
  }

  it(`virtual time: a flip after one virtual hour, toEventuallyBe with { clock } (${VIRTUAL_REPS} reps)`, async () => {
    for (let rep = 0; rep < VIRTUAL_REPS; rep++) {
      const clock = new TestClock();
      let state = 'pending';
      let probeCalls = 0;
      clock.setTimeout(() => {
        state = 'done';
      }, HOUR);
      const probe = () => {
        probeCalls++;
        return state;
      };
      const start = realNow();
      await expect(probe).toEventuallyBe('done', { clock, timeout: HOUR + 1000 });
      virtual.flip.push({ realMs: realNow() - start, probeCalls, virtualMs: clock.monotonic() });
    }
  });

  it(`virtual time: a flip after one virtual day, toEventuallyBe with { clock } (${VIRTUAL_REPS} reps)`, async () => {
    for (let rep = 0; rep < VIRTUAL_REPS; rep++) {
      const clock = new TestClock();
      let state = 'pending';
      let probeCalls = 0;
      clock.setTimeout(() => {
        state = 'done';
      }, 24 * HOUR);
      const start = realNow();
      await expect(() => (probeCalls++, state)).toEventuallyBe('done', { clock, timeout: 25 * HOUR });
      virtual.day.push({ realMs: realNow() - start, probeCalls, virtualMs: clock.monotonic() });
    }
  });

  it(`virtual time: a poll that times out after one virtual hour (${VIRTUAL_REPS} reps)`, async () => {
    for (let rep = 0; rep < VIRTUAL_REPS; rep++) {
      const clock = new TestClock();
      let probeCalls = 0;
      const probe = () => {
        probeCalls++;
        return 'pending';
      };
      const start = realNow();
      let failed = false;
      try {
        await expect(probe).toEventuallyBe('done', { clock, timeout: HOUR });
      } catch {
        failed = true;
      }
      const realMs = realNow() - start;
      if (!failed) throw new Error('the poll passed; it should have timed out');
      virtual.timeout.push({ realMs, probeCalls, virtualMs: clock.monotonic() });
    }
  });

  it(`virtual time: vi.waitFor under vi.useFakeTimers, ${WAITFOR_REAL_TIMEOUT} ms of real time (${WAITFOR_REPS} reps, extrapolated to one hour)`, async () => {
    for (let rep = 0; rep < WAITFOR_REPS; rep++) {
      vi.useFakeTimers();
      try {
        let state = 'pending';
        let checks = 0;
        setTimeout(() => {
          state = 'done';
        }, HOUR);
        const fakeStart = Date.now();
        const start = realNow();
        let failed = false;
        try {
          await vi.waitFor(
            () => {
              checks++;
              expect(state).toBe('done');
            },
            { timeout: WAITFOR_REAL_TIMEOUT },
          );
        } catch {
          failed = true;
        }
        const realMs = realNow() - start;
        if (!failed)
          throw new Error('vi.waitFor saw the flip within the real timeout; the extrapolation assumes it does not');
        virtual.waitFor.push({ realMs, fakeAdvancedMs: Date.now() - fakeStart, checks });
      } finally {
        vi.useRealTimers();
      }
    }
  });

  afterAll(() => {
    const fakeTimersVersion = safeVersion('@sinonjs/fake-timers/package.json');
    writeFileSync(
      clockOut(),
      JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          config: {
            samples: SAMPLES,
            warmup: WARMUP,
            timers: TIMERS,
            spreadMs: SPREAD_MS,
            rounds: ROUNDS,
            perRound: PER_ROUND,
            roundMs: ROUND_MS,
            virtualReps: VIRTUAL_REPS,
            waitForReps: WAITFOR_REPS,
            waitForRealTimeoutMs: WAITFOR_REAL_TIMEOUT,
            hourMs: HOUR,
            fakeTimersVersion,
          },
          throughput,
          virtual,
        },
        null,
        2,
      ),
    );
  });
});

function safeVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(createRequire(import.meta.url).resolve(pkg), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}
