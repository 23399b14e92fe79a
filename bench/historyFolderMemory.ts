/**
 * The folder store's memory curve (not a test; run by hand on Node 24):
 *   node bench/historyFolderMemory.ts [tests=10000] [runs=300] [checkpoints=30,100,300] [dir]
 * Writes the same runs as bench/historyScale.ts (its generator, copied: that file runs on import) once,
 * into `dir` (kept, so a second call only reads), then for each checkpoint links the first N run files
 * into their own folder and reads it in a fresh child process: the 14-day window and the page, with
 * wall times, peak RSS, and the heap used after a full GC once the window is built (needs
 * --expose-gc, passed to the child). READER_ARGS adds node flags to the reader (e.g. --heap-prof).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attemptFailure } from '../src/flakes/evidence.ts';
import { toHtml } from '../src/flakes/html.ts';
import { REPORT_SCHEMA, REPORT_VERSION, summarize, type RunReport, type TestRecord } from '../src/flakes/schema.ts';
import { openHistory } from '../src/flakes/store.ts';

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

/** The reader, in its own process: window, live heap after a GC, page, peak RSS. */
async function reader(dir: string, now: number): Promise<void> {
  const t0 = performance.now();
  const store = await openHistory(dir);
  const { window } = await store.window({ since: now - 14 * DAY, until: now, budget: 0.005 });
  const t1 = performance.now();
  (globalThis as { gc?: () => void }).gc?.();
  const liveHeap = process.memoryUsage().heapUsed;
  const afterWindowRss = process.resourceUsage().maxRSS * 1024;
  const html = toHtml(window);
  const t2 = performance.now();
  const json = JSON.stringify(window);
  console.log(
    JSON.stringify({
      runs: window.totals.runs,
      listed: window.tests.length,
      windowMs: Math.round(t1 - t0),
      pageMs: Math.round(t2 - t1),
      jsonBytes: json.length,
      pageBytes: html.length,
      liveHeap,
      afterWindowRss,
      peakRss: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

async function generate(dir: string, tests: number, runs: number): Promise<number> {
  const meta = join(dir, 'meta.json');
  if (existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as { tests: number; runs: number; now: number };
    if (m.tests === tests && m.runs === runs) return m.now;
  }
  rmSync(dir, { recursive: true, force: true });
  const all = join(dir, 'all');
  const store = await openHistory(all);
  const now = Date.now();
  for (let i = 0; i < runs; i++) await store.append(run(i, tests, now - 13 * DAY + (i * 13 * DAY) / runs));
  writeFileSync(meta, JSON.stringify({ tests, runs, now }));
  return now;
}

async function main(): Promise<void> {
  const [first, second, third, fourth] = process.argv.slice(2);
  if (first === 'read') return reader(second!, Number(third));
  const tests = Number(first ?? 10_000);
  const runs = Number(second ?? 300);
  const checkpoints = (third ?? String(runs)).split(',').map(Number);
  const dir = fourth ?? join(tmpdir(), `unflake-bench-folder-${tests}x${runs}`);
  const now = await generate(dir, tests, runs);
  const files = readdirSync(join(dir, 'all')).sort();
  console.log(`folder store, ${tests} tests per run, ${files.length} runs in ${dir} (Node ${process.version})`);
  for (const n of checkpoints) {
    const sub = join(dir, `first-${n}`);
    rmSync(sub, { recursive: true, force: true });
    mkdirSync(sub);
    for (const f of files.slice(0, n)) linkSync(join(dir, 'all', f), join(sub, f));
    const flags = ['--expose-gc', ...(process.env.READER_ARGS ?? '').split(' ').filter(Boolean)];
    const child = spawnSync(process.execPath, [...flags, import.meta.filename, 'read', sub, String(now)], {
      encoding: 'utf8',
      maxBuffer: 2 ** 26,
    });
    if (child.status !== 0) throw new Error(child.stderr);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    console.log(
      `${n} runs: window ${r.windowMs} ms · page ${r.pageMs} ms · ${r.listed} tests listed · window JSON ${mb(r.jsonBytes!)} · live heap after window ${mb(r.liveHeap!)} · peak RSS after window ${mb(r.afterWindowRss!)} · with page ${mb(r.peakRss!)}`,
    );
  }
}

await main();
