/**
 * "Every matcher is bounded", measured: the delivery matchers on 20 000 events (and on a handler that
 * never settles) inside a simulated test with the runner's default 5 s timeout. For each case: how
 * long it ran, when it ended relative to the test's deadline, the longest the event loop was blocked,
 * the message size, and that no real timer was left behind.
 *
 * "Blocked" is measured two ways: the wall-clock maximum of perf_hooks.monitorEventLoopDelay (1 ms
 * resolution; on a loaded machine it also counts the time the OS ran other processes), and the most
 * main-thread CPU time spent between two consecutive setImmediate turns (process.threadCpuUsage, which
 * the kernel accounts in ticks of a few ms), which is the work the check did without yielding. Run with `node bench/deliveryBounds.ts` through npm's Node 24 (or from bench/run.ts).
 *
 * The test is simulated with the test-state module the runner entries use (beginTest/runInTest with a
 * fixed 5 s timeout), and the matchers run on the standalone `expect` package: the real matcher
 * shells, message formatting included.
 */
import { expect as baseExpect } from 'expect';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { matchers } from '../matchers/index.ts';
import { beginTest, endTest, runInTest } from '../src/runner/testState.ts';
import { monotonicNow, pendingRealTimers } from '../src/time/realTime.ts';

baseExpect.extend(matchers as never);
type Assertion = {
  toConvergeInAnyOrder(events: unknown[], options: unknown): Promise<void>;
  toBeIdempotent(events: unknown, options: unknown): Promise<void>;
};
const expect = baseExpect as unknown as (value: unknown) => Assertion & { not: Assertion };

const TEST_TIMEOUT = 5_000;
const COUNT = 20_000;

type Event = { type: 'Deposited' | 'Renamed'; id: string; account: string; seq: number; amount: number; name?: string };
const events: Event[] = Array.from({ length: COUNT }, (_, i) => ({
  type: i % 10 === 9 ? 'Renamed' : 'Deposited',
  id: `m${i}`,
  account: `acc-${i % 100}`,
  seq: i,
  amount: 1,
  ...(i % 10 === 9 ? { name: `n${i}` } : {}),
}));

function projection(orderBug: boolean) {
  const seen = new Set<string>();
  const balance = new Map<string, number>();
  const name = new Map<string, { name: string; seq: number }>();
  const reset = (): void => (seen.clear(), balance.clear(), name.clear());
  const state = (): unknown => ({
    balance: Object.fromEntries(balance),
    name: Object.fromEntries([...name].map(([k, v]) => [k, v.name])),
  });
  const project = (e: Event): void => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (e.type === 'Deposited') balance.set(e.account, (balance.get(e.account) ?? 0) + e.amount);
    // The planted bug: the last rename to arrive wins, instead of the one with the highest seq.
    else if (orderBug || e.seq > (name.get(e.account)?.seq ?? -1)) name.set(e.account, { name: e.name!, seq: e.seq });
  };
  return { reset, state, project };
}

interface Case {
  name: string;
  run: () => Promise<void>;
}

const correct = projection(false);
const buggy = projection(true);
const asyncCorrect = {
  ...correct,
  project: async (e: Event): Promise<void> => (await Promise.resolve(), correct.project(e)),
};

const cases: Case[] = [
  {
    name: 'converge: correct handler, 100 runs',
    run: () => expect(correct.project).toConvergeInAnyOrder(events, { reset: correct.reset, state: correct.state }),
  },
  {
    name: 'converge: last-write-wins bug, find + shrink',
    run: () => expect(buggy.project).toConvergeInAnyOrder(events, { reset: buggy.reset, state: buggy.state, seed: 1 }),
  },
  {
    name: 'converge: correct handler, 1 000 000 runs (more than time allows)',
    run: () =>
      expect(correct.project).toConvergeInAnyOrder(events, {
        reset: correct.reset,
        state: correct.state,
        runs: 1_000_000,
      }),
  },
  {
    name: 'converge: async handler, 1 000 000 runs',
    run: () =>
      expect(asyncCorrect.project).toConvergeInAnyOrder(events, {
        reset: correct.reset,
        state: correct.state,
        runs: 1_000_000,
      }),
  },
  {
    name: 'converge: the 3rd delivery never settles',
    run: () =>
      expect((e: Event) => (e.seq === 2 ? new Promise(() => {}) : undefined)).toConvergeInAnyOrder(events, {
        reset: () => {},
        state: () => 0,
      }),
  },
  {
    name: 'idempotent: 20 000 events, no reset',
    // From a fresh state: after the runs above every id is seen, and a first delivery that changes nothing fails.
    run: () => (correct.reset(), expect(correct.project).toBeIdempotent(events, { state: correct.state })),
  },
  {
    name: 'idempotent: 20 000 events with reset (history replays: quadratic)',
    run: () => expect(correct.project).toBeIdempotent(events, { state: correct.state, reset: correct.reset }),
  },
];

interface Row {
  name: string;
  outcome: string;
  ranMs: number;
  /** Ms between the end and the test's deadline (positive: before it). */
  beforeDeadlineMs: number;
  maxBlockMs: number;
  maxCpuStretchMs: number;
  messageChars: number;
  leftTimers: number;
}

const threadCpuMs = (): number => {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** The most main-thread CPU spent between two turns of the event loop while it runs. */
function watchCpuStretches(): () => number {
  let running = true;
  let last = threadCpuMs();
  let max = 0;
  const tick = (): void => {
    const now = threadCpuMs();
    max = Math.max(max, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return () => ((running = false), max);
}

async function measure(c: Case): Promise<Row> {
  const state = beginTest({ runner: 'jest', name: c.name, timeout: TEST_TIMEOUT });
  const deadline = monotonicNow() + TEST_TIMEOUT;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const stopWatching = watchCpuStretches();
  const started = monotonicNow();
  let outcome = 'passed';
  let message = '';
  try {
    await runInTest(state, c.run);
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
    outcome =
      message
        .split('\n')
        .find((line) => /stopped|depends|did not settle|not shown/.test(line))
        ?.replace(/\u001b\[[0-9;]*m/g, '') ?? 'failed';
  }
  const ended = monotonicNow();
  delay.disable();
  const maxCpuStretchMs = stopWatching();
  endTest(state);
  return {
    name: c.name,
    outcome: outcome.length > 110 ? `${outcome.slice(0, 110)}…` : outcome,
    ranMs: ended - started,
    beforeDeadlineMs: deadline - ended,
    maxBlockMs: delay.max / 1e6,
    maxCpuStretchMs,
    messageChars: message.length,
    leftTimers: pendingRealTimers(),
  };
}

export async function runDeliveryBoundsBench(): Promise<string> {
  const rows: Row[] = [];
  for (const c of cases) rows.push(await measure(c));
  return [
    `### Delivery matchers are bounded (${COUNT} events, simulated ${TEST_TIMEOUT} ms test timeout, margin 250 ms; load average ${loadavg()[0]!.toFixed(1)})`,
    '',
    '| case | ran | ended before the deadline | event-loop delay max (wall) | longest CPU stretch without a turn | message | timers left | outcome |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.ranMs.toFixed(0)} ms | ${r.beforeDeadlineMs.toFixed(0)} ms | ${r.maxBlockMs.toFixed(1)} ms | ${r.maxCpuStretchMs.toFixed(1)} ms | ${r.messageChars} chars | ${r.leftTimers} | ${r.outcome.replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await runDeliveryBoundsBench());
