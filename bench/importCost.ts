/**
 * Import cost of each entry point (issue 20: `import('unflake')` cold ≤ 25 ms): fresh Node processes
 * (process.execPath) that `import()` the ESM file or `require()` the CJS file of dist/, timed with
 * process.hrtime and process.cpuUsage around it (CPU time is what a loaded machine distorts least), with
 * the heap (after gc) and RSS before and after; plus baseline processes that load nothing.
 * `unflake/vitest` and `unflake/jest` import their runner, which refuses to load outside it: there the
 * runner module is a stub (module.registerHooks), so the figure is unflake's own part of the setup entry.
 * Separately (untimed), which heavy modules got loaded: @sinonjs/fake-timers, fast-check, node:http(s),
 * node:crypto. A positive control creates a TestClock, which must load fake-timers.
 * `node bench/importCost.ts [n]` prints the JSON; bench/run.ts calls measureImportCost().
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
}

/** The goal of issue 20 for `import('unflake')`, cold, in ms. */
export const IMPORT_GOAL_MS = 25;
export const MAIN_ENTRY = "import('unflake') (dist/index.js, ESM)";

const root = process.env.UNFLAKE_PACKAGE_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const file = (name: string): string => join(root, 'dist', name);
const url = (name: string): string => pathToFileURL(file(name)).href;

/** Heavy modules and how to spot them among resolved URLs and require.cache keys. */
const HEAVY: Record<string, (id: string) => boolean> = {
  '@sinonjs/fake-timers': (id) => id.includes('fake-timers'),
  'fast-check': (id) => id.includes('/fast-check/'),
  'node:http': (id) => id === 'node:http' || id === 'node:https' || id === 'http' || id === 'https',
  'node:crypto': (id) => id === 'node:crypto' || id === 'crypto',
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
nodeModule.registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); if (specifier.startsWith('node:') || !specifier.includes('/')) seen.add(specifier); return r; } });
let error;
try {
  const mod = ${statement.replace(/;$/, '')};
  ${createClock ? 'new mod.TestClock();' : ''}
} catch (e) { error = e.message; }
const ids = [...seen, ...Object.keys(moduleCache)];
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
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const processMs = performance.now() - start;
  if (result.status !== 0) throw new Error(`importCost: child exited with ${result.status}: ${result.stderr}`);
  return { out: result.stdout, processMs };
}

export function measureImportCost(n = 15): ImportCost {
  const names = Object.keys(variants);
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
  for (const name of names.filter((n) => !n.startsWith('baseline'))) {
    const variant = variants[name]!;
    loadChecks[name] = JSON.parse(run(checkScript(variant, false), variant.esm).out) as LoadCheck;
    if (name.includes('unflake/clock'))
      loadChecks[`${name}, then new TestClock() (positive control)`] = JSON.parse(
        run(checkScript(variant, true), variant.esm).out,
      ) as LoadCheck;
  }
  return { n, node: process.version, samples, loadChecks };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(measureImportCost(Number(process.argv[2] ?? 15)), null, 2));
}
