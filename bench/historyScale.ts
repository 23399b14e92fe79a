/**
 * The history stores at scale (not a test; run by hand on Node 24):
 *   node bench/historyScale.ts folder 10000 300 30,100,300
 *   node bench/historyScale.ts postgres 10000 1000 100,300,1000
 * Files `runs` runs of `tests` tests (0.5 % of test runs flaky with a full unflake failure message, one
 * commit per 3 runs and 0.1 % of test runs failed, so some are flaky across runs), generated one at a
 * time. At each checkpoint a fresh child process opens the store, computes the 14-day window and builds
 * the page; it prints its wall times and its peak RSS (so the figure is the reader's alone). Postgres is
 * an embedded one (test/flakes/pgServer.ts) on loopback.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHtml } from '../src/flakes/html.ts';
import { REPORT_SCHEMA, REPORT_VERSION, summarize, type RunReport, type TestRecord } from '../src/flakes/schema.ts';
import { openHistory } from '../src/flakes/store.ts';
import { attemptFailure } from '../src/flakes/evidence.ts';

const DAY = 86_400_000;
let seed = 42;
const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function message(): string {
  const trace = Math.floor(random() * 2 ** 52)
    .toString(16)
    .padStart(32, '0');
  return `Error: expect(received).toEventuallyEqual(expected)\n\nTimed out after 1.50 s (timeout: 1500 ms): the condition never held in 14 attempts.\n\n    at Object.<anonymous> (test/checkout.test.ts:12:5)\n\nRun: trace ${trace} · worker vitest 2 · namespace t-run-w2 · seed 42`;
}

function run(index: number, tests: number, finishedAt: number): RunReport {
  const records: TestRecord[] = [];
  for (let i = 0; i < tests; i++) {
    const r = random();
    const status = r < 0.005 ? 'flaky' : r < 0.006 ? 'failed' : 'passed';
    records.push({
      file: `test/area-${i % 97}/module-${i % 400}.test.ts`,
      name: `feature ${i % 31} > handles case ${i}`,
      status,
      durationMs: 12,
      ...(status === 'passed' ? {} : { attempts: 2, failures: [attemptFailure(message())] }),
    });
  }
  const iso = new Date(finishedAt).toISOString();
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    runner: 'vitest',
    run: { id: `ci-${index}`, startedAt: iso, finishedAt: iso, sha: `sha-${Math.floor(index / 3)}`, branch: 'main' },
    ...summarize(records),
    tests: records,
  };
}

/** The reader, in its own process: window and page, wall times and peak RSS. */
async function reader(spec: string, now: number): Promise<void> {
  const t0 = performance.now();
  const store = await openHistory(spec);
  const { window } = await store.window({ since: now - 14 * DAY, until: now, budget: 0.005 });
  const t1 = performance.now();
  const html = toHtml(window);
  const t2 = performance.now();
  await store.close();
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      runs: window.totals.runs,
      testRuns: window.totals.testRuns,
      listed: window.tests.length,
      windowMs: Math.round(t1 - t0),
      pageMs: Math.round(t2 - t1),
      pageBytes: html.length,
      peakRss: rss,
    }),
  );
}

async function main(): Promise<void> {
  const [kind, testsText, runsText, checkpointsText] = process.argv.slice(2);
  if (kind === 'read') return reader(testsText!, Number(runsText));
  const tests = Number(testsText ?? 10_000);
  const runs = Number(runsText ?? 100);
  const checkpoints = new Set((checkpointsText ?? String(runs)).split(',').map(Number));
  const dir = mkdtempSync(join(tmpdir(), 'unflake-bench-history-'));
  const pg = kind === 'postgres' ? await (await import('../test/flakes/pgServer.ts')).startPostgres() : undefined;
  const spec = pg ? pg.url : join(dir, 'history');
  const store = await openHistory(spec);
  const now = Date.now();
  console.log(`${kind} store, ${tests} tests per run, up to ${runs} runs (Node ${process.version})`);
  try {
    const appendMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Spread over 13 days, so every run is in the 14-day window.
      const report = run(i, tests, now - 13 * DAY + (i * 13 * DAY) / runs);
      const t = performance.now();
      await store.append(report);
      appendMs.push(performance.now() - t);
      if (!checkpoints.has(i + 1)) continue;
      const last = appendMs.slice(-20).sort((a, b) => a - b);
      // READER_ARGS: node flags for the reader, e.g. --max-old-space-size=96 to show the folder store reads within a fixed heap.
      const flags = (process.env.READER_ARGS ?? '').split(' ').filter(Boolean);
      const child = spawnSync(process.execPath, [...flags, import.meta.filename, 'read', spec, String(now)], {
        encoding: 'utf8',
        maxBuffer: 2 ** 26,
      });
      if (child.status !== 0) throw new Error(child.stderr);
      if (process.env.QT) process.stderr.write(child.stderr);
      const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
      console.log(
        `${i + 1} runs (${((i + 1) * tests).toLocaleString('en')} results): append one run median ${Math.round(last[last.length >> 1]!)} ms · window ${r.windowMs} ms · page ${r.pageMs} ms (${r.listed} tests listed) · reader peak RSS ${mb(r.peakRss!)}`,
      );
    }
  } finally {
    await store.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
