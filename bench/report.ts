/**
 * Prints the figures collected by bench/compare.bench-test.ts as Markdown tables (stdout), then those of
 * bench/clock.bench-test.ts and bench/importCost.ts (controllable time) when their file exists.
 * `node bench/report.ts [file.json [clock.json]]`; the default files are $UNFLAKE_BENCH_OUT or
 * <tmpdir>/unflake-bench.json, and $UNFLAKE_BENCH_CLOCK_OUT or <tmpdir>/unflake-bench-clock.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { IMPORT_GOAL_MS, MAIN_ENTRY, type ImportCost } from './importCost.ts';
import { median, p90, quantile } from './stats.ts';

interface Path {
  latencyMs: number[];
  calls: number[];
}
interface BenchData {
  generatedAt: string;
  machine: { nproc: number; cpuModel: string; node: string; vitest: string; platform: string };
  config: {
    fastFlipMs: number;
    slowFlipMs: number;
    slowFlipSpreadMs: number;
    slowFlipsMs: number[];
    fastReps: number;
    slowReps: number;
    alreadyTrueIterations: number;
    alreadyTrueWarmup: number;
  };
  tools: Record<string, { fast: Path; slow: Path; alreadyTrueUs: number[] }>;
  alreadyTrueDiagnostics?: Record<string, number[]>;
  sweep: { interval: { initial: number; factor: number; max: number; jitter: number }; fast: Path; slow: Path }[];
}

export const UNFLAKE = 'unflake toEventuallyEqual';
export const WAKE = 'unflake + wakeOn';
export const POLL = 'vitest expect.poll';
const ANCHORS = ['vitest expect.poll', 'vitest vi.waitFor', 'wait-for-expect'];

const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const us = (n: number) => (n < 100 ? n.toFixed(1) : n.toFixed(0));
const x = (n: number) => (n < 0.1 ? n.toFixed(3) : n.toFixed(2));
const calls = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function render(data: BenchData): string {
  const { machine: m, config: c, tools } = data;
  const out: string[] = [];
  out.push(
    `Machine: ${m.nproc} cores, ${m.cpuModel}, ${m.platform}, Node ${m.node}, Vitest ${m.vitest} (run ${data.generatedAt})`,
  );
  out.push(
    `Flip after ~${c.fastFlipMs} ms (${c.fastReps} reps) and ${c.slowFlipMs} ± ${c.slowFlipSpreadMs} ms (${c.slowReps} reps, seeded draws shared by all tools); already-true: median of ${c.alreadyTrueIterations} timed assertions after ${c.alreadyTrueWarmup} warm-up.`,
  );
  out.push('');
  out.push('### Detection latency (ms, flip → assertion resolved), probe calls, already-true cost');
  out.push('');
  out.push(
    table(
      [
        'tool (defaults)',
        'fast p50',
        'fast p90',
        'fast calls p50',
        'slow p50',
        'slow p90',
        'slow calls p50',
        'already-true µs p50',
      ],
      Object.entries(tools).map(([name, r]) => [
        name,
        ms(median(r.fast.latencyMs)),
        ms(p90(r.fast.latencyMs)),
        calls(median(r.fast.calls)),
        ms(median(r.slow.latencyMs)),
        ms(p90(r.slow.latencyMs)),
        calls(median(r.slow.calls)),
        us(median(r.alreadyTrueUs)),
      ]),
    ),
  );
  for (const [name, samples] of Object.entries(data.alreadyTrueDiagnostics ?? {})) {
    out.push(`| ${name} (diagnostic) | | | | | | | ${us(median(samples))} |`);
  }
  out.push('');
  out.push('### Ratios: unflake ÷ anchor (below 1 = unflake lower: quicker, fewer calls, cheaper)');
  out.push('');
  const ratioRows: string[][] = [];
  for (const subject of [UNFLAKE, WAKE]) {
    const u = tools[subject];
    if (!u) continue;
    for (const anchor of ANCHORS) {
      const a = tools[anchor];
      if (!a) continue;
      ratioRows.push([
        `${subject} vs ${anchor}`,
        x(median(u.fast.latencyMs) / median(a.fast.latencyMs)),
        x(p90(u.fast.latencyMs) / p90(a.fast.latencyMs)),
        x(median(u.slow.latencyMs) / median(a.slow.latencyMs)),
        x(median(u.slow.calls) / median(a.slow.calls)),
        x(median(u.alreadyTrueUs) / median(a.alreadyTrueUs)),
      ]);
    }
  }
  out.push(table(['comparison', 'fast p50', 'fast p90', 'slow p50', 'slow calls', 'already-true'], ratioRows));

  if (data.sweep.length > 0 && tools[POLL] && tools[UNFLAKE]) {
    const poll = tools[POLL];
    const pollFast = median(poll.fast.latencyMs);
    const pollSlowCalls = median(poll.slow.calls);
    const overheadOk = median(tools[UNFLAKE].alreadyTrueUs) <= median(poll.alreadyTrueUs);
    out.push('');
    out.push(
      `### Candidate default backoffs (jitter 0.1; fast path sequential, slow path all candidates concurrently)`,
    );
    out.push('');
    out.push(
      `Targets: fast p50 ≤ expect.poll's ÷ 5 (${ms(pollFast / 5)} ms); slow calls p50 < expect.poll's (${calls(pollSlowCalls)}); already-true ≤ expect.poll's (${overheadOk ? 'met' : 'NOT met'} by the current default; the schedule does not change it).`,
    );
    out.push('');
    const rows = data.sweep.map((s) => {
      const fast = median(s.fast.latencyMs);
      const slowCalls = median(s.slow.calls);
      const meets = fast * 5 <= pollFast && slowCalls < pollSlowCalls;
      const { initial, factor, max } = s.interval;
      return [
        `{ initial: ${initial}, factor: ${factor}, max: ${max} }`,
        ms(fast),
        ms(p90(s.fast.latencyMs)),
        calls(median(s.fast.calls)),
        ms(median(s.slow.latencyMs)),
        ms(p90(s.slow.latencyMs)),
        calls(slowCalls),
        x(pollFast / fast),
        meets ? 'yes' : 'no',
      ];
    });
    out.push(
      table(
        [
          'backoff',
          'fast p50',
          'fast p90',
          'fast calls',
          'slow p50',
          'slow p90',
          'slow calls p50',
          'fast × quicker than poll',
          'meets targets',
        ],
        rows,
      ),
    );
  }
  return out.join('\n');
}

export function defaultOut(): string {
  return process.env.UNFLAKE_BENCH_OUT ?? join(tmpdir(), 'unflake-bench.json');
}

export function clockOut(): string {
  return process.env.UNFLAKE_BENCH_CLOCK_OUT ?? join(tmpdir(), 'unflake-bench-clock.json');
}

interface ThroughputSample {
  timersPerS: number;
  scheduleMs: number;
  advanceMs: number;
}
interface VirtualRun {
  realMs: number;
  probeCalls: number;
  virtualMs: number;
}
export interface ClockData {
  generatedAt: string;
  config: {
    samples: number;
    warmup: number;
    timers: number;
    virtualReps: number;
    waitForReps: number;
    waitForRealTimeoutMs: number;
    hourMs: number;
    fakeTimersVersion: string;
  };
  throughput: Record<string, Record<string, ThroughputSample[]>>;
  virtual: {
    flip: VirtualRun[];
    timeout: VirtualRun[];
    day?: VirtualRun[];
    waitFor: { realMs: number; fakeAdvancedMs: number; checks: number }[];
  };
  importCost?: ImportCost;
}

export const TEST_CLOCK = 'TestClock.advance';
export const RAW_FAKE_TIMERS = 'raw fake-timers tick';
/** The throughput goal: TestClock within 1.1× of raw fake-timers, i.e. throughput ratio ≥ 1 / 1.1. */
export const THROUGHPUT_GOAL = 1 / 1.1;

const rate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`);
const kb = (n: number) => (Math.abs(n) >= 1024 ? `${(n / 1024).toFixed(1)} MB` : `${n.toFixed(0)} KB`);
const seconds = (msValue: number) =>
  msValue >= 60_000 ? `${(msValue / 60_000).toFixed(1)} min` : `${(msValue / 1000).toFixed(2)} s`;

export function renderClock(data: ClockData): string {
  const { config: c } = data;
  const out: string[] = [];
  out.push(
    `### Timer throughput (timers fired per real second, scheduling included; median of ${c.samples} samples after ${c.warmup} warm-up, round-robin; @sinonjs/fake-timers ${c.fakeTimersVersion})`,
  );
  out.push('');
  const rows: string[][] = [];
  for (const [workload, tools] of Object.entries(data.throughput)) {
    const raw = tools[RAW_FAKE_TIMERS];
    const rawRate = raw ? median(raw.map((s) => s.timersPerS)) : Number.NaN;
    for (const [tool, samples] of Object.entries(tools)) {
      const r = median(samples.map((s) => s.timersPerS));
      rows.push([
        workload,
        tool,
        rate(r),
        rate(
          quantile(
            samples.map((s) => s.timersPerS),
            0.1,
          ),
        ),
        ms(median(samples.map((s) => s.scheduleMs))),
        ms(median(samples.map((s) => s.advanceMs))),
        x(r / rawRate),
      ]);
    }
  }
  out.push(
    table(
      ['workload', 'tool', 'timers/s p50', 'timers/s p10', 'schedule ms p50', 'advance ms p50', '÷ raw fake-timers'],
      rows,
    ),
  );
  out.push('');
  const goalRows = Object.entries(data.throughput).map(([workload, tools]) => {
    const testClock = tools[TEST_CLOCK]!.map((s) => s.timersPerS);
    const raw = tools[RAW_FAKE_TIMERS]!.map((s) => s.timersPerS);
    const ratio = median(testClock) / median(raw);
    // Paired: the two samples of the same round ran back to back, so they share the machine's load at the time.
    const paired = testClock.map((t, i) => t / raw[i]!);
    return [
      workload,
      x(ratio),
      x(median(paired)),
      `${x(quantile(paired, 0.25))}–${x(quantile(paired, 0.75))}`,
      ratio >= THROUGHPUT_GOAL && median(paired) >= THROUGHPUT_GOAL ? 'yes' : 'NO',
    ];
  });
  out.push(
    table(
      [
        `TestClock ÷ raw fake-timers (goal ≥ ${THROUGHPUT_GOAL.toFixed(2)}, i.e. within 1.1×)`,
        'ratio of medians',
        'paired ratio p50',
        'paired p25–p75',
        'met',
      ],
      goalRows,
    ),
  );

  const v = data.virtual;
  out.push('');
  out.push(
    `### Virtual-time wait cost (real time to cover one virtual hour; ${c.virtualReps} reps each for unflake, ${c.waitForReps} runs of ${c.waitForRealTimeoutMs} ms for vi.waitFor)`,
  );
  out.push('');
  const flip = median(v.flip.map((r) => r.realMs));
  const timeout = median(v.timeout.map((r) => r.realMs));
  // vi.waitFor advances fake time by its interval on each real interval: virtual ms per real ms.
  const speed = median(v.waitFor.map((r) => r.fakeAdvancedMs / r.realMs));
  const waitForHour = c.hourMs / speed;
  out.push(
    table(
      ['case', 'real time p50', 'max', 'probe calls p50', 'virtual time covered'],
      [
        [
          "unflake toEventuallyBe('done', { clock }), flip after 1 virtual h",
          seconds(flip),
          seconds(Math.max(...v.flip.map((r) => r.realMs))),
          calls(median(v.flip.map((r) => r.probeCalls))),
          seconds(median(v.flip.map((r) => r.virtualMs))),
        ],
        ...(v.day?.length
          ? [
              [
                "unflake toEventuallyBe('done', { clock }), flip after 1 virtual day",
                seconds(median(v.day.map((r) => r.realMs))),
                seconds(Math.max(...v.day.map((r) => r.realMs))),
                calls(median(v.day.map((r) => r.probeCalls))),
                seconds(median(v.day.map((r) => r.virtualMs))),
              ],
            ]
          : []),
        [
          "unflake toEventuallyBe('done', { clock }), times out after 1 virtual h",
          seconds(timeout),
          seconds(Math.max(...v.timeout.map((r) => r.realMs))),
          calls(median(v.timeout.map((r) => r.probeCalls))),
          seconds(median(v.timeout.map((r) => r.virtualMs))),
        ],
        [
          `vi.waitFor under vi.useFakeTimers, measured: ${c.waitForRealTimeoutMs} ms real`,
          seconds(median(v.waitFor.map((r) => r.realMs))),
          seconds(Math.max(...v.waitFor.map((r) => r.realMs))),
          calls(median(v.waitFor.map((r) => r.checks))),
          `${seconds(median(v.waitFor.map((r) => r.fakeAdvancedMs)))} (${speed.toFixed(3)} virtual ms per real ms)`,
        ],
        [
          'vi.waitFor, flip after 1 virtual h (EXTRAPOLATED, not run)',
          `≈ ${seconds(waitForHour)}`,
          '',
          `≈ ${calls(Math.round(c.hourMs / 50))}`,
          seconds(c.hourMs),
        ],
      ],
    ),
  );
  out.push('');
  const tiny = (n: number) => (n < 0.001 ? n.toExponential(1) : x(n));
  out.push(
    `Ratio unflake ÷ vi.waitFor (extrapolated) for one virtual hour: flip ${tiny(flip / waitForHour)} (≈ ${Math.round(waitForHour / flip)}× less real time), time-out ${tiny(timeout / waitForHour)} (≈ ${Math.round(waitForHour / timeout)}×).`,
  );

  if (data.importCost) {
    const ic = data.importCost;
    out.push('');
    out.push(
      `### Import cost of each entry (fresh \`${ic.node}\` process each, N = ${ic.n}, medians; heap after gc(); CPU ms = user + system during the import)`,
    );
    out.push('');
    out.push(
      table(
        [
          'process',
          'require/import ms p50',
          'CPU ms p50',
          'ms max',
          'heap Δ',
          'RSS Δ',
          'RSS after',
          'whole process ms p50 (spawn to exit)',
        ],
        Object.entries(ic.samples).map(([name, s]) => {
          const cpu = s.map((r) => r.cpuMs).filter((v): v is number => v !== undefined);
          return [
            name,
            ms(median(s.map((r) => r.ms))),
            cpu.length ? ms(median(cpu)) : '',
            ms(Math.max(...s.map((r) => r.ms))),
            kb(median(s.map((r) => r.heapDeltaKB))),
            kb(median(s.map((r) => r.rssDeltaKB))),
            kb(median(s.map((r) => r.rssKB))),
            ms(median(s.map((r) => r.processMs))),
          ];
        }),
      ),
    );
    const main = ic.samples[MAIN_ENTRY];
    if (main) {
      const p50 = median(main.map((r) => r.ms));
      out.push('');
      out.push(
        `Goal (issue 20): ${MAIN_ENTRY} cold ≤ ${IMPORT_GOAL_MS} ms: p50 ${ms(p50)} → ${p50 <= IMPORT_GOAL_MS ? 'met' : 'NOT met'}.`,
      );
    }
    out.push('');
    out.push(
      table(
        ['after', 'loaded by the import alone (must be none but the positive control)', 'modules resolved', 'error'],
        Object.entries(ic.loadChecks).map(([name, check]) => [
          name,
          (check.heavy ?? (check.fakeTimersLoaded ? ['@sinonjs/fake-timers'] : [])).join(', ') || 'none',
          String(check.modules.length),
          check.error ?? '',
        ]),
      ),
    );
  }
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? defaultOut();
  console.log(render(JSON.parse(readFileSync(file, 'utf8')) as BenchData));
  const clockFile = process.argv[3] ?? clockOut();
  if (existsSync(clockFile)) console.log(`\n${renderClock(JSON.parse(readFileSync(clockFile, 'utf8')) as ClockData)}`);
}
