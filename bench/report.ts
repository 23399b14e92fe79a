/**
 * Prints the figures collected by bench/compare.bench-test.ts as Markdown tables (stdout).
 * `node bench/report.ts [file.json]`; the default file is $UNFLAKE_BENCH_OUT or <tmpdir>/unflake-bench.json.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { median, p90 } from './stats.ts';

interface Path {
  latencyMs: number[];
  calls: number[];
}
interface BenchData {
  generatedAt: string;
  machine: { nproc: number; cpuModel: string; node: string; vitest: string; platform: string };
  config: { fastFlipMs: number; slowFlipMs: number; slowFlipSpreadMs: number; slowFlipsMs: number[]; fastReps: number; slowReps: number; alreadyTrueIterations: number; alreadyTrueWarmup: number };
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
  out.push(`Machine: ${m.nproc} cores, ${m.cpuModel}, ${m.platform}, Node ${m.node}, Vitest ${m.vitest} (run ${data.generatedAt})`);
  out.push(`Flip after ~${c.fastFlipMs} ms (${c.fastReps} reps) and ${c.slowFlipMs} ± ${c.slowFlipSpreadMs} ms (${c.slowReps} reps, seeded draws shared by all tools); already-true: median of ${c.alreadyTrueIterations} timed assertions after ${c.alreadyTrueWarmup} warm-up.`);
  out.push('');
  out.push('### Detection latency (ms, flip → assertion resolved), probe calls, already-true cost');
  out.push('');
  out.push(
    table(
      ['tool (defaults)', 'fast p50', 'fast p90', 'fast calls p50', 'slow p50', 'slow p90', 'slow calls p50', 'already-true µs p50'],
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
    out.push(`### Candidate default backoffs (jitter 0.1; fast path sequential, slow path all candidates concurrently)`);
    out.push('');
    out.push(`Targets: fast p50 ≤ expect.poll's ÷ 5 (${ms(pollFast / 5)} ms); slow calls p50 < expect.poll's (${calls(pollSlowCalls)}); already-true ≤ expect.poll's (${overheadOk ? 'met' : 'NOT met'} by the current default; the schedule does not change it).`);
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
    out.push(table(['backoff', 'fast p50', 'fast p90', 'fast calls', 'slow p50', 'slow p90', 'slow calls p50', 'fast × quicker than poll', 'meets targets'], rows));
  }
  return out.join('\n');
}

export function defaultOut(): string {
  return process.env.UNFLAKE_BENCH_OUT ?? join(tmpdir(), 'unflake-bench.json');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? defaultOut();
  console.log(render(JSON.parse(readFileSync(file, 'utf8')) as BenchData));
}
