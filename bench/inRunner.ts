/**
 * The in-runner bench (issue 20): what an already-true eventual assertion costs inside a real Vitest test and
 * a real Jest test, with unflake's setup entry loaded from dist/ as users load it, beside the runner's own
 * tools (`expect.poll`, `vi.waitFor`) and the floor, an awaited `.resolves.toEqual`. Needs a build.
 * `node bench/inRunner.ts` prints the table; bench/run.ts calls runInRunnerBench(). `UNFLAKE_BENCH_CPU_PROF=<dir>`
 * also writes CPU profiles there, of the Vitest worker and of the Jest process (run in band); bench/profileSummary.ts
 * summarises them. `UNFLAKE_BENCH_INRUNNER_RUNNER=vitest|jest` runs one runner only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { FLOOR, LOOP, type InRunnerData } from './inRunner/shared.ts';
import { median, quantile } from './stats.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const UNFLAKE = 'unflake toEventuallyEqual';
export const POLL = 'vitest expect.poll(…).toEqual';
export const WAIT_FOR = 'vitest vi.waitFor';
export { FLOOR, LOOP };
/** Issue 20's goal: an already-true toEventuallyEqual at most half of expect.poll's cost. */
export const IN_RUNNER_GOAL = 0.5;

function runOne(runner: 'vitest' | 'jest'): InRunnerData {
  const profile = process.env.UNFLAKE_BENCH_CPU_PROF;
  if (!existsSync(join(root, 'dist/vitest.js')))
    throw new Error('bench/inRunner: no dist/ here; build first (npm run bench builds)');
  const out = join(tmpdir(), `unflake-bench-inrunner-${runner}-${process.pid}.json`);
  rmSync(out, { force: true });
  const args =
    runner === 'vitest'
      ? [
          join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'),
          'run',
          '--config',
          'bench/inRunner/vitest.config.ts',
        ]
      : [
          '--experimental-vm-modules',
          '--no-warnings=ExperimentalWarning',
          // Jest runs the one file in band, in this process: profile it here.
          ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, '--cpu-prof-interval=100'] : []),
          join(dirname(require.resolve('jest/package.json')), 'bin/jest.js'),
          '--config',
          'bench/inRunner/jest.config.ts',
          '--runInBand',
        ];
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, UNFLAKE_BENCH_INRUNNER_OUT: out },
  });
  if (result.status !== 0 || !existsSync(out))
    throw new Error(`bench/inRunner: ${runner} exited with ${result.status ?? result.signal}`);
  return JSON.parse(readFileSync(out, 'utf8')) as InRunnerData;
}

/** `UNFLAKE_BENCH_INRUNNER_RUNNER=vitest|jest` runs only that runner (e.g. for one runner's profile). */
export function measureInRunner(): InRunnerData[] {
  const only = process.env.UNFLAKE_BENCH_INRUNNER_RUNNER;
  return (['vitest', 'jest'] as const).filter((runner) => !only || runner === only).map(runOne);
}

const us = (n: number): string => (n < 100 ? n.toFixed(1) : n.toFixed(0));
const ratio = (a: number, b: number | undefined): string => (b === undefined ? '' : (a / b).toFixed(2));

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function renderInRunner(runs: readonly InRunnerData[]): string {
  const rows: string[][] = [];
  const goals: string[] = [];
  for (const run of runs) {
    const p50 = (name: string): number | undefined => (run.samples[name] ? median(run.samples[name]) : undefined);
    for (const [name, samples] of Object.entries(run.samples)) {
      const m = median(samples);
      const loop = p50(LOOP);
      rows.push([
        `${run.runner} ${run.version}`,
        name,
        us(m),
        us(quantile(samples, 0.9)),
        loop === undefined || name === LOOP ? '' : us(m - loop),
        ratio(m, p50(POLL)),
        ratio(m, p50(WAIT_FOR)),
        ratio(m, p50(FLOOR)),
      ]);
    }
    const own = p50(UNFLAKE);
    const poll = p50(POLL);
    if (own !== undefined && poll !== undefined)
      goals.push(
        `${run.runner}: ${UNFLAKE} ÷ expect.poll = ${(own / poll).toFixed(2)} (goal ≤ ${IN_RUNNER_GOAL}: ${own / poll <= IN_RUNNER_GOAL ? 'met' : 'NOT met'})`,
      );
  }
  const { iterations, warmup } = runs[0] ?? { iterations: 0, warmup: 0 };
  return [
    `Inside one real test, setup entry from dist/ (Vitest: dist/vitest.js in setupFiles; Jest: dist/jest.cjs in setupFilesAfterEnv); the value already holds; median of ${iterations} timed assertions each after ${warmup} warm-up, blocks of 100 round-robin. The rows above the floor are the runner's own costs (the loop's await alone, expect(v) alone, a synchronous toEqual, custom matchers that do nothing); "− loop" subtracts the loop's own await.`,
    '',
    table(
      ['runner', 'assertion', 'µs p50', 'µs p90', 'µs p50 − loop', '÷ expect.poll', '÷ vi.waitFor', '÷ floor'],
      rows,
    ),
    '',
    ...goals,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(renderInRunner(measureInRunner()));
}
