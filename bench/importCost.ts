/**
 * Import cost of `unflake/clock` in production: fresh Node processes (process.execPath) that require
 * dist/clock.cjs or import dist/clock.js, timed with process.hrtime around the require/import, with the
 * heap (after gc) and RSS before and after; plus a baseline process that loads nothing.
 * Separately (untimed), whether @sinonjs/fake-timers got loaded: every module resolved through
 * module.registerHooks, and require.cache. A positive control creates a TestClock, which must load it.
 * `node bench/importCost.ts` prints the JSON; bench/run.ts calls measureImportCost().
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ImportSample {
  ms: number;
  heapDeltaKB: number;
  rssDeltaKB: number;
  rssKB: number;
  /** Wall time of the whole child process, measured by the parent. */
  processMs: number;
}
export interface LoadCheck {
  fakeTimersLoaded: boolean;
  modules: string[];
  error?: string;
}
export interface ImportCost {
  n: number;
  node: string;
  samples: Record<string, ImportSample[]>;
  loadChecks: Record<string, LoadCheck>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cjs = join(root, 'dist/clock.cjs');
const esm = pathToFileURL(join(root, 'dist/clock.js')).href;

/**
 * The statement each variant times. The import() variant runs as an ES module (`--input-type=module`),
 * as in an ESM application: there `require` is not defined (under plain `-e` it would be a global).
 */
const variants: Record<string, { statement: string; esm: boolean }> = {
  'baseline (loads nothing)': { statement: '', esm: false },
  // What the first import() costs in any ES module (the loader itself), whatever it imports.
  "baseline ESM: import('data:text/javascript,') (empty module)": { statement: "await import('data:text/javascript,');", esm: true },
  "require('unflake/clock') (dist/clock.cjs)": { statement: `require(${JSON.stringify(cjs)});`, esm: false },
  "import('unflake/clock') (dist/clock.js, ESM)": { statement: `await import(${JSON.stringify(esm)});`, esm: true },
};

function timedScript(statement: string): string {
  return `(async () => {
  gc(); const m0 = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  ${statement}
  const t1 = process.hrtime.bigint();
  gc(); const m1 = process.memoryUsage();
  process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6, heapDeltaKB: (m1.heapUsed - m0.heapUsed) / 1024, rssDeltaKB: (m1.rss - m0.rss) / 1024, rssKB: m1.rss / 1024 }));
})();`;
}

/** Records every module resolved (require and import), then reports whether fake-timers is among them. */
function checkScript(statement: string, createClock: boolean): string {
  return `const nodeModule = process.getBuiltinModule('node:module');
const moduleCache = nodeModule.createRequire(${JSON.stringify(pathToFileURL(join(root, 'package.json')).href)}).cache;
const seen = new Set();
nodeModule.registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
(async () => {
  let error;
  try {
    const mod = ${statement.replace(/;$/, '')};
    ${createClock ? 'new mod.TestClock();' : ''}
  } catch (e) { error = e.message; }
  const inCache = Object.keys(moduleCache).filter((k) => k.includes('fake-timers'));
  const modules = [...seen].filter((u) => !u.startsWith('node:')).map((u) => u.replace(${JSON.stringify(pathToFileURL(root).href + '/')}, ''));
  process.stdout.write(JSON.stringify({ fakeTimersLoaded: inCache.length > 0 || modules.some((u) => u.includes('fake-timers')), modules, ...(error ? { error } : {}) }));
})();`;
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
      const { statement, esm } = variants[name]!;
      const { out, processMs } = run(timedScript(statement), esm);
      if (rep >= 0) samples[name]!.push({ ...(JSON.parse(out) as Omit<ImportSample, 'processMs'>), processMs });
    }
  }
  const loadChecks: Record<string, LoadCheck> = {};
  for (const name of names.filter((n) => n.includes('unflake/clock'))) {
    const { statement, esm } = variants[name]!;
    loadChecks[name] = JSON.parse(run(checkScript(statement, false), esm).out) as LoadCheck;
    loadChecks[`${name}, then new TestClock() (positive control)`] = JSON.parse(run(checkScript(statement, true), esm).out) as LoadCheck;
  }
  return { n, node: process.version, samples, loadChecks };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(measureImportCost(Number(process.argv[2] ?? 15)), null, 2));
}
