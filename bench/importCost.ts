/**
 * Import cost of each entry point (issue 20: `import('unflake')` cold ≤ 25 ms): fresh Node processes
 * (process.execPath) that `import()` the ESM file or `require()` the CJS file of dist/, timed with
 * process.hrtime and process.cpuUsage around it (CPU time is what a loaded machine distorts least), with
 * the heap (after gc) and RSS before and after; plus baseline processes that load nothing.
 * `unflake/vitest` and `unflake/jest` import their runner, which refuses to load outside it: there the
 * runner module is a stub (module.registerHooks), so the figure is unflake's own part of the setup entry.
 * Separately (untimed), which heavy modules got loaded: @sinonjs/fake-timers, fast-check, node:http(s),
 * node:crypto, node:util, node:worker_threads, node:net (any of them requested by `import`/`require`, or
 * loaded at all per process.moduleLoadList, which also sees process.getBuiltinModule; node:util is loaded by
 * Node's bootstrap, so for it only a request counts: its ESM namespace is what costs, about 4 ms on Node 24).
 * A positive control creates a TestClock, which must load fake-timers.
 * `node bench/importCost.ts [n] [--summary]` prints the JSON (or p50 per entry); bench/run.ts calls
 * measureImportCost(). UNFLAKE_IMPORT_NODE=/path/to/node times another Node (e.g. the system Node 20): there
 * the entries that need a stubbed runner and the load checks need module.registerHooks (Node ≥ 22.15) and are
 * left out when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ImportSample {
  ms: number;
  /** CPU time (user + system) of the import. */
  cpuMs?: number;
  heapDeltaKB: number;
  rssDeltaKB: number;
  rssKB: number;
  /** Wall time of the whole child process, measured by the parent. */
  processMs: number;
}
export interface LoadCheck {
  fakeTimersLoaded: boolean;
  /** Which of the modules that must load only on first use were loaded by the import alone. */
  heavy?: string[];
  modules: string[];
  error?: string;
}
export interface ImportCost {
  n: number;
  node: string;
  samples: Record<string, ImportSample[]>;
  loadChecks: Record<string, LoadCheck>;
  /** Variants left out because the child Node lacks module.registerHooks. */
  skipped?: string[];
}

/** The goal of issue 20 for `import('unflake')`, cold, in ms. */
export const IMPORT_GOAL_MS = 25;
export const MAIN_ENTRY = "import('unflake') (dist/index.js, ESM)";

const root = process.env.UNFLAKE_PACKAGE_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const file = (name: string): string => join(root, 'dist', name);
const url = (name: string): string => pathToFileURL(file(name)).href;

/** The Node whose import cost is timed (default: the one running this file). */
const childNode = process.env.UNFLAKE_IMPORT_NODE ?? process.execPath;

/**
 * Heavy modules and how to spot them among resolved URLs, require.cache keys and process.moduleLoadList
 * entries that the import added ("NativeModule net"). Each test is serialised into the child: no closures.
 */
const HEAVY: Record<string, (id: string) => boolean> = {
  '@sinonjs/fake-timers': (id) => id.includes('fake-timers'),
  'fast-check': (id) => id.includes('/fast-check/'),
  'node:http': (id) => /^(node:|NativeModule )?https?$/.test(id),
  'node:crypto': (id) => /^(node:|NativeModule )?crypto$/.test(id),
  // Already in moduleLoadList at startup: only an import/require of it shows (`node:util` or `util`).
  'node:util': (id) => id === 'node:util' || id === 'util',
  'node:worker_threads': (id) => /^(node:|NativeModule )?worker_threads$/.test(id),
  'node:net': (id) => /^(node:|NativeModule )?net$/.test(id),
  'the reporter': (id) => /\/dist\/reporter\.c?js$/.test(id),
};

/** A stand-in for the runner module, so its setup entry can be imported outside the runner. */
const RUNNER_STUB = `const noop = () => {}; export const expect = Object.assign(noop, { extend: noop, getState: () => ({}) });
export const beforeAll = noop, beforeEach = noop, afterEach = noop, afterAll = noop, test = noop, it = noop, describe = noop, vi = {};`;
const RUNNER_STUB_CJS = `const noop = () => {}; module.exports = { expect: Object.assign(noop, { extend: noop, getState: () => ({}) }), beforeAll: noop, beforeEach: noop, afterEach: noop, afterAll: noop, test: noop, it: noop, describe: noop, jest: {} };`;

/** Prefix that makes `vitest` / `@jest/globals` resolve to the stub (synchronous hooks: import and require alike). */
function stubRunner(specifier: string, cjs: boolean): string {
  const source = cjs ? RUNNER_STUB_CJS : RUNNER_STUB;
  return `process.getBuiltinModule('node:module').registerHooks({
  resolve(s, c, next) { return s === ${JSON.stringify(specifier)} ? { url: 'unflake-stub:runner', format: ${JSON.stringify(cjs ? 'commonjs' : 'module')}, shortCircuit: true } : next(s, c); },
  load(u, c, next) { return u === 'unflake-stub:runner' ? { format: ${JSON.stringify(cjs ? 'commonjs' : 'module')}, source: ${JSON.stringify(source)}, shortCircuit: true } : next(u, c); },
});`;
}

interface Variant {
  statement: string;
  esm: boolean;
  /** Code run before the timer starts (the runner stub). */
  before?: string;
}

const imp = (name: string): string => `await import(${JSON.stringify(url(name))});`;
const req = (name: string): string => `require(${JSON.stringify(file(name))});`;

/**
 * The statement each variant times. An import() variant runs as an ES module (`--input-type=module`), as
 * in an ESM application: there `require` is not defined (under plain `-e` it would be a global).
 */
const variants: Record<string, Variant> = {
  'baseline (loads nothing)': { statement: '', esm: false },
  // What the first import() costs in any ES module (the loader itself), whatever it imports.
  "baseline ESM: import('data:text/javascript,') (empty module)": {
    statement: "await import('data:text/javascript,');",
    esm: true,
  },
  [MAIN_ENTRY]: { statement: imp('index.js'), esm: true },
  "require('unflake') (dist/index.cjs)": { statement: req('index.cjs'), esm: false },
  "import('unflake/clock') (dist/clock.js, ESM)": { statement: imp('clock.js'), esm: true },
  "require('unflake/clock') (dist/clock.cjs)": { statement: req('clock.cjs'), esm: false },
  "import('unflake/matchers') (ESM)": { statement: imp('matchers.js'), esm: true },
  "require('unflake/matchers') (CJS)": { statement: req('matchers.cjs'), esm: false },
  "import('unflake/vitest') (ESM; vitest stubbed)": {
    statement: imp('vitest.js'),
    esm: true,
    before: stubRunner('vitest', false),
  },
  "require('unflake/jest') (CJS; @jest/globals stubbed)": {
    statement: req('jest.cjs'),
    esm: false,
    before: stubRunner('@jest/globals', true),
  },
  "import('unflake/faults') (ESM)": { statement: imp('faults.js'), esm: true },
};

function timedScript({ statement, esm, before = '' }: Variant): string {
  const body = `${before}
  gc(); const m0 = process.memoryUsage();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  ${statement}
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(c0);
  gc(); const m1 = process.memoryUsage();
  process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000, heapDeltaKB: (m1.heapUsed - m0.heapUsed) / 1024, rssDeltaKB: (m1.rss - m0.rss) / 1024, rssKB: m1.rss / 1024 }));`;
  return esm ? body : `(async () => {${body}\n})();`;
}

/** Records every module resolved (require and import), then reports which heavy ones are among them. */
function checkScript({ statement, esm, before = '' }: Variant, createClock: boolean): string {
  const body = `${before}
const nodeModule = process.getBuiltinModule('node:module');
const moduleCache = nodeModule.createRequire(${JSON.stringify(pathToFileURL(join(root, 'package.json')).href)}).cache;
const seen = new Set();
const loadedBefore = new Set(process.moduleLoadList);
nodeModule.registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); if (specifier.startsWith('node:') || !specifier.includes('/')) seen.add(specifier); return r; } });
let error;
try {
  const mod = ${statement.replace(/;$/, '')};
  ${createClock ? 'new mod.TestClock();' : ''}
} catch (e) { error = e.message; }
const ids = [...seen, ...Object.keys(moduleCache), ...process.moduleLoadList.filter((m) => !loadedBefore.has(m))];
const heavy = Object.entries({ ${Object.entries(HEAVY)
    .map(([name, test]) => `${JSON.stringify(name)}: ${test.toString()}`)
    .join(', ')} }).filter(([, test]) => ids.some(test)).map(([name]) => name);
const modules = [...seen].filter((u) => !u.startsWith('node:') && u.includes('/')).map((u) => u.replace(${JSON.stringify(pathToFileURL(root).href + '/')}, ''));
process.stdout.write(JSON.stringify({ fakeTimersLoaded: heavy.includes('@sinonjs/fake-timers'), heavy, modules, ...(error ? { error } : {}) }));`;
  return esm ? body : `(async () => {${body}\n})();`;
}

function run(code: string, esm: boolean): { out: string; processMs: number } {
  const start = performance.now();
  const args = ['--expose-gc', ...(esm ? ['--input-type=module'] : []), '-e', code];
  const result = spawnSync(childNode, args, { cwd: root, encoding: 'utf8' });
  const processMs = performance.now() - start;
  if (result.status !== 0) throw new Error(`importCost: child exited with ${result.status}: ${result.stderr}`);
  return { out: result.stdout, processMs };
}

/** Whether the child Node has module.registerHooks (the runner stub and the load checks need it). */
function childHasHooks(): boolean {
  const probe = spawnSync(childNode, ['-p', "typeof require('node:module').registerHooks"], { encoding: 'utf8' });
  return probe.stdout.trim() === 'function';
}

export function measureImportCost(n = 15): ImportCost {
  const hooks = childHasHooks();
  const skipped = hooks ? [] : Object.keys(variants).filter((name) => variants[name]!.before !== undefined);
  const names = Object.keys(variants).filter((name) => !skipped.includes(name));
  const samples: Record<string, ImportSample[]> = Object.fromEntries(names.map((name) => [name, []]));
  // One untimed round first (disk cache), then n rounds, round-robin.
  for (let rep = -1; rep < n; rep++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(rep + 1 + k) % names.length]!;
      const variant = variants[name]!;
      const { out, processMs } = run(timedScript(variant), variant.esm);
      if (rep >= 0) samples[name]!.push({ ...(JSON.parse(out) as Omit<ImportSample, 'processMs'>), processMs });
    }
  }
  const loadChecks: Record<string, LoadCheck> = {};
  for (const name of hooks ? names.filter((n) => !n.startsWith('baseline')) : []) {
    const variant = variants[name]!;
    loadChecks[name] = JSON.parse(run(checkScript(variant, false), variant.esm).out) as LoadCheck;
    if (name.includes('unflake/clock'))
      loadChecks[`${name}, then new TestClock() (positive control)`] = JSON.parse(
        run(checkScript(variant, true), variant.esm).out,
      ) as LoadCheck;
  }
  const node = spawnSync(childNode, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { n, node, samples, loadChecks, ...(skipped.length ? { skipped } : {}) };
}

const p50 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One line per entry: wall and CPU p50 (ms), then what the load checks found. */
function summary(cost: ImportCost): string {
  const lines = [`${cost.node}, N = ${cost.n}, p50 wall ms / CPU ms`];
  for (const [name, s] of Object.entries(cost.samples)) {
    const cpu = s.map((r) => r.cpuMs ?? NaN);
    lines.push(
      `${p50(s.map((r) => r.ms))
        .toFixed(1)
        .padStart(6)} / ${p50(cpu).toFixed(1).padStart(5)}  ${name}`,
    );
  }
  for (const [name, check] of Object.entries(cost.loadChecks))
    lines.push(
      `loaded by ${name}: ${check.heavy?.join(', ') || 'none'}${check.error ? ` (error: ${check.error})` : ''}`,
    );
  if (cost.skipped) lines.push(`skipped (no module.registerHooks): ${cost.skipped.join('; ')}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cost = measureImportCost(Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 15));
  console.log(process.argv.includes('--summary') ? summary(cost) : JSON.stringify(cost, null, 2));
}
